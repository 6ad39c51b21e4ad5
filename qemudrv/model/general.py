"""The general (non-device) sections of a domain definition.

One dataclass per section of virDomainDef; sizes are in KiB, CPU and node
sets are kept as sorted integer sets (libvirt's bitmaps) and formatted back
as ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Hugepage:
    size: int = 0  # KiB; 0 means "the default size"
    nodeset: frozenset[int] | None = None


@dataclass(slots=True)
class Memory:
    total: int = 0  # <memory>, KiB (all memory, dimms included)
    initial: int = 0  # memory not in dimms (computed by post-parse)
    cur_balloon: int = 0
    max_memory: int = 0
    slots: int = 0
    dump_core: bool | None = None
    hugepages: list[Hugepage] = field(default_factory=list)
    nosharepages: bool = False
    locked: bool = False
    hard_limit: int | None = None
    soft_limit: int | None = None
    min_guarantee: int | None = None
    swap_hard_limit: int | None = None
    # libvirt 9.0's <memoryBacking> children.
    source: str | None = None  # file / anonymous / memfd
    access: str | None = None  # shared / private
    allocation: str | None = None  # immediate / ondemand
    allocation_threads: int = 0
    discard: bool = False


@dataclass(slots=True)
class BlkioDevice:
    path: str
    weight: int = 0
    riops: int = 0
    wiops: int = 0
    rbps: int = 0
    wbps: int = 0


@dataclass(slots=True)
class Blkiotune:
    weight: int = 0
    devices: list[BlkioDevice] = field(default_factory=list)


@dataclass(slots=True)
class VcpuPin:
    id: int
    cpuset: frozenset[int]


@dataclass(slots=True)
class SchedGroup:
    ids: frozenset[int]
    policy: str
    priority: int | None = None


@dataclass(slots=True)
class Cputune:
    shares: int | None = None
    period: int | None = None
    quota: int | None = None
    emulator_period: int | None = None
    emulator_quota: int | None = None
    # libvirt 9.0: the whole domain's and the I/O threads' bandwidth
    global_period: int | None = None
    global_quota: int | None = None
    iothread_period: int | None = None
    iothread_quota: int | None = None
    vcpupins: list[VcpuPin] = field(default_factory=list)
    emulatorpin: frozenset[int] | None = None
    iothreadpins: list[VcpuPin] = field(default_factory=list)
    vcpusched: list[SchedGroup] = field(default_factory=list)
    iothreadsched: list[SchedGroup] = field(default_factory=list)
    # libvirt 9.0
    emulator_sched: SchedGroup | None = None


@dataclass(slots=True)
class IOThread:
    id: int
    autofill: bool = False
    # libvirt 9.0: the thread pool bounds, -1 when not given
    pool_min: int = -1
    pool_max: int = -1


@dataclass(slots=True)
class IOThreadPool:
    """<defaultiothread> (libvirt 9.0): the main loop's thread pool."""

    pool_min: int = -1
    pool_max: int = -1


@dataclass(slots=True)
class MemNode:
    cellid: int
    mode: str
    nodeset: frozenset[int]


@dataclass(slots=True)
class Numatune:
    memory_set: bool = False
    mode: str = "strict"
    placement: str | None = None  # static / auto
    nodeset: frozenset[int] | None = None
    memnodes: list[MemNode] = field(default_factory=list)


@dataclass(slots=True)
class SysinfoEntry:
    name: str
    value: str


@dataclass(slots=True)
class FWCfgEntry:
    """A <sysinfo type='fwcfg'> entry: a string value or a file's contents."""

    name: str
    value: str | None = None
    file: str | None = None


@dataclass(slots=True)
class Sysinfo:
    type: str = "smbios"
    bios: list[SysinfoEntry] = field(default_factory=list)
    system: list[SysinfoEntry] = field(default_factory=list)
    base_boards: list[list[SysinfoEntry]] = field(default_factory=list)
    # libvirt 9.0: SMBIOS type 3 and 11, and the fwcfg type's entries
    chassis: list[SysinfoEntry] = field(default_factory=list)
    oem_strings: list[str] | None = None
    fw_cfgs: list[FWCfgEntry] = field(default_factory=list)


@dataclass(slots=True)
class Loader:
    path: str | None = None
    readonly: bool | None = None
    type: str | None = None  # rom / pflash
    nvram: str | None = None
    nvram_template: str | None = None
    # libvirt 9.0: secure boot, a stateless firmware, and the type of a
    # new-style <nvram type=...><source/></nvram> (None: the path as text).
    secure: bool | None = None
    stateless: bool | None = None
    nvram_type: str | None = None


@dataclass(slots=True)
class OS:
    type: str = "hvm"
    # libvirt 9.0: firmware autoselection (bios / efi) and the firmware
    # features it asks for, by name in libvirt's order.
    firmware: str | None = None
    firmware_features: dict[str, bool] | None = None
    slic_table: str | None = None  # libvirt 9.0: <acpi><table type='slic'>
    arch: str | None = None
    machine: str | None = None
    init: str | None = None
    initargs: list[str] = field(default_factory=list)
    loader: Loader | None = None
    kernel: str | None = None
    initrd: str | None = None
    cmdline: str | None = None
    dtb: str | None = None
    root: str | None = None
    boot_devs: list[str] = field(default_factory=list)
    bootmenu: bool | None = None
    bm_timeout: int | None = None
    bios_useserial: bool | None = None
    reboot_timeout: int | None = None
    smbios_mode: str | None = None
    bootloader: str | None = None
    bootloader_args: str | None = None


@dataclass(slots=True)
class IdMapEntry:
    start: int
    target: int
    count: int


@dataclass(slots=True)
class HypervFeatures:
    relaxed: bool | None = None
    vapic: bool | None = None
    spinlocks: bool | None = None
    retries: int | None = None
    # libvirt 9.0: the mode (custom / passthrough), every enlightenment's
    # state by name, stimer's <direct> and the vendor_id value.
    mode: str = "custom"
    states: dict[str, bool] = field(default_factory=dict)
    stimer_direct: bool | None = None
    vendor_id: str | None = None


@dataclass(slots=True)
class Features:
    # name -> True (on) / False (off); only those present in the document
    flags: dict[str, bool] = field(default_factory=dict)
    apic_eoi: bool | None = None
    hyperv: HypervFeatures = field(default_factory=HypervFeatures)
    kvm_hidden: bool | None = None
    capabilities_policy: str | None = None
    caps: dict[str, bool] = field(default_factory=dict)
    gic_version: str | None = None
    # libvirt 9.0: <kvm> children's states, the dirty ring size, the value of
    # enum-valued features (ioapic driver, cfpc/sbbc/ibs value, hpt resizing,
    # msrs unknown), SMM's TSEG size in bytes (None: not given), the HPT
    # maximum page size and the TCG translation block cache, both in KiB.
    kvm: dict[str, bool] = field(default_factory=dict)
    dirty_ring_size: int = 0
    values: dict[str, str] = field(default_factory=dict)
    tseg_size: int | None = None
    hpt_maxpagesize: int = 0
    tb_cache: int = 0

    def on(self, name: str) -> bool:
        return self.flags.get(name) is True


@dataclass(slots=True)
class CPUFeature:
    name: str
    policy: str | None = None  # None on host CPUs (policy -1)


@dataclass(slots=True)
class NumaCell:
    id: int
    cpus: frozenset[int]
    memory: int  # KiB
    mem_access: str | None = None
    discard: str | None = None  # libvirt 9.0: yes / no
    # libvirt 9.0: distances to other nodes (by id), memory-side caches
    distances: dict[int, int] = field(default_factory=dict)
    caches: list[NumaCache] = field(default_factory=list)


@dataclass(slots=True)
class NumaCache:
    """A memory-side cache of a NUMA node (<cell><cache>, libvirt 9.0)."""

    level: int
    associativity: str  # none / direct / full
    policy: str  # none / writeback / writethrough
    size: int  # KiB
    line: int = 0  # bytes


@dataclass(slots=True)
class NumaInterconnect:
    """<interconnects><latency|bandwidth> (libvirt 9.0): HMAT data."""

    type: str  # latency / bandwidth
    initiator: int
    target: int
    cache: int  # 0: memory itself
    access: str  # access / read / write
    value: int  # latency in ns, bandwidth in KiB/s


@dataclass(slots=True)
class CPU:
    mode: str = "custom"
    match: str | None = None
    check: str | None = None
    model: str | None = None
    fallback: str | None = None  # allow / forbid
    fallback_set: bool = False
    vendor_id: str | None = None
    vendor: str | None = None
    sockets: int = 0
    cores: int = 0
    threads: int = 0
    dies: int = 1  # libvirt 9.0
    features: list[CPUFeature] = field(default_factory=list)
    cells: list[NumaCell] = field(default_factory=list)
    interconnects: list[NumaInterconnect] = field(default_factory=list)
    arch: str | None = None
    # libvirt 9.0: whether a host-passthrough CPU may be migrated.
    migratable: str | None = None
    # libvirt 9.0: <cache> (level None: any) and <maxphysaddr> (bits None: unset).
    cache_mode: str | None = None
    cache_level: int | None = None
    maxphysaddr_mode: str | None = None
    maxphysaddr_bits: int | None = None


@dataclass(slots=True)
class Timer:
    name: str
    present: bool | None = None
    tickpolicy: str | None = None
    track: str | None = None
    frequency: int | None = None
    mode: str | None = None
    catchup_threshold: int | None = None
    catchup_slew: int | None = None
    catchup_limit: int | None = None


@dataclass(slots=True)
class Clock:
    offset: str = "utc"
    basis: str | None = None  # variable offset: utc / localtime
    adjustment: int | None = None
    adjustment_set: bool = False  # utc/localtime adjustment attr given
    timezone: str | None = None
    start: int | None = None  # libvirt 9.0, offset='absolute': seconds since the epoch
    timers: list[Timer] = field(default_factory=list)

    def timer(self, name: str) -> Timer | None:
        for t in self.timers:
            if t.name == name:
                return t
        return None


@dataclass(slots=True)
class SecLabel:
    model: str | None = None
    type: str | None = None  # dynamic / static / none
    relabel: bool = True
    relabel_set: bool = False
    label: str | None = None
    imagelabel: str | None = None
    baselabel: str | None = None


@dataclass(slots=True)
class QemuOverrideProperty:
    """A ``<qemu:property>`` of a device override (libvirt 9.0)."""

    name: str
    type: str  # string / signed / unsigned / bool / remove
    value: str | None
    json: str | int | bool | None  # the value -device gets; None removes it


@dataclass(slots=True)
class QemuDeviceOverride:
    alias: str
    frontend: list[QemuOverrideProperty] = field(default_factory=list)


@dataclass(slots=True)
class QemuCommandline:
    """The ``qemu:`` namespace of a domain: extra arguments and environment;
    with libvirt 9.0 also capabilities to add or remove, device property
    overrides and the deprecation behaviour."""

    args: list[str] = field(default_factory=list)
    env: list[tuple[str, str | None]] = field(default_factory=list)
    caps_add: list[str] = field(default_factory=list)
    caps_del: list[str] = field(default_factory=list)
    overrides: list[QemuDeviceOverride] = field(default_factory=list)
    deprecation: str | None = None

    def empty(self) -> bool:
        return not (self.args or self.env or self.caps_add or self.caps_del or self.overrides
                    or self.deprecation)


@dataclass(slots=True)
class LaunchSecurity:
    """libvirt 9.0's <launchSecurity>: AMD SEV (its parameters) or s390 PV."""

    type: str  # sev / s390-pv
    kernel_hashes: bool | None = None
    cbitpos: int | None = None
    reduced_phys_bits: int | None = None
    policy: int = 0
    dh_cert: str | None = None
    session: str | None = None


@dataclass(slots=True)
class Keywrap:
    aes: bool | None = None
    dea: bool | None = None


@dataclass(slots=True)
class VcpuState:
    """One vCPU of a definition that lists them (``<vcpus>``, libvirt 9.0)."""

    online: bool = False
    # None until post-parse: online ones default to not hotpluggable.
    hotpluggable: bool | None = None
    order: int = 0


@dataclass(slots=True)
class Vcpus:
    max: int = 1
    current: int = 1  # the online ones: with ``states``, counted from them
    placement: str = "static"
    placement_set: bool = False
    cpuset: frozenset[int] | None = None
    # Each vCPU's state when the definition lists them (libvirt's
    # individualvcpus); otherwise the first ``current`` are online and not
    # hotpluggable, the others offline and hotpluggable.
    states: list[VcpuState] | None = None

    def boot_count(self) -> int:
        """The vCPUs a guest starts with: online and not hotpluggable
        (hotpluggable ones are plugged once it runs)."""
        if self.states is None:
            return self.current
        return sum(1 for s in self.states if s.online and s.hotpluggable is False)


@dataclass(slots=True)
class Lifecycle:
    on_poweroff: str = "destroy"
    on_reboot: str = "restart"
    on_crash: str = "destroy"
    on_lockfailure: str | None = None


@dataclass(slots=True)
class PM:
    s3: bool | None = None
    s4: bool | None = None


@dataclass(slots=True)
class Status:
    """The <domstatus> wrapper of a running domain (qemuDomainObjPrivate)."""

    state: str = "running"
    reason: str | None = None
    pid: int | None = None
    taints: list[str] = field(default_factory=list)
    monitor_path: str | None = None
    monitor_json: bool = False
    monitor_type: str = "unix"
    vcpu_pids: list[int] = field(default_factory=list)
    qemu_caps: list[str] | None = None
    lock_state: str | None = None
    job: Any = None
    fake_reboot: bool = False
    device_aliases: list[str] | None = None
    numad_nodeset: str | None = None
    extra: list[Any] = field(default_factory=list)
