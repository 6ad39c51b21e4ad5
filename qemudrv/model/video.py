"""Model of <video>."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .virtio_options import VirtioOptions

VIDEO_TYPES = ("vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio")
# libvirt 9.0's video models, in its order.
MODERN_VIDEO_TYPES = (*VIDEO_TYPES, "gop", "none", "bochs", "ramfb")
VIDEO_BACKENDS = ("qemu", "vhostuser")
VGA_CONFS = ("io", "on", "off")


@dataclass(slots=True)
class VideoAccel:
    accel3d: bool | None = None
    accel2d: bool | None = None
    rendernode: str | None = None  # libvirt 9.0, with a vhost-user backend


@dataclass(slots=True)
class Video:
    type: str = "cirrus"
    # sizes in KiB; 0 means unset
    ram: int = 0
    vram: int = 0
    vgamem: int = 0
    heads: int = 1
    primary: bool = False
    accel: VideoAccel | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
    # libvirt 9.0
    vram64: int = 0
    resolution: tuple[int, int] | None = None
    backend: str | None = None  # <driver name=>
    vgaconf: str | None = None  # <driver vgaconf=>
    virtio: VirtioOptions | None = None
