"""Input devices, video cards and sound as libvirt 9.0 writes them."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.domain import Domain
from ...model.input import Input
from ...model.sound import SoundCodec
from ...model.video import Video
from ..command import CommandLine
from .address import address_props
from .audio import audio_id_string
from .props import Props, add_device, add_object
from .virtio import virtio_driver, virtio_props

# -- input --------------------------------------------------------------------

_USB_INPUTS = {"mouse": "usb-mouse", "tablet": "usb-tablet", "keyboard": "usb-kbd"}
_VIRTIO_INPUTS = {"mouse": "virtio-mouse", "tablet": "virtio-tablet",
                  "keyboard": "virtio-keyboard", "passthrough": "virtio-input-host"}


def _evdev_object(cmd: CommandLine, dev: Input, alias: str, caps: QemuCaps) -> None:
    """qemuBuildInputEvdevProps: a host input device QEMU reads itself."""
    props: Props = {"evdev": dev.evdev}
    if dev.repeat is not None:
        props["repeat"] = dev.repeat
    if dev.grab == "all":
        props["grab_all"] = True
    if dev.grab_toggle is not None:
        props["grab-toggle"] = dev.grab_toggle
    add_object(cmd, "input-linux", alias, props, caps)


def build_inputs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildInputCommandLine: PS/2 devices come with the machine."""
    for i, dev in enumerate(dom.devices.inputs):
        alias = dev.info.alias or f"input{i}"
        if dev.type == "evdev":
            _evdev_object(cmd, dev, alias, caps)
            continue
        if dev.bus == "usb":
            driver = _USB_INPUTS.get(dev.type)
            if driver is None:
                raise UnsupportedError(f"unsupported input device type '{dev.type}'")
            props: Props = {"driver": driver, "id": alias}
        elif dev.bus == "virtio":
            props = virtio_props(virtio_driver(_VIRTIO_INPUTS[dev.type], dev.info.address),
                                 dev.virtio)
            props["id"] = alias
            if dev.type == "passthrough":
                props["evdev"] = dev.evdev
        else:
            continue
        props.update(address_props(dom, dev.info, caps))
        add_device(cmd, props, caps)


# -- video --------------------------------------------------------------------

# qemuDeviceVideoGetModel: the primary card's device (with VGA compatibility)...
_PRIMARY_MODELS = {
    "vga": "VGA", "cirrus": "cirrus-vga", "vmvga": "vmware-svga", "qxl": "qxl-vga",
    "virtio": "virtio-vga", "bochs": "bochs-display", "ramfb": "ramfb",
}
# ... and a secondary one's (or a primary that cannot be VGA).
_SECONDARY_MODELS = {"qxl": "qxl", "virtio": "virtio-gpu"}


def _supports_vga(v: Video, caps: QemuCaps) -> bool:
    """qemuDomainSupportsVideoVga."""
    if v.type != "virtio":
        return True
    return caps.has("vhost-user-vga" if v.backend == "vhostuser" else "virtio-vga")


def _video_model(v: Video, caps: QemuCaps) -> tuple[str, bool]:
    """qemuDeviceVideoGetModel: the device and whether it is a virtio one
    named for its bus."""
    accel3d = v.accel.accel3d if v.accel is not None else None
    vga = v.primary and _supports_vga(v, caps)
    if v.backend == "vhostuser":
        return ("vhost-user-vga", False) if vga else ("vhost-user-gpu", True)
    if vga:
        model = _PRIMARY_MODELS.get(v.type)
        if model == "virtio-vga" and caps.has("virtio-vga-gl") and accel3d:
            model = "virtio-vga-gl"
        if model is not None:
            return model, False
    elif v.type == "virtio":
        gl = caps.has("virtio-gpu-gl-pci") and accel3d
        return ("virtio-gpu-gl" if gl else "virtio-gpu"), True
    elif v.type in _SECONDARY_MODELS:
        return _SECONDARY_MODELS[v.type], False
    raise UnsupportedError(f"invalid model for video type '{v.type}'", code="internal error")


def video_props(dom: Domain, v: Video, alias: str, caps: QemuCaps) -> Props:
    """qemuBuildDeviceVideoCmd."""
    model, bus_suffix = _video_model(v, caps)
    # virtio-vga is a virtio device too, without the bus in its name.
    is_virtio = bus_suffix or model.startswith("virtio-vga")
    if bus_suffix:
        model = virtio_driver(model, v.info.address)
    props: Props = virtio_props(model, v.virtio) if is_virtio else {"driver": model}
    props["id"] = alias
    if v.backend != "vhostuser" and v.type == "virtio" and v.accel is not None \
            and v.accel.accel3d is not None and caps.has("virtio-gpu.virgl"):
        props["virgl"] = v.accel.accel3d
    if v.type in ("qxl", "virtio") and v.heads:
        props["max_outputs"] = v.heads
    if v.type == "qxl":
        if v.ram:
            props["ram_size"] = v.ram * 1024
        if v.vram:
            props["vram_size"] = v.vram * 1024
        if caps.has("qxl.vram64_size_mb"):
            props["vram64_size_mb"] = v.vram64 // 1024
        if caps.has("qxl.vgamem_mb"):
            props["vgamem_mb"] = v.vgamem // 1024
    elif v.backend == "vhostuser":
        props["chardev"] = f"chr-vu-{alias}"
    elif ((v.type == "vga" and caps.has("VGA.vgamem_mb"))
          or (v.type == "vmvga" and caps.has("vmware-svga.vgamem_mb"))):
        if v.vram // 1024:
            props["vgamem_mb"] = v.vram // 1024
    elif v.type == "bochs" and v.vram:
        props["vgamem"] = v.vram * 1024
    if v.resolution is not None:
        x, y = v.resolution
        props.update({k: val for k, val in (("xres", x), ("yres", y)) if val})
    props.update(address_props(dom, v.info, caps))
    return props


def build_videos(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildVideoCommandLine: a vhost-user card's socket comes as an fd."""
    for i, v in enumerate(dom.devices.videos):
        if v.type == "none":
            continue
        alias = v.info.alias or f"video{i}"
        if v.backend == "vhostuser":
            fd = caps.table("fds").get("video_vhost_user")
            cmd.add("-chardev", f"socket,id=chr-vu-{alias},fd={fd}")
        add_device(cmd, video_props(dom, v, alias, caps), caps)


# -- sound --------------------------------------------------------------------

_SOUND_MODELS = {"ac97": "AC97", "es1370": "ES1370", "sb16": "sb16",
                 "ich6": "intel-hda", "ich9": "ich9-intel-hda", "usb": "usb-audio"}
_CODECS = {"duplex": "hda-duplex", "micro": "hda-micro", "output": "hda-output"}


def build_sounds(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildSoundCommandLine: the card, then an HDA card's codecs."""
    for i, snd in enumerate(dom.devices.sounds):
        alias = snd.info.alias or f"sound{i}"
        if snd.model == "pcspk":
            # pc-speaker is no -device.
            cmd.add("-soundhw", "pcspk")
            continue
        driver = _SOUND_MODELS.get(snd.model)
        if driver is None:
            raise UnsupportedError(f"sound card model '{snd.model}' is not supported")
        props: Props = {"driver": driver, "id": alias}
        hda = snd.model in ("ich6", "ich9")
        if not hda:
            props["audiodev"] = audio_id_string(dom, snd.audio_id)
        props.update(address_props(dom, snd.info, caps))
        add_device(cmd, props, caps)
        if not hda:
            continue
        audiodev = audio_id_string(dom, snd.audio_id)
        codecs = snd.codecs or [SoundCodec("duplex", 0)]
        for codec in codecs:
            add_device(cmd, {"driver": _CODECS[codec.type],
                             "id": f"{alias}-codec{codec.cad}", "bus": f"{alias}.0",
                             "cad": codec.cad, "audiodev": audiodev}, caps)
