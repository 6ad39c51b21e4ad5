"""Model of smartcard devices (placeholder until the family is implemented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo


@dataclass
class Smartcard:
    info: DeviceInfo = field(default_factory=DeviceInfo)
