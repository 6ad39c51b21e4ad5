"""Command line arguments for <video>: -device for every card when QEMU
can take the primary one as a device, otherwise -vga (plus -global
tweaks) and -device for secondary qxl cards."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.video import Video
from .address import device_address
from .command import CommandLine

# -vga names (qemuVideo); "" where QEMU has none
_VGA_NAMES = {
    "vga": "std", "cirrus": "cirrus", "vmvga": "vmware", "xen": "", "vbox": "",
    "qxl": "qxl", "parallels": "", "virtio": "",
}
# device names of primary cards (qemuDeviceVideo)
_DEVICE_NAMES = {
    "vga": "VGA", "cirrus": "cirrus-vga", "vmvga": "vmware-svga", "xen": "", "vbox": "",
    "qxl": "qxl-vga", "parallels": "", "virtio": "virtio-vga",
}
# the flag that lets each primary card be a -device
_PRIMARY_FLAGS = {
    "vga": "VGA", "cirrus": "cirrus-vga", "vmvga": "vmware-svga",
    "qxl": "device-qxl-vga", "virtio": "virtio-gpu",
}
_UINT_MAX_KIB = 0xFFFFFFFF // 1024


def _check_sizes(v: Video) -> None:
    if v.vram > _UINT_MAX_KIB:
        raise UnsupportedError(f"value for 'vram' must be less than '{_UINT_MAX_KIB}'")
    if v.ram > _UINT_MAX_KIB:
        raise UnsupportedError(f"value for 'ram' must be less than '{_UINT_MAX_KIB}'")


def video_device(dom: Domain, v: Video, alias: str, caps: QemuCaps, primary: bool) -> str:
    """qemuBuildDeviceVideoStr."""
    if primary:
        model = _DEVICE_NAMES.get(v.type, "")
        if not model:
            raise UnsupportedError(f"video type {v.type} is not supported with QEMU")
    elif v.type == "qxl":
        model = "qxl"
    elif v.type == "virtio":
        model = "virtio-gpu-pci"
    else:
        raise UnsupportedError("non-primary video device must be type of 'qxl' or 'virtio'")
    out = f"{model},id={alias}"
    if v.accel is not None and v.accel.accel3d is not None:
        if v.type != "virtio" or not caps.has("virtio-gpu.virgl"):
            raise UnsupportedError(f"{v.type} 3d acceleration is not supported")
        out += f",virgl={'on' if v.accel.accel3d else 'off'}"
    if v.type == "qxl":
        _check_sizes(v)
        if v.ram:
            out += f",ram_size={v.ram * 1024}"  # QEMU takes bytes
        if v.vram:
            out += f",vram_size={v.vram * 1024}"
        if caps.has("qxl-vga.vgamem_mb" if primary else "qxl.vgamem_mb"):
            out += f",vgamem_mb={v.vgamem // 1024}"
    elif v.vram and (
        (v.type == "vga" and caps.has("VGA.vgamem_mb"))
        or (v.type == "vmvga" and caps.has("vmware-svga.vgamem_mb"))
    ):
        if v.vram < 1024:
            raise UnsupportedError("value for 'vgamem' must be at least 1 MiB (1024 KiB)")
        out += f",vgamem_mb={v.vram // 1024}"
    return out + device_address(dom, v.info, caps)


def _primary_as_device(v: Video, caps: QemuCaps) -> bool:
    flag = _PRIMARY_FLAGS.get(v.type)
    return caps.has("device-video-primary") and flag is not None and caps.has(flag)


def _legacy_primary(cmd: CommandLine, v: Video, caps: QemuCaps) -> None:
    if v.type == "xen":
        return  # -vga means nothing to a Xen framebuffer
    if v.type == "qxl" and not caps.has("vga-qxl"):
        raise UnsupportedError("This QEMU does not support QXL graphics adapters")
    name = _VGA_NAMES.get(v.type, "")
    if not name:
        raise UnsupportedError(f"video type {v.type} is not supported with QEMU")
    cmd.add("-vga", name)
    # sizes go through -global on the device QEMU creates for -vga
    dev = _DEVICE_NAMES[v.type]
    if v.type == "qxl" and (v.vram or v.ram) and caps.has("device"):
        _check_sizes(v)
        if v.ram:
            cmd.add("-global", f"{dev}.ram_size={v.ram * 1024}")
        if v.vram:
            cmd.add("-global", f"{dev}.vram_size={v.vram * 1024}")
        if v.vgamem and caps.has("qxl-vga.vgamem_mb"):
            cmd.add("-global", f"{dev}.vgamem_mb={v.vgamem // 1024}")
    if caps.has("device") and v.vram and (
        (v.type == "vga" and caps.has("VGA.vgamem_mb"))
        or (v.type == "vmvga" and caps.has("vmware-svga.vgamem_mb"))
    ):
        cmd.add("-global", f"{dev}.vgamem_mb={v.vram // 1024}")


def build_videos(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    videos = dom.devices.videos
    if not videos:
        # with -device, -nodefaults already removed the default card
        if not caps.has("device") and caps.has("vga-none"):
            cmd.add("-vga", "none")
        return
    if _primary_as_device(videos[0], caps):
        for i, v in enumerate(videos):
            cmd.add("-device", video_device(dom, v, f"video{i}", caps, i == 0))
        return
    _legacy_primary(cmd, videos[0], caps)
    if len(videos) > 1:
        if not caps.has("device"):
            raise UnsupportedError("only one video card is currently supported")
        for i, v in enumerate(videos[1:], start=1):
            if v.type != "qxl":
                raise UnsupportedError(f"video type {v.type} is only valid as primary video card")
            cmd.add("-device", video_device(dom, v, f"video{i}", caps, False))
