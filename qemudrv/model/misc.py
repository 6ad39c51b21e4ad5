"""Model of misc devices (placeholder until the family is implemented)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo


@dataclass
class Hub:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Lease:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Memballoon:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class MemoryDevice:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class NVRAM:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Panic:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Shmem:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class TPM:
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Watchdog:
    info: DeviceInfo = field(default_factory=DeviceInfo)
