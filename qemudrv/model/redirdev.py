"""Model of redirdev devices (placeholder until the family is implemented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo


@dataclass
class Redirdev:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class RedirFilter:
    info: DeviceInfo = field(default_factory=DeviceInfo)
