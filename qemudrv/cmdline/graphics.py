"""Command line arguments for <graphics>: -vnc, -spice, -sdl.

Besides the arguments, each kind sets the environment as libvirt 1.3.1
does: SASL configuration, X11 display and QEMU_AUDIO_DRV (none for VNC
unless vnc_allow_host_audio, spice for SPICE, the host's for SDL).
"""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.graphics import SPICE_CHANNEL_NAMES, Graphics
from .command import CommandLine

_DEFAULT_LIB_DIR = "/var/lib/libvirt/qemu"


def _pass_env(cmd: CommandLine, caps: QemuCaps, name: str) -> None:
    """virCommandAddEnvPassBlockSUID: copy a variable from our environment."""
    value = caps.env.get("set", {}).get(name)
    if value is not None and name not in caps.env.get("unset", ()):
        cmd.setenv(name, str(value))


def _network_address(g: Graphics) -> str | None:
    lis = g.listens[0] if g.listens else None
    if lis is None:
        return None
    if lis.type == "address":
        return lis.address
    if lis.type == "network" and lis.network:
        raise UnsupportedError("network-based listen not possible, network driver not present")
    return None


def vnc_arg(dom: Domain, g: Graphics, caps: QemuCaps) -> str:
    """The value of -vnc (qemuBuildGraphicsVNCCommandLine)."""
    if not caps.has("vnc"):
        raise UnsupportedError("vnc graphics are not supported with this QEMU")
    socket = g.socket
    if socket is None and caps.conf("vnc_auto_unix_socket", False):
        socket = f"{caps.conf('lib_dir') or _DEFAULT_LIB_DIR}/{dom.name}.vnc"
    if socket is not None:
        out = f"unix:{socket}"
    else:
        if not g.autoport and not 5900 <= g.port <= 65535:
            raise UnsupportedError("vnc port must be in range [5900,65535]")
        addr = _network_address(g) or caps.conf("vnc_listen") or ""
        out = f"[{addr}]" if ":" in addr else addr
        out += f":{g.port - 5900}"
    if socket is None and g.websocket:
        if not caps.has("vnc-websocket"):
            raise UnsupportedError("VNC WebSockets are not supported with this QEMU binary")
        out += f",websocket={g.websocket}"
    if g.share_policy:
        if not caps.has("vnc-share-policy"):
            raise UnsupportedError("vnc display sharing policy is not supported with this QEMU")
        out += f",share={g.share_policy}"
    if g.auth.passwd is not None or caps.conf("vnc_password"):
        out += ",password"
    if caps.conf("vnc_tls", False):
        out += ",tls"
        certdir = caps.conf("vnc_tls_x509_certdir")
        if caps.conf("vnc_tls_x509_verify", False):
            out += f",x509verify={certdir}"
        else:
            out += f",x509={certdir}"
    if caps.conf("vnc_sasl", False):
        out += ",sasl"
    return out


def _build_vnc(cmd: CommandLine, dom: Domain, g: Graphics, caps: QemuCaps) -> None:
    arg = vnc_arg(dom, g, caps)
    if caps.conf("vnc_sasl", False) and caps.conf("vnc_sasl_dir"):
        cmd.setenv("SASL_CONF_PATH", str(caps.conf("vnc_sasl_dir")))
    cmd.add("-vnc", arg)
    if g.keymap:
        cmd.add("-k", g.keymap)
    # keep QEMU away from the host's sound devices unless allowed
    if caps.conf("vnc_allow_host_audio", False):
        _pass_env(cmd, caps, "QEMU_AUDIO_DRV")
    else:
        cmd.setenv("QEMU_AUDIO_DRV", "none")


def spice_arg(g: Graphics, caps: QemuCaps) -> str:
    """The value of -spice (qemuBuildGraphicsSPICECommandLine)."""
    if not caps.has("spice"):
        raise UnsupportedError("spice graphics are not supported with this QEMU")
    port, tls_port = g.port, g.tls_port
    parts: list[str] = []
    if port > 0 or tls_port <= 0:
        parts.append(f"port={port & 0xFFFFFFFF}")
    if tls_port > 0:
        if not caps.conf("spice_tls", False):
            raise UnsupportedError(
                "spice TLS port set in XML configuration, but TLS is disabled in qemu.conf"
            )
        parts.append(f"tls-port={tls_port}")
    out = ",".join(parts)
    if caps.conf("spice_sasl", False):
        out += ",sasl"
    addr = _network_address(g) or caps.conf("spice_listen")
    if addr:
        out += f",addr={addr}"
    if g.mousemode == "server":
        out += ",agent-mouse=off"
    elif g.mousemode == "client":
        out += ",agent-mouse=on"
    # a password is set through the monitor, never on the command line
    if g.auth.passwd is None and not caps.conf("spice_password"):
        out += ",disable-ticketing"
    if tls_port > 0:
        out += f",x509-dir={caps.conf('spice_tls_x509_certdir')}"
    if g.default_mode == "secure":
        out += ",tls-channel=default"
    elif g.default_mode == "insecure":
        out += ",plaintext-channel=default"
    for name in SPICE_CHANNEL_NAMES:
        mode = g.channels.get(name, "any")
        if mode == "secure":
            if tls_port <= 0:
                raise UnsupportedError(
                    "spice secure channels set in XML configuration, "
                    "but TLS port is not provided"
                )
            out += f",tls-channel={name}"
        elif mode == "insecure":
            if port < 0:
                raise UnsupportedError(
                    "spice insecure channels set in XML configuration, "
                    "but plain port is not provided"
                )
            out += f",plaintext-channel={name}"
        elif g.default_mode == "secure" and tls_port <= 0:
            raise UnsupportedError(
                "spice defaultMode secure requested in XML configuration "
                "but TLS port not provided"
            )
        elif g.default_mode == "insecure" and port < 0:
            raise UnsupportedError(
                "spice defaultMode insecure requested in XML configuration "
                "but plain port not provided"
            )
    if g.image:
        out += f",image-compression={g.image}"
    if g.jpeg:
        out += f",jpeg-wan-compression={g.jpeg}"
    if g.zlib:
        out += f",zlib-glz-wan-compression={g.zlib}"
    if g.playback is not None:
        out += f",playback-compression={'on' if g.playback else 'off'}"
    if g.streaming:
        out += f",streaming-video={g.streaming}"
    if g.copypaste is False:
        out += ",disable-copy-paste"
    if g.filetransfer is False:
        if not caps.has("spice-file-xfer-disable"):
            raise UnsupportedError("This QEMU can't disable file transfers through spice")
        out += ",disable-agent-file-xfer"
    if caps.has("seamless-migration"):
        # QEMU falls back silently when the destination cannot do it
        out += ",seamless-migration=on"
    return out


def _build_spice(cmd: CommandLine, g: Graphics, caps: QemuCaps) -> None:
    arg = spice_arg(g, caps)
    if caps.conf("spice_sasl", False) and caps.conf("spice_sasl_dir"):
        cmd.setenv("SASL_CONF_PATH", str(caps.conf("spice_sasl_dir")))
    cmd.add("-spice", arg)
    if g.keymap:
        cmd.add("-k", g.keymap)
    # SPICE carries the guest's audio itself
    cmd.setenv("QEMU_AUDIO_DRV", "spice")


def _build_sdl(cmd: CommandLine, g: Graphics, caps: QemuCaps) -> None:
    if g.xauth:
        cmd.setenv("XAUTHORITY", g.xauth)
    if g.display:
        cmd.setenv("DISPLAY", g.display)
    if g.fullscreen:
        cmd.add("-full-screen")
    # SDL guests may use the host's audio, as the user set it up
    _pass_env(cmd, caps, "QEMU_AUDIO_DRV")
    _pass_env(cmd, caps, "SDL_AUDIODRIVER")
    cmd.add("-sdl")


def build_graphics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    counts: dict[str, int] = {}
    for g in dom.devices.graphics:
        counts[g.type] = counts.get(g.type, 0) + 1
    if any(counts.get(t, 0) > 1 for t in ("sdl", "vnc", "spice")):
        raise UnsupportedError(
            "only 1 graphics device of each type (sdl, vnc, spice) is supported"
        )
    for g in dom.devices.graphics:
        if g.type == "vnc":
            _build_vnc(cmd, dom, g, caps)
        elif g.type == "spice":
            _build_spice(cmd, g, caps)
        elif g.type == "sdl":
            _build_sdl(cmd, g, caps)
        else:
            raise UnsupportedError(f"unsupported graphics type '{g.type}'")
