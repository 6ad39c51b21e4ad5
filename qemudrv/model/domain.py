"""The domain definition: general settings plus its devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .devices import Devices
from .general import (
    CPU,
    OS,
    PM,
    Blkiotune,
    Clock,
    Cputune,
    Features,
    IdMapEntry,
    IOThread,
    IOThreadPool,
    Keywrap,
    LaunchSecurity,
    Lifecycle,
    Memory,
    Numatune,
    QemuCommandline,
    SecLabel,
    Status,
    Sysinfo,
    Vcpus,
)


@dataclass(slots=True)
class Domain:
    # libvirt 9.0 behaviour (the capability set's [libvirt] version), else 1.3.1.
    modern: bool = False
    # libvirt 9.0: PCI addresses assigned and checked once (a later pass,
    # at start, can only check them again when no device wants one).
    pci_assigned: bool = False
    virt_type: str = "qemu"
    id: int | None = None
    name: str = ""
    uuid: str | None = None
    genid: str | None = None  # libvirt 9.0: the VM generation ID (<genid>)
    title: str | None = None
    description: str | None = None
    metadata: Any = None  # an lxml element holding the kept children
    memory: Memory = field(default_factory=Memory)
    blkiotune: Blkiotune = field(default_factory=Blkiotune)
    vcpus: Vcpus = field(default_factory=Vcpus)
    iothreads: list[IOThread] = field(default_factory=list)
    default_iothread: IOThreadPool | None = None
    cputune: Cputune = field(default_factory=Cputune)
    numatune: Numatune | None = None
    resource_partition: str | None = None
    # <sysinfo> elements in document order (libvirt 9.0 takes several)
    sysinfos: list[Sysinfo] = field(default_factory=list)
    os: OS = field(default_factory=OS)
    uidmap: list[IdMapEntry] = field(default_factory=list)
    gidmap: list[IdMapEntry] = field(default_factory=list)
    features: Features = field(default_factory=Features)
    cpu: CPU | None = None
    clock: Clock = field(default_factory=Clock)
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    pm: PM = field(default_factory=PM)
    seclabels: list[SecLabel] = field(default_factory=list)
    qemu_cmdline: QemuCommandline | None = None
    keywrap: Keywrap | None = None
    launch_security: LaunchSecurity | None = None  # libvirt 9.0
    devices: Devices = field(default_factory=Devices)
    status: Status | None = None
    # Filled by post-parse for the command line
    numad_nodeset: frozenset[int] | None = None

    @property
    def sysinfo(self) -> Sysinfo | None:
        """The SMBIOS tables <smbios mode='sysinfo'/> refers to."""
        return next((s for s in self.sysinfos if s.type == "smbios"), None)

    @property
    def emulator(self) -> str | None:
        return self.devices.emulator

    @property
    def arch(self) -> str:
        return self.os.arch or ""

    @property
    def machine(self) -> str:
        return self.os.machine or ""
