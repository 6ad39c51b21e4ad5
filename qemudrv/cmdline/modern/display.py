"""Input devices, VNC graphics, video cards and sound as libvirt 9.0 writes them."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.domain import Domain
from ...model.graphics import SPICE_CHANNEL_NAMES, Graphics
from ...model.video import Video
from ..command import CommandLine
from .address import address_props, virtio_driver
from .props import Props, add_device, add_object

# The audio backend libvirt adds when the domain names none (its id).
DEFAULT_AUDIO_ID = "audio1"

# -- input --------------------------------------------------------------------

_USB_INPUTS = {"mouse": "usb-mouse", "tablet": "usb-tablet", "keyboard": "usb-kbd"}
_VIRTIO_INPUTS = {"mouse": "virtio-mouse", "tablet": "virtio-tablet",
                  "keyboard": "virtio-keyboard"}


def build_inputs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildInputCommandLine: PS/2 devices come with the machine."""
    for i, dev in enumerate(dom.devices.inputs):
        alias = dev.info.alias or f"input{i}"
        if dev.bus == "usb":
            driver = _USB_INPUTS.get(dev.type)
        elif dev.bus == "virtio" and dev.type in _VIRTIO_INPUTS:
            driver = virtio_driver(_VIRTIO_INPUTS[dev.type], dev.info)
        else:
            continue
        if driver is None:
            raise UnsupportedError(f"unsupported input device type '{dev.type}'")
        props: Props = {"driver": driver, "id": alias}
        props.update(address_props(dom, dev.info, caps))
        add_device(cmd, props, caps)


# -- graphics -----------------------------------------------------------------


def vnc_arg(dom: Domain, g: Graphics, caps: QemuCaps) -> str:
    """qemuBuildGraphicsVNCCommandLine."""
    listen = g.listens[0] if g.listens else None
    if g.socket is not None:
        out = f"vnc=unix:{g.socket}"
    elif listen is not None and listen.type == "none":
        out = "none"
    else:
        addr = (listen.address if listen is not None else None) or \
            str(caps.conf("vnc_listen") or "")
        out = f"[{addr}]" if ":" in addr else addr
        out += f":{g.port - 5900 if g.port >= 5900 else 0}"
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
    return out + f",audiodev={DEFAULT_AUDIO_ID}"


def spice_arg(g: Graphics, caps: QemuCaps) -> str:
    """qemuBuildGraphicsSPICECommandLine."""
    listen = g.listens[0] if g.listens else None
    parts: list[str] = []
    port, tls_port = g.port, g.tls_port
    if listen is not None and listen.type == "socket":
        parts.append("unix")
    else:
        if port > 0 or tls_port <= 0:
            parts.append(f"port={max(port, 0)}")
        if tls_port > 0:
            parts.append(f"tls-port={tls_port}")
    if caps.conf("spice_sasl", False):
        parts.append("sasl=on")
    addr = (listen.address if listen is not None and listen.type == "address" else None) \
        or (caps.conf("spice_listen") if port > 0 or tls_port > 0 else None)
    if addr:
        parts.append(f"addr={addr}")
    if g.mousemode in ("server", "client"):
        parts.append(f"agent-mouse={'off' if g.mousemode == 'server' else 'on'}")
    if g.auth.passwd is None and not caps.conf("spice_password"):
        parts.append("disable-ticketing=on")
    if tls_port > 0:
        parts.append(f"x509-dir={caps.conf('spice_tls_x509_certdir')}")
    if g.default_mode in ("secure", "insecure"):
        kind = "tls-channel" if g.default_mode == "secure" else "plaintext-channel"
        parts.append(f"{kind}=default")
    for name in SPICE_CHANNEL_NAMES:
        mode = g.channels.get(name, "any")
        if mode == "secure":
            parts.append(f"tls-channel={name}")
        elif mode == "insecure":
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
    parts.append("seamless-migration=on")
    return ",".join(parts)


_VNC_TLS_ID = "vnc-tls-creds0"


def _vnc_tls_object(cmd: CommandLine, caps: QemuCaps) -> None:
    """qemuBuildTLSx509CommandLine for the VNC server."""
    if caps.conf("vnc_tls_x509_secret_uuid"):
        raise UnsupportedError("VNC TLS keys with a password are not written in the 9.0 "
                               "dialect yet")
    add_object(cmd, "tls-creds-x509", _VNC_TLS_ID, {
        "dir": caps.conf("vnc_tls_x509_certdir"), "endpoint": "server",
        "verify-peer": bool(caps.conf("vnc_tls_x509_verify", False))}, caps)


def build_graphics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for g in dom.devices.graphics:
        if g.type == "vnc":
            if caps.conf("vnc_tls", False) and g.socket is None:
                _vnc_tls_object(cmd, caps)
            if caps.conf("vnc_sasl", False) and caps.conf("vnc_sasl_dir"):
                cmd.setenv("SASL_CONF_PATH", str(caps.conf("vnc_sasl_dir")))
            cmd.add("-vnc", vnc_arg(dom, g, caps))
        elif g.type == "spice":
            if caps.conf("spice_sasl", False) and caps.conf("spice_sasl_dir"):
                cmd.setenv("SASL_CONF_PATH", str(caps.conf("spice_sasl_dir")))
            cmd.add("-spice", spice_arg(g, caps))
        else:
            raise UnsupportedError(
                f"graphics type '{g.type}' is not written in the 9.0 dialect yet")


# -- video --------------------------------------------------------------------

# qemuDeviceVideoGetModel: the primary card's device, and a secondary's.
_PRIMARY_MODELS = {
    "vga": "VGA", "cirrus": "cirrus-vga", "vmvga": "vmware-svga", "qxl": "qxl-vga",
    "virtio": "virtio-vga", "bochs": "bochs-display", "ramfb": "ramfb",
}
_SECONDARY_MODELS = {"qxl": "qxl", "virtio": "virtio-gpu-pci"}


def video_props(dom: Domain, v: Video, alias: str, caps: QemuCaps, primary: bool) -> Props:
    """qemuBuildDeviceVideoCmd."""
    model = (_PRIMARY_MODELS if primary else _SECONDARY_MODELS).get(v.type)
    if model is None:
        raise UnsupportedError(f"video type {v.type} is not supported with QEMU")
    if model == "virtio-vga" and not caps.has("virtio-vga"):
        model = "virtio-gpu-pci"
    props: Props = {"driver": model, "id": alias}
    if v.type == "virtio" and v.accel is not None and v.accel.accel3d is not None \
            and caps.has("virtio-gpu.virgl"):
        props["virgl"] = v.accel.accel3d
    if v.type in ("qxl", "virtio") and v.heads:
        props["max_outputs"] = v.heads
    if v.type == "qxl":
        if v.ram:
            props["ram_size"] = v.ram * 1024
        if v.vram:
            props["vram_size"] = v.vram * 1024
        if caps.has("qxl.vram64_size_mb"):
            props["vram64_size_mb"] = 0
        if caps.has("qxl.vgamem_mb"):
            props["vgamem_mb"] = v.vgamem // 1024
    elif ((v.type == "vga" and caps.has("VGA.vgamem_mb"))
          or (v.type == "vmvga" and caps.has("vmware-svga.vgamem_mb"))) and v.vram:
        props["vgamem_mb"] = v.vram // 1024
    elif v.type == "bochs" and v.vram:
        props["vgamem"] = v.vram * 1024
    props.update(address_props(dom, v.info, caps))
    return props


def build_videos(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, v in enumerate(dom.devices.videos):
        if v.type == "none":
            continue
        add_device(cmd, video_props(dom, v, v.info.alias or f"video{i}", caps, i == 0), caps)


# -- sound --------------------------------------------------------------------

_SOUND_MODELS = {"ac97": "AC97", "es1370": "ES1370", "sb16": "sb16", "pcspk": "",
                 "ich6": "intel-hda", "ich9": "ich9-intel-hda", "ich7": "intel-hda",
                 "usb": "usb-audio", "ics9hda": "ics9hda"}
_CODECS = {"duplex": "hda-duplex", "micro": "hda-micro", "output": "hda-output"}


def build_sounds(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSoundCommandLine: the card, then an HDA card's codecs."""
    for i, snd in enumerate(dom.devices.sounds):
        alias = snd.info.alias or f"sound{i}"
        driver = _SOUND_MODELS.get(snd.model)
        if driver is None:
            raise UnsupportedError(f"sound card model '{snd.model}' is not supported")
        if not driver:
            continue
        props: Props = {"driver": driver, "id": alias}
        hda = snd.model in ("ich6", "ich7", "ich9")
        if not hda:
            props["audiodev"] = DEFAULT_AUDIO_ID
        props.update(address_props(dom, snd.info, caps))
        add_device(cmd, props, caps)
        if not hda:
            continue
        codecs = snd.codecs
        if not codecs:
            add_device(cmd, {"driver": "hda-duplex", "id": f"{alias}-codec0",
                             "bus": f"{alias}.0", "cad": 0, "audiodev": DEFAULT_AUDIO_ID}, caps)
        for codec in codecs:
            add_device(cmd, {"driver": _CODECS.get(codec.type, "hda-duplex"),
                             "id": f"{alias}-codec{codec.cad}", "bus": f"{alias}.0",
                             "cad": codec.cad, "audiodev": DEFAULT_AUDIO_ID}, caps)
