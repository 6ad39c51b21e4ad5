"""Model of <redirdev> (USB redirection) and <redirfilter>."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .chardev import ChrSource

REDIRDEV_BUSES = ("usb",)


@dataclass(slots=True)
class Redirdev:
    bus: str = "usb"
    source: ChrSource = field(default_factory=ChrSource)
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass(slots=True)
class RedirFilterUSBDev:
    """One filter rule; -1 matches anything. ``version`` is BCD (0x0110
    for 1.10)."""

    usb_class: int = -1
    vendor: int = -1
    product: int = -1
    version: int = -1
    allow: bool = False


@dataclass(slots=True)
class RedirFilter:
    usbdevs: list[RedirFilterUSBDev] = field(default_factory=list)
    info: DeviceInfo = field(default_factory=DeviceInfo)
