"""Model of <input> devices."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

INPUT_TYPES = ("mouse", "tablet", "keyboard", "passthrough")
INPUT_BUSES = ("ps2", "usb", "xen", "parallels", "virtio")


@dataclass
class Input:
    type: str = "mouse"
    bus: str = "ps2"
    evdev: str | None = None  # passthrough source
    info: DeviceInfo = field(default_factory=DeviceInfo)
