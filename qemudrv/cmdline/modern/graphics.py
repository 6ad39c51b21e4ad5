"""-vnc, -spice and -display (sdl, egl-headless, dbus) as libvirt 9.0 writes
them (qemuBuildGraphicsCommandLine), after the process start's graphics setup
(qemuProcessSetupGraphics: listen sockets and addresses from qemu.conf, the
DRM render node, ports for autoport)."""

from __future__ import annotations

from dataclasses import dataclass

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.domain import Domain
from ...model.graphics import SPICE_CHANNEL_NAMES, Graphics
from ..command import CommandLine
from .audio import audio_id_string
from .general import domain_lib_dir
from .props import escape_comma
from .tls import add_tls_creds, tls_certdir

_VNC_TLS_ID = "vnc-tls-creds0"


@dataclass
class _Listen:
    """The first listen as the running domain has it."""

    type: str
    address: str | None = None
    socket: str | None = None


def _setup_listen(dom: Domain, g: Graphics, caps: QemuCaps) -> _Listen:
    """qemuProcessGraphicsSetupListen for the listen the command line uses."""
    first = g.listens[0] if g.listens else None
    if first is None:
        return _Listen("address")
    auto_socket = caps.conf(f"{g.type}_auto_unix_socket", False)
    config_address = caps.conf(f"{g.type}_listen")
    own_socket = f"{domain_lib_dir(dom, caps)}/{g.type}.sock"
    if first.type == "address" and not first.address:
        if auto_socket:
            return _Listen("socket", socket=own_socket)
        return _Listen("address", address=str(config_address) if config_address else None)
    if first.type == "socket":
        return _Listen("socket", socket=first.socket or own_socket)
    if first.type == "network" and not first.address and config_address:
        raise UnsupportedError("network-based listen not possible, network driver not present")
    return _Listen(first.type, address=first.address)


def _render_node(g: Graphics, caps: QemuCaps) -> str | None:
    """qemuProcessGraphicsSetupRenderNode: the host's DRM node where the
    display renders with OpenGL and names none."""
    if g.rendernode or g.type not in ("spice", "egl-headless", "dbus"):
        return g.rendernode
    if g.type in ("spice", "dbus") and g.gl is not True:
        return None
    if g.type == "spice" and not caps.has("spice-rendernode"):
        return None
    if g.type == "egl-headless" and not caps.has("egl-headless.rendernode"):
        return None
    node = caps.host.get("drm_render_node")
    return str(node) if node else None


def vnc_arg(dom: Domain, g: Graphics, caps: QemuCaps) -> str:
    """qemuBuildGraphicsVNCCommandLine."""
    listen = _setup_listen(dom, g, caps)
    if listen.type == "socket":
        out = f"vnc=unix:{escape_comma(listen.socket or '')}"
    elif listen.type == "none":
        out = "none"
    else:
        # Without allocation (the tests) an automatic port is the first one.
        port = 5900 if g.autoport else g.port
        if not g.autoport and not 5900 <= port <= 65535:
            raise UnsupportedError("vnc port must be in range [5900,65535]")
        addr = listen.address or ""
        out = f"[{addr}]" if ":" in addr else addr
        out += f":{port - 5900}"
        if g.websocket:
            out += f",websocket={g.websocket}"
    if g.share_policy:
        out += f",share={g.share_policy}"
    if g.auth.passwd is not None or caps.conf("vnc_password"):
        out += ",password=on"
    if caps.conf("vnc_tls", False):
        out += f",tls-creds={_VNC_TLS_ID}"
    if caps.conf("vnc_sasl", False):
        out += ",sasl=on"
    if g.power_control is not None:
        out += f",power-control={'on' if g.power_control else 'off'}"
    return out + f",audiodev={audio_id_string(dom, g.audio_id)}"


def _spice_ports(g: Graphics, caps: QemuCaps) -> tuple[int, int]:
    """qemuProcessSPICEAllocatePorts without allocation: the ports an
    autoport display needs are 5901 (plain) and 5902 (TLS)."""
    port, tls_port = g.port, g.tls_port
    if not g.autoport:
        return (5901 if port == -1 else port, 5902 if tls_port == -1 else tls_port)
    modes = [g.channels.get(name, "any") for name in SPICE_CHANNEL_NAMES]
    need_tls = "secure" in modes or g.default_mode == "secure"
    need_plain = "insecure" in modes or g.default_mode == "insecure"
    if g.default_mode == "any":
        need_tls = need_tls or bool(caps.conf("spice_tls", False))
        need_plain = True
    return (5901 if need_plain or port == -1 else port,
            5902 if need_tls or tls_port == -1 else tls_port)


def spice_arg(dom: Domain, g: Graphics, caps: QemuCaps) -> str:
    """qemuBuildGraphicsSPICECommandLine."""
    listen = _setup_listen(dom, g, caps)
    port, tls_port = _spice_ports(g, caps)
    parts: list[str] = []
    secure = insecure = False
    if listen.type == "socket":
        parts.append(f"unix,addr={escape_comma(listen.socket or '')}")
        insecure = True
    elif listen.type in ("address", "network"):
        if port > 0:
            parts.append(f"port={port}")
            insecure = True
        if tls_port > 0:
            parts.append(f"tls-port={tls_port}")
            secure = True
        if (port > 0 or tls_port > 0) and listen.address:
            parts.append(f"addr={listen.address}")
    else:
        # QEMU wants a port or tls-port when nothing else is given.
        parts.append("port=0")
        insecure = True
    if caps.conf("spice_sasl", False):
        parts.append("sasl=on")
    if g.mousemode in ("server", "client"):
        parts.append(f"agent-mouse={'off' if g.mousemode == 'server' else 'on'}")
    if g.auth.passwd is None and not caps.conf("spice_password"):
        parts.append("disable-ticketing=on")
    if secure:
        parts.append(f"x509-dir={escape_comma(tls_certdir(caps, 'spice'))}")
    if g.default_mode == "secure":
        if not secure:
            raise UnsupportedError("spice defaultMode secure requested in XML configuration, "
                                   "but TLS connection is not available")
        parts.append("tls-channel=default")
    elif g.default_mode == "insecure":
        if not insecure:
            raise UnsupportedError("spice defaultMode insecure requested in XML "
                                   "configuration, but plaintext connection is not available")
        parts.append("plaintext-channel=default")
    for name in SPICE_CHANNEL_NAMES:
        mode = g.channels.get(name, "any")
        if mode == "secure":
            if not secure:
                raise UnsupportedError("spice secure channels set in XML configuration, "
                                       "but TLS connection is not available")
            parts.append(f"tls-channel={name}")
        elif mode == "insecure":
            if not insecure:
                raise UnsupportedError("spice insecure channels set in XML configuration, "
                                       "but plaintext connection is not available")
            parts.append(f"plaintext-channel={name}")
    for key, value in (("image-compression", g.image), ("jpeg-wan-compression", g.jpeg),
                       ("zlib-glz-wan-compression", g.zlib)):
        if value:
            parts.append(f"{key}={value}")
    if g.playback is not None:
        parts.append(f"playback-compression={'on' if g.playback else 'off'}")
    if g.streaming:
        parts.append(f"streaming-video={g.streaming}")
    if g.copypaste is False:
        parts.append("disable-copy-paste=on")
    if g.filetransfer is False:
        parts.append("disable-agent-file-xfer=on")
    if g.gl:
        parts.append("gl=on")
        rendernode = _render_node(g, caps)
        if rendernode:
            parts.append(f"rendernode={escape_comma(rendernode)}")
    parts.append("seamless-migration=on")
    return ",".join(parts)


def _vnc_tls_object(cmd: CommandLine, caps: QemuCaps) -> None:
    """qemuBuildTLSx509CommandLine for the VNC server, after the secret of
    its key's password where qemu.conf names one."""
    add_tls_creds(cmd, caps, "vnc", _VNC_TLS_ID, listen=True,
                  verify=bool(caps.conf("vnc_tls_x509_verify", False)),
                  secret_alias=f"{_VNC_TLS_ID}-secret0")


def _sdl(cmd: CommandLine, g: Graphics) -> None:
    """qemuBuildGraphicsSDLCommandLine."""
    if g.xauth:
        cmd.setenv("XAUTHORITY", g.xauth)
    if g.display:
        cmd.setenv("DISPLAY", g.display)
    if g.fullscreen:
        cmd.add("-full-screen")
    opt = "sdl"
    if g.gl is not None:
        opt += f",gl={'on' if g.gl else 'off'}"
    cmd.add("-display", opt)


def _dbus_socket(dom: Domain, caps: QemuCaps) -> str:
    """qemuDBusCreateSocketPath: in the driver's D-Bus directory (by default
    ``dbus`` under its state directory), named for the domain's short name."""
    lib_dir = domain_lib_dir(dom, caps)
    short_name = lib_dir.rsplit("/domain-", 1)[1]
    dbus_dir = caps.conf("dbus_state_dir")
    if dbus_dir is None:
        dbus_dir = f"{caps.conf('state_dir', '/var/run/libvirt/qemu')}/dbus"
    return f"{dbus_dir}/{short_name}-dbus.sock"


def _dbus(cmd: CommandLine, dom: Domain, g: Graphics, caps: QemuCaps) -> None:
    """qemuBuildGraphicsDBusCommandLine."""
    opt = "dbus"
    if g.p2p:
        opt += ",p2p=on"
    else:
        # qemuProcessGraphicsSetupDBus: the domain's own bus by default.
        address = g.dbus_address or f"unix:path={_dbus_socket(dom, caps)}"
        opt += f",addr={escape_comma(address)}"
    if g.gl is not None:
        opt += f",gl={'on' if g.gl else 'off'}"
    rendernode = _render_node(g, caps)
    if rendernode:
        opt += f",rendernode={escape_comma(rendernode)}"
    if g.audio_id > 0:
        opt += f",audiodev={audio_id_string(dom, g.audio_id)}"
    cmd.add("-display", opt)


def build_graphics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for g in dom.devices.graphics:
        if g.type == "vnc":
            if caps.conf("vnc_tls", False):
                _vnc_tls_object(cmd, caps)
            if caps.conf("vnc_sasl", False) and caps.conf("vnc_sasl_dir"):
                cmd.setenv("SASL_CONF_PATH", str(caps.conf("vnc_sasl_dir")))
            cmd.add("-vnc", vnc_arg(dom, g, caps))
        elif g.type == "spice":
            if caps.conf("spice_sasl", False) and caps.conf("spice_sasl_dir"):
                cmd.setenv("SASL_CONF_PATH", str(caps.conf("spice_sasl_dir")))
            cmd.add("-spice", spice_arg(dom, g, caps))
        elif g.type == "sdl":
            _sdl(cmd, g)
        elif g.type == "egl-headless":
            rendernode = _render_node(g, caps)
            cmd.add("-display", "egl-headless" + (
                f",rendernode={escape_comma(rendernode)}" if rendernode else ""))
        elif g.type == "dbus":
            _dbus(cmd, dom, g, caps)
        else:
            # qemuBuildGraphicsCommandLine fails without a message for rdp/desktop.
            raise UnsupportedError(f"graphics type '{g.type}' is not supported with QEMU")
        if g.type in ("vnc", "spice") and g.keymap:
            cmd.add("-k", g.keymap)
