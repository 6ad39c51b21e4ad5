"""Model of chardev devices (placeholder until the family is implemented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo


@dataclass
class Serial:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Parallel:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Console:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Channel:
    info: DeviceInfo = field(default_factory=DeviceInfo)
