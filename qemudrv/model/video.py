"""Model of <video>."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

VIDEO_TYPES = ("vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio")


@dataclass
class VideoAccel:
    accel3d: bool | None = None
    accel2d: bool | None = None


@dataclass
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
