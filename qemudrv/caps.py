"""A typed view of a capability set, as the QEMU driver reads it.

The harness hands the driver a generic :class:`harness.protocol.Capabilities`;
this module gives its tables the meaning the driver needs: flags, driver
configuration, the host, the guest table (emulators, machine types), CPU
models, the process environment, the monitor, fake secrets and storage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from harness.protocol import Capabilities

from .errors import ConfigError


@dataclass(frozen=True)
class GuestMachine:
    name: str
    canonical: str | None = None
    max_cpus: int | None = None


@dataclass(frozen=True)
class GuestDomain:
    """One <domain type=...> entry of a guest: its own emulator and machines."""

    type: str
    emulator: str | None
    machines: tuple[GuestMachine, ...]


@dataclass(frozen=True)
class Guest:
    os_type: str
    arch: str
    wordsize: int
    emulator: str
    machines: tuple[GuestMachine, ...]
    domains: tuple[GuestDomain, ...]
    features: tuple[Mapping[str, Any], ...] = field(default=())

    def domain(self, virt_type: str) -> GuestDomain | None:
        for dom in self.domains:
            if dom.type == virt_type:
                return dom
        return None

    def emulator_for(self, virt_type: str) -> str:
        dom = self.domain(virt_type)
        if dom is not None and dom.emulator:
            return dom.emulator
        return self.emulator

    def machines_for(self, virt_type: str) -> tuple[GuestMachine, ...]:
        dom = self.domain(virt_type)
        if dom is not None and dom.machines:
            return dom.machines
        return self.machines


def _required(entry: Mapping[str, Any], key: str, what: str, caps_name: str) -> Any:
    """A key a guest table entry cannot go without; its absence is an error
    in the capability set, named as such rather than a KeyError."""
    try:
        return entry[key]
    except (KeyError, TypeError):
        raise ConfigError(f"capability set '{caps_name}': {what} has no '{key}'") from None


def _tables(raw: object, what: str, caps_name: str) -> Sequence[Mapping[str, Any]]:
    """An array of tables of the set, or an error naming it (``guests = "x"``)."""
    if raw is None:
        return ()
    if isinstance(raw, Sequence) and not isinstance(raw, str) and all(
            isinstance(item, Mapping) for item in raw):
        return raw
    raise ConfigError(f"capability set '{caps_name}': {what} must be an array of tables, "
                      f"not {raw!r}"[:300])


def _machines(raw: object, caps_name: str) -> tuple[GuestMachine, ...]:
    return tuple(
        GuestMachine(_required(m, "name", "a [[guests]] machine", caps_name), m.get("canonical"),
                     m.get("max_cpus"))
        for m in _tables(raw, "a [[guests]] entry's 'machines'", caps_name)
    )


T = TypeVar("T")


class _cached(Generic[T]):
    """functools.cached_property without the lock Python 3.11 takes on every
    first access (a QemuCaps lives for one conversion, in one thread)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = self.func(obj)
        obj.__dict__[self.name] = value  # later reads bypass the descriptor
        return value


# The [libvirt] version strings read so far, parsed (a handful of releases).
_VERSIONS: dict[str, tuple[int, ...]] = {}
_GUESTS: dict[int, tuple[Mapping[str, Any], tuple[Guest, ...]]] = {}
_WITH_RETIRED: dict[int, tuple[Collection[str], frozenset[str]]] = {}


def _with_retired(flags: Collection[str]) -> frozenset[str]:
    """A 9.0 set's flags plus the ones 9.0 retired: the union is made once
    per set (the harness shares its flags between the cases), each
    QemuCaps then copies it, as a case may add flags of its own."""
    cached = _WITH_RETIRED.get(id(flags))
    if cached is not None and cached[0] is flags:
        return cached[1]
    union = frozenset(flags) | RETIRED_BY_9_0
    _WITH_RETIRED[id(flags)] = (flags, union)
    return union


_COMPLETED: dict[tuple[int, int], tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}


def _completed(flags: frozenset[str], completion: frozenset[str]) -> frozenset[str]:
    """A set's flags with those its test-supplied ones gain: made once per
    set and completion (both are shared between the cases)."""
    key = (id(flags), id(completion))
    cached = _COMPLETED.get(key)
    if cached is not None and cached[0] is flags and cached[1] is completion:
        return cached[2]
    union = flags | completion
    _COMPLETED[key] = (flags, completion, union)
    return union


# Capabilities libvirt retired by 9.0 (X_QEMU_CAPS_* in qemu_capabilities.h)
# because every QEMU it supports has them: a 9.0 set never lists them, and
# the code shared with 1.3.1 still asks for them.
RETIRED_BY_9_0 = frozenset({
    "balloon", "blockio", "boot-index", "boot-menu", "boot-strict", "cache-directsync",
    "cache-unsafe", "chardev", "chardev-file-append", "chardev-spicevmc", "device",
    "device-spicevmc", "device-video-primary", "drive-aio", "drive-copy-on-read",
    "drive-discard", "drive-iotune", "drive-iotune-max", "drive-readonly", "drive-serial",
    "dtb", "dump-guest-core", "fsdev", "fsdev-readonly", "fsdev-writeout",
    "host-pci-multidomain", "ide-cd", "machine-opt", "machine-usb-opt", "mem-merge",
    "mem-path", "memory-backend-file", "memory-backend-ram", "mlock", "monitor-json",
    "msg-timestamp", "name-debug-threads", "name-process", "netdev", "no-shutdown",
    "no-user-config", "numa", "pci-bootindex", "pci-multifunction", "reboot-timeout",
    "rombar", "rtc", "scsi-cd", "scsi-generic", "scsi-generic.bootindex",
    "seamless-migration", "sga", "smbios-type", "smp-topology", "spice-file-xfer-disable",
    "spiceport", "splash-timeout", "usb-host.bootindex", "usb-redir.bootindex",
    "vfio-pci.bootindex", "vga-qxl", "vhost-net", "vhost-user-multiqueue",
    "virtio-blk-pci.event_idx", "virtio-blk-pci.ioeventfd", "virtio-net-pci.event_idx",
    "virtio-tx-alg", "vnc-share-policy", "vnc-websocket",
})


class QemuCaps:
    """Flags, configuration and host/guest tables of one case.

    ``domain_xml`` is the definition being converted: a set with test-supplied
    flags (``[fake_caps]``) is completed for its architecture, as libvirt's
    test programs complete theirs before parsing it.
    """

    def __init__(self, caps: Capabilities, domain_xml: str | None = None) -> None:
        self.raw = caps
        self.config: Mapping[str, Any] = caps.config
        self.tables: Mapping[str, Any] = caps.tables
        # The flags are shared with the set (and its other cases) until a
        # conversion asks for its own modifiable copy (``flags``); ``has``
        # reads whichever is current.
        self._lookup: Collection[str] = caps.flags
        if self.libvirt_version >= (9, 0):
            self._lookup = _with_retired(caps.flags)
            fake = self.table("fake_caps")
            if fake:
                completion = complete_fake_caps(self, fake, domain_xml)
                self._lookup = _completed(self._lookup, completion.flags)
                self.tables = completion.tables

    @_cached
    def flags(self) -> set[str]:
        """This conversion's own flags, which it may add to."""
        own = set(self._lookup)
        self._lookup = own
        return own

    def has(self, flag: str) -> bool:
        return flag in self._lookup

    def conf(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.tables.get(name)
        # The harness's tables are read-only dicts and an absent one is None:
        # both skip the slower ABC check.
        if type(value) is MappingProxyType:
            return value
        if value is not None and isinstance(value, Mapping):
            return value
        return {}

    # The tables of a capability set are immutable, so the views below are
    # computed once per QemuCaps; the driver reads them many times a case.
    @_cached
    def libvirt_version(self) -> tuple[int, ...]:
        """The libvirt release whose behaviour to reproduce: the set's
        ``[libvirt] version``, or 1.3.1 (the driver's first dialect) without one."""
        raw = self.table("libvirt").get("version", "1.3.1")
        text = str(raw)
        version = _VERSIONS.get(text)
        if version is None:
            try:
                version = tuple(int(part) for part in text.split("."))
            except ValueError:
                raise ConfigError(f"capability set '{self.raw.name}': [libvirt] version "
                                  f"{raw!r} is not a version number") from None
            _VERSIONS[text] = version
        return version

    @_cached
    def host(self) -> Mapping[str, Any]:
        return self.table("host")

    @property
    def guests(self) -> tuple[Guest, ...]:
        # The harness shares one tables mapping between the cases of a set,
        # so the guest table is built once per set, not once per case.
        key = id(self.tables)
        cached = _GUESTS.get(key)
        if cached is not None and cached[0] is self.tables:
            return cached[1]
        guests = self._build_guests()
        _GUESTS[key] = (self.tables, guests)
        return guests

    def _build_guests(self) -> tuple[Guest, ...]:
        out = []
        name = self.raw.name
        for g in _tables(self.tables.get("guests"), "'guests'", name):
            out.append(
                Guest(
                    os_type=g.get("os_type", "hvm"),
                    arch=_required(g, "arch", "a [[guests]] entry", name),
                    wordsize=g.get("wordsize", 64),
                    emulator=g.get("emulator", ""),
                    machines=_machines(g.get("machines"), name),
                    domains=tuple(
                        GuestDomain(_required(d, "type", "a [[guests]] domain", name),
                                    d.get("emulator"), _machines(d.get("machines"), name))
                        for d in _tables(g.get("domains"), "a [[guests]] entry's 'domains'",
                                         name)
                    ),
                    features=tuple(g.get("features", ())),
                )
            )
        return tuple(out)

    def guest(self, os_type: str, arch: str) -> Guest | None:
        for g in self.guests:
            if g.os_type == os_type and g.arch == arch:
                return g
        return None

    @property
    def host_cpu(self) -> Mapping[str, Any]:
        """The host CPU named by config.host_cpu, with host_cpu_arch applied."""
        cpus = self.host.get("cpus", {})
        cpu = dict(cpus.get(self.conf("host_cpu", "default"), {}))
        if self.conf("host_cpu_arch"):
            cpu["arch"] = self.conf("host_cpu_arch")
        return cpu

    @_cached
    def host_arch(self) -> str:
        """The host's architecture; a case may run on another host
        (config host_arch: the test programs' qemuTestSetHostArch)."""
        return str(self.conf("host_arch") or self.host.get("arch", "x86_64"))

    @_cached
    def cpu_models(self) -> tuple[str, ...]:
        """CPU models the emulator offers, in the set's order."""
        cpu = self.table("cpu")
        models = tuple(cpu.get("models", ()))
        if not self.conf("skip_legacy_cpus", False):
            models += tuple(cpu.get("legacy_models", ()))
        return models

    def random_bytes(self, count: int) -> bytes:
        """virRandomBytes as the set's [random] table mocks it ('index':
        byte i is i)."""
        mode = self.table("random").get("bytes", "index")
        if mode != "index":
            raise ConfigError(f"capability set '{self.raw.name}': unsupported random byte "
                              f"source {mode!r}")
        return bytes(i % 256 for i in range(count))

    @_cached
    def env(self) -> Mapping[str, Any]:
        return self.table("env")

    @_cached
    def monitor(self) -> Mapping[str, Any]:
        return self.table("monitor")

    @_cached
    def secrets(self) -> Mapping[str, Any]:
        return self.table("secrets")

    @_cached
    def storage(self) -> Mapping[str, Any]:
        return self.table("storage")


# -- sets with test-supplied flags -------------------------------------------

X86_ARCHS = ("i686", "x86_64")
ARM_ARCHS = ("armv6l", "armv7l", "armv7b", "aarch64")
PPC64_ARCHS = ("ppc64", "ppc64le")
S390_ARCHS = ("s390", "s390x")

# virarch.c virArchTable (libvirt 9.0): the names virArchFromString knows.
KNOWN_ARCHS = frozenset({
    "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32",
    "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64", "mips64el", "openrisc",
    "parisc", "parisc64", "ppc", "ppcle", "ppc64", "ppc64le", "ppcemb", "riscv32", "riscv64",
    "s390", "s390x", "sh4", "sh4eb", "sparc", "sparc64", "unicore32", "x86_64", "xtensa",
    "xtensaeb",
})

# virQEMUCapsInitQMPBasicArch: what every QEMU of an architecture has
# but QMP cannot tell (ACPI and HPET on x86, GIC and aarch64=off on
# aarch64, key wrapping and loadparm on s390).
BASIC_ARCH_FLAGS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(X86_ARCHS, frozenset({"no-acpi", "no-hpet"})),
    "aarch64": frozenset({"no-acpi", "aarch64-off", "gic-version"}),
    **dict.fromkeys(S390_ARCHS, frozenset({"aes-key-wrap", "dea-key-wrap", "loadparm"})),
}

# testAddCPUModels: the [fake_caps.cpu_models] list each architecture family
# gets, and the accelerators it gets them for (s390x: KVM only).
_CPU_MODEL_LISTS: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = (
    (X86_ARCHS, "x86", ("kvm", "tcg")),
    (ARM_ARCHS, "arm", ("kvm", "tcg")),
    (PPC64_ARCHS, "ppc64", ("kvm", "tcg")),
    (S390_ARCHS, "s390x", ("kvm",)),
)

# qemuTestCapsPopulateFakeMachines: the flag a machine list of each
# accelerator sets, and the host OS it is populated on.
_MACHINE_ACCELS = (("qemu", "tcg", None), ("kvm", "kvm", "linux"), ("hvf", "hvf", "macos"))

_OS_TYPE = re.compile(r"<os\b[^>]*>.*?<type\b([^>]*)>", re.S)
_ARCH_ATTR = re.compile(r"""\barch\s*=\s*(?:'([^']*)'|"([^"]*)")""")


def domain_arch(domain_xml: str | None) -> str | None:
    """The definition's ``os/type/@arch`` when libvirt knows the name
    (the test programs read it before parsing the definition)."""
    if not domain_xml:
        return None
    os_type = _OS_TYPE.search(domain_xml)
    if os_type is None:
        return None
    attr = _ARCH_ATTR.search(os_type.group(1))
    if attr is None:
        return None
    arch = attr.group(1) if attr.group(1) is not None else attr.group(2)
    return arch if arch in KNOWN_ARCHS else None


@dataclass(frozen=True)
class FakeCapsCompletion:
    """What a set with test-supplied flags gains for one architecture:
    flags, and tables whose ``[qemu]`` holds the machines and CPU models."""

    flags: frozenset[str]
    tables: Mapping[str, Any]


_CompletionKey = tuple[int, str | None, bool, str, tuple[tuple[int, bool, bool], ...]]
_COMPLETIONS: dict[_CompletionKey, tuple[Mapping[str, Any], FakeCapsCompletion]] = {}


def complete_fake_caps(caps: QemuCaps, fake: Mapping[str, Any],
                       domain_xml: str | None) -> FakeCapsCompletion:
    """testUpdateQEMUCaps / testXML2XMLCommon and qemuTestCapsCacheInsert,
    cached per set, architecture and the settings that change the result
    (the harness shares one tables mapping between the cases of a set)."""
    arch: str | None = None
    if fake.get("arch") == "domain":
        arch = domain_arch(domain_xml) or caps.host_arch
    skip_legacy = bool(caps.conf("skip_legacy_cpus", False))
    host_os = str(caps.conf("host_os") or caps.host.get("os", "linux"))
    gic = _gic_capabilities(caps)
    key = (id(caps.tables), arch, skip_legacy, host_os, gic)
    cached = _COMPLETIONS.get(key)
    if cached is not None and cached[0] is caps.tables:
        return cached[1]
    completion = _complete(caps, fake, arch, skip_legacy, host_os, gic)
    _COMPLETIONS[key] = (caps.tables, completion)
    return completion


def _gic_capabilities(caps: QemuCaps) -> tuple[tuple[int, bool, bool], ...]:
    """testQemuCapsSetGIC: the GIC versions (with their kernel and emulated
    implementations) a case gives the emulator (config gic_capabilities)."""
    return tuple((int(entry.get("version", 0)), bool(entry.get("kernel")),
                  bool(entry.get("emulated")))
                 for entry in caps.conf("gic_capabilities", ()) or ()
                 if isinstance(entry, Mapping))


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _complete(caps: QemuCaps, fake: Mapping[str, Any], arch: str | None,
              skip_legacy: bool, host_os: str,
              gic: tuple[tuple[int, bool, bool], ...]) -> FakeCapsCompletion:
    flags: set[str] = set()
    if fake.get("basic_arch_flags") and arch is not None:
        flags |= BASIC_ARCH_FLAGS.get(arch, frozenset())
    # The [qemu] table in the form of a real set's (machines, CPU models, GIC).
    qemu: dict[str, Any] = {"arch": arch, "version": 0}
    if gic:
        qemu["gic"] = [{"version": str(version), "kernel": _yes_no(kernel),
                        "emulated": _yes_no(emulated)} for version, kernel, emulated in gic]
    if arch is None:
        # Without an architecture every emulator gets a copy with its own
        # machines, all of them TCG ones, plus KVM (HVF) ones by host OS.
        for each in caps.guests:
            flags |= _machine_flags(each, host_os)
        return FakeCapsCompletion(frozenset(flags), {**caps.tables, "qemu": qemu})
    qemu["cpu"] = _fake_cpu_models(fake, arch, skip_legacy)
    guest = caps.guest("hvm", arch)
    if guest is not None:
        # Only the architecture's own emulator has machines; version 0
        # predates default-ram-id, so the machines have none.
        qemu["emulator"] = guest.emulator
        qemu["machine"] = [
            {"type": accel, "name": machine.name, "numaMemSupported": "yes"}
            for virt_type, accel, os_name in _MACHINE_ACCELS
            if os_name in (None, host_os)
            for machine in _accel_machines(guest, virt_type)
        ]
        flags |= _machine_flags(guest, host_os)
    return FakeCapsCompletion(frozenset(flags), {**caps.tables, "qemu": qemu})


def _accel_machines(guest: Guest, virt_type: str) -> tuple[GuestMachine, ...]:
    if virt_type == "qemu":
        return guest.machines
    dom = guest.domain(virt_type)
    return dom.machines if dom is not None else ()


def _machine_flags(guest: Guest, host_os: str) -> set[str]:
    return {accel for virt_type, accel, os_name in _MACHINE_ACCELS
            if os_name in (None, host_os) and _accel_machines(guest, virt_type)}


def _fake_cpu_models(fake: Mapping[str, Any], arch: str,
                     skip_legacy: bool) -> list[Mapping[str, Any]]:
    lists = fake.get("cpu_models")
    if not isinstance(lists, Mapping):
        return []
    usable = str(fake.get("cpu_models_usable", "unknown"))
    for archs, family, accels in _CPU_MODEL_LISTS:
        if arch not in archs:
            continue
        names = list(lists.get(family, ()))
        if family == "x86" and not skip_legacy:
            names += lists.get("x86_legacy", ())
        return [{"type": accel, "name": name, "usable": usable}
                for accel in accels for name in names]
    return []
