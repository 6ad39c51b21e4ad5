"""Model of <input> devices."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .virtio_options import VirtioOptions

INPUT_TYPES = ("mouse", "tablet", "keyboard", "passthrough")
INPUT_BUSES = ("ps2", "usb", "xen", "parallels", "virtio")
# libvirt 9.0's additions: host evdev devices, a bus of none, virtio models
MODERN_INPUT_TYPES = (*INPUT_TYPES, "evdev")
MODERN_INPUT_BUSES = (*INPUT_BUSES, "none")
INPUT_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")
INPUT_GRABS = ("all",)
INPUT_GRAB_TOGGLES = ("ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta", "scrolllock",
                      "ctrl-scrolllock")


@dataclass(slots=True)
class Input:
    type: str = "mouse"
    bus: str = "ps2"
    evdev: str | None = None  # passthrough (and libvirt 9.0 evdev) source
    info: DeviceInfo = field(default_factory=DeviceInfo)
    # libvirt 9.0
    model: str | None = None
    grab: str | None = None
    grab_toggle: str | None = None
    repeat: bool | None = None
    virtio: VirtioOptions | None = None
