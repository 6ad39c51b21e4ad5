"""The domain definition: general settings plus its devices.

Only the skeleton is here; each section gets its own dataclass as it is
implemented (OS, memory, CPU, NUMA, features, clock, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .devices import Devices


@dataclass
class Domain:
    virt_type: str = "qemu"
    id: int | None = None
    name: str = ""
    uuid: str | None = None
    title: str | None = None
    description: str | None = None
    devices: Devices = field(default_factory=Devices)
