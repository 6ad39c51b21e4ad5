"""Probe replies -> a capability set: flags, machines, CPU models.

Each flag has one rule in :data:`RULES` saying what evidence sets it. Flag
names are libvirt's (``VIR_ENUM_IMPL(virQEMUCaps, ...)``) with the meaning
the reference driver gives them, which is libvirt 1.3.1's: ``sdl`` is the
``-sdl`` option, ``nodefconfig`` the ``-nodefconfig`` option, and so on.
Evidence comes from QMP wherever QMP can tell; options that QEMU parses by
hand (no QemuOpts, so invisible to ``query-command-line-options``) are
checked by starting the emulator with them (:class:`Argv` rules).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .replies import Replies

__all__ = [
    "MACHINE",
    "RULES",
    "Arch",
    "Argv",
    "Command",
    "CpuModel",
    "Derived",
    "Facts",
    "Kvm",
    "Option",
    "Prop",
    "Rule",
    "Since",
    "Type",
    "derive",
]

# Placeholder for the QOM type of the emulator's default machine
# (``pc-i440fx-7.2-machine`` on x86_64), resolved when probing.
MACHINE = "@machine"


@dataclass(frozen=True)
class Facts:
    """What the replies say, in the shapes the rules ask about."""

    version: tuple[int, int, int]
    package: str
    arch: str
    kvm: bool
    types: frozenset[str]
    commands: frozenset[str]
    cpu_models: frozenset[str]
    options: Mapping[str, frozenset[str]]
    props: Mapping[str, frozenset[str]]
    default_machine: str | None
    replies: Replies = field(repr=False)


class Rule:
    """Sets ``flag`` when :meth:`holds`; :meth:`describe` says on what evidence."""

    flag: str

    def holds(self, facts: Facts) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Type(Rule):
    """A QOM type (device, object, chardev backend) is offered."""

    flag: str
    name: str

    def holds(self, facts: Facts) -> bool:
        return self.name in facts.types

    def describe(self) -> str:
        return f"type {self.name}"


@dataclass(frozen=True)
class Prop(Rule):
    """A device or object type has a property."""

    flag: str
    type: str
    prop: str

    def holds(self, facts: Facts) -> bool:
        return self.prop in facts.props.get(self.type, frozenset())

    def describe(self) -> str:
        where = "default machine" if self.type == MACHINE else self.type
        return f"{where} property {self.prop}"


@dataclass(frozen=True)
class Option(Rule):
    """A QemuOpts command-line option (and parameter) is offered."""

    flag: str
    option: str
    param: str | None = None

    def holds(self, facts: Facts) -> bool:
        params = facts.options.get(self.option)
        if params is None:
            return False
        return self.param is None or self.param in params

    def describe(self) -> str:
        if self.param is None:
            return f"option -{self.option}"
        return f"option -{self.option} {self.param}="


@dataclass(frozen=True)
class Command(Rule):
    """A QMP command exists."""

    flag: str
    name: str

    def holds(self, facts: Facts) -> bool:
        return self.name in facts.commands

    def describe(self) -> str:
        return f"QMP command {self.name}"


@dataclass(frozen=True)
class CpuModel(Rule):
    """A CPU model is listed by query-cpu-definitions (usable or not under TCG)."""

    flag: str
    model: str

    def holds(self, facts: Facts) -> bool:
        return self.model in facts.cpu_models

    def describe(self) -> str:
        return f"CPU model {self.model}"


@dataclass(frozen=True)
class Argv(Rule):
    """The emulator starts (paused) with these extra arguments."""

    flag: str
    argv: tuple[str, ...]

    def holds(self, facts: Facts) -> bool:
        return bool(facts.replies.accepted(self.argv))

    def describe(self) -> str:
        return "accepts " + " ".join(self.argv)


@dataclass(frozen=True)
class Kvm(Rule):
    """KVM support is built in (query-kvm 'present'; probed under TCG)."""

    flag: str

    def holds(self, facts: Facts) -> bool:
        return facts.kvm

    def describe(self) -> str:
        return "query-kvm present"


@dataclass(frozen=True)
class Arch(Rule):
    """A property of the target architecture rather than of any option."""

    flag: str
    arches: tuple[str, ...]

    def holds(self, facts: Facts) -> bool:
        return facts.arch in self.arches

    def describe(self) -> str:
        return "target " + "/".join(self.arches)


@dataclass(frozen=True)
class Since(Rule):
    """A behaviour no query reveals, known from QEMU's history."""

    flag: str
    version: tuple[int, int]
    why: str

    def holds(self, facts: Facts) -> bool:
        return facts.version[:2] >= self.version

    def describe(self) -> str:
        return f"QEMU >= {self.version[0]}.{self.version[1]} ({self.why})"


def _argv(flag: str, *argv: str) -> Argv:
    return Argv(flag, tuple(argv))


# One line per flag, sorted by flag name (case-insensitive).
RULES: tuple[Rule, ...] = (
    Prop("aarch64-off", "host-arm-cpu", "aarch64"),
    Prop("aes-key-wrap", MACHINE, "aes-key-wrap"),
    Prop("blk-sg-io", "virtio-blk-pci", "scsi"),
    Prop("blockio", "virtio-blk-pci", "logical_block_size"),
    Prop("boot-index", "virtio-blk-pci", "bootindex"),
    Option("boot-menu", "boot-opts", "menu"),
    Option("boot-strict", "boot-opts", "strict"),
    _argv("cache-directsync", "-drive", "if=none,id=d0,driver=null-co,cache=directsync"),
    _argv("cache-unsafe", "-drive", "if=none,id=d0,driver=null-co,cache=unsafe"),
    Type("ccid-emulated", "ccid-card-emulated"),
    Type("ccid-passthru", "ccid-card-passthru"),
    Option("chardev", "chardev"),
    Option("chardev-file-append", "chardev", "append"),
    Type("chardev-spicevmc", "chardev-spicevmc"),
    Type("cirrus-vga", "cirrus-vga"),
    CpuModel("cpu-host", "host"),
    Prop("dea-key-wrap", MACHINE, "dea-key-wrap"),
    Option("device", "device"),
    Type("device-qxl-vga", "qxl-vga"),
    Type("device-spicevmc", "spicevmc"),
    Since("device-video-primary", (1, 6), "primary video as -device, not -vga"),
    Prop("disable-s3", "PIIX4_PM", "disable_s3"),
    Prop("disable-s4", "PIIX4_PM", "disable_s4"),
    Type("dmi-to-pci-bridge", "i82801b11-bridge"),
    Option("drive", "drive"),
    Option("drive-aio", "drive", "aio"),
    Option("drive-boot", "drive", "boot"),
    Option("drive-copy-on-read", "drive", "copy-on-read"),
    Option("drive-discard", "drive", "discard"),
    _argv("drive-readonly", "-drive", "if=none,id=d0,driver=null-co,readonly=on"),
    Option("drive-serial", "drive", "serial"),
    Prop("dtb", MACHINE, "dtb"),
    Prop("dump-guest-core", MACHINE, "dump-guest-core"),
    _argv("enable-fips", "-enable-fips"),
    Kvm("enable-kvm"),
    Option("fsdev", "fsdev"),
    Option("fsdev-writeout", "fsdev", "writeout"),
    Prop("gic-version", MACHINE, "gic-version"),
    Type("gpex-pcihost", "gpex-pcihost"),
    Type("hda-duplex", "hda-duplex"),
    Type("hda-micro", "hda-micro"),
    Prop("host-pci-multidomain", "vfio-pci", "host"),
    Prop("i440fx-pci-hole64-size", "i440FX-pcihost", "pci-hole64-size"),
    Type("ich9-ahci", "ich9-ahci"),
    Type("ich9-intel-hda", "ich9-intel-hda"),
    Type("ich9-usb-ehci1", "ich9-usb-ehci1"),
    Type("ide-cd", "ide-cd"),
    Prop("ide-drive.wwn", "ide-drive", "wwn"),
    Type("ioh3420", "ioh3420"),
    Type("iothread", "iothread"),
    Type("isa-serial", "isa-serial"),
    Type("ivshmem", "ivshmem"),
    Kvm("kvm"),
    Prop("kvm-pit-lost-tick-policy", "kvm-pit", "lost_tick_policy"),
    Type("lsi", "lsi53c895a"),
    Option("machine-opt", "machine"),
    Prop("machine-usb-opt", MACHINE, "usb"),
    Prop("machine-vmport-opt", MACHINE, "vmport"),
    Type("megasas", "megasas"),
    Prop("mem-merge", MACHINE, "mem-merge"),
    _argv("mem-path", "-mem-path", "/dev/shm"),
    Type("memory-backend-file", "memory-backend-file"),
    Type("memory-backend-ram", "memory-backend-ram"),
    Option("mlock", "realtime", "mlock"),
    Command("monitor-json", "qmp_capabilities"),
    Option("msg-timestamp", "msg", "timestamp"),
    Option("name", "name"),
    Option("name-debug-threads", "name", "debug-threads"),
    Option("name-process", "name", "process"),
    Option("netdev", "netdev"),
    _argv("no-acpi", "-machine", MACHINE, "-no-acpi"),
    _argv("no-hpet", "-machine", MACHINE, "-no-hpet"),
    _argv("no-kvm-pit", "-no-kvm-pit-reinjection"),
    _argv("no-shutdown", "-no-shutdown"),
    _argv("no-user-config", "-no-user-config"),
    _argv("nodefconfig", "-nodefconfig"),
    Option("numa", "numa"),
    Type("pc-dimm", "pc-dimm"),
    Type("pci-bridge", "pci-bridge"),
    Type("pci-device", "kvm-pci-assign"),
    Arch("pci-multibus", ("i686", "x86_64")),
    Prop("pci-multifunction", "virtio-blk-pci", "multifunction"),
    Type("pci-ohci", "pci-ohci"),
    Type("pci-serial", "pci-serial"),
    Type("pcie-root-port", "pcie-root-port"),
    Type("piix3-usb-uhci", "piix3-usb-uhci"),
    Type("piix4-usb-uhci", "piix4-usb-uhci"),
    Type("pvpanic", "pvpanic"),
    Prop("q35-pci-hole64-size", "q35-pcihost", "pci-hole64-size"),
    Type("qxl", "qxl"),
    Prop("qxl-vga.vgamem_mb", "qxl-vga", "vgamem_mb"),
    Prop("qxl.vgamem_mb", "qxl", "vgamem_mb"),
    Option("reboot-timeout", "boot-opts", "reboot-timeout"),
    Type("rng-egd", "rng-egd"),
    Type("rng-random", "rng-random"),
    Prop("rombar", "virtio-net-pci", "rombar"),
    Option("rtc", "rtc"),
    _argv("rtc-td-hack", "-rtc-td-hack"),
    Type("s390-sclp", "sclpconsole"),
    Type("scsi-block", "scsi-block"),
    Type("scsi-cd", "scsi-cd"),
    Prop("scsi-disk.wwn", "scsi-hd", "wwn"),
    Type("scsi-generic", "scsi-generic"),
    Prop("scsi-generic.bootindex", "scsi-generic", "bootindex"),
    _argv("sdl", "-sdl"),
    Option("seamless-migration", "spice", "seamless-migration"),
    Option("seccomp-sandbox", "sandbox"),
    Type("sga", "sga"),
    _argv("smbios-type", "-smbios", "type=1,manufacturer=hvh"),
    Option("smp-topology", "smp-opts", "sockets"),
    Option("spice", "spice"),
    Option("spice-file-xfer-disable", "spice", "disable-agent-file-xfer"),
    Type("spiceport", "chardev-spiceport"),
    Option("splash-timeout", "boot-opts", "splash-time"),
    _argv("tdf", "-tdf"),
    Type("tpm-passthrough", "tpm-passthrough"),
    Type("tpm-tis", "tpm-tis"),
    Type("usb-audio", "usb-audio"),
    Type("usb-ehci", "usb-ehci"),
    Prop("usb-host.bootindex", "usb-host", "bootindex"),
    Type("usb-hub", "usb-hub"),
    Type("usb-kbd", "usb-kbd"),
    Type("usb-redir", "usb-redir"),
    Prop("usb-redir.bootindex", "usb-redir", "bootindex"),
    Prop("usb-redir.filter", "usb-redir", "filter"),
    Type("usb-serial", "usb-serial"),
    Type("usb-storage", "usb-storage"),
    Prop("usb-storage.removable", "usb-storage", "removable"),
    _argv("uuid", "-uuid", "00000000-0000-0000-0000-000000000001"),
    Type("vfio-pci", "vfio-pci"),
    Type("VGA", "VGA"),
    _argv("vga-none", "-vga", "none"),
    _argv("vga-qxl", "-machine", MACHINE, "-vga", "qxl"),
    Prop("VGA.vgamem_mb", "VGA", "vgamem_mb"),
    Since("vhost-user-multiqueue", (2, 4), "vhost-user netdev queues="),
    Prop("virtio-blk-pci.event_idx", "virtio-blk-pci", "event_idx"),
    Prop("virtio-blk-pci.ioeventfd", "virtio-blk-pci", "ioeventfd"),
    Prop("virtio-blk-pci.scsi", "virtio-blk-pci", "scsi"),
    Type("virtio-ccw", "virtio-blk-ccw"),
    Type("virtio-gpu", "virtio-gpu-pci"),
    Prop("virtio-gpu.virgl", "virtio-gpu-pci", "virgl"),
    Type("virtio-input-host", "virtio-input-host-pci"),
    Type("virtio-keyboard", "virtio-keyboard-pci"),
    Type("virtio-mmio", "virtio-mmio"),
    Type("virtio-mouse", "virtio-mouse-pci"),
    Prop("virtio-net-pci.event_idx", "virtio-net-pci", "event_idx"),
    Type("virtio-rng", "virtio-rng-pci"),
    Type("virtio-s390", "virtio-blk-s390"),
    Type("virtio-scsi-pci", "virtio-scsi-pci"),
    Type("virtio-tablet", "virtio-tablet-pci"),
    Prop("virtio-tx-alg", "virtio-net-pci", "tx"),
    Type("virtio-vga", "virtio-vga"),
    Type("vmware-svga", "vmware-svga"),
    Prop("vmware-svga.vgamem_mb", "vmware-svga", "vgamem_mb"),
    Option("vnc", "vnc"),
    Option("vnc-share-policy", "vnc", "share"),
    Option("vnc-websocket", "vnc", "websocket"),
    Type("x3130-upstream", "x3130-upstream"),
    Type("xio3130-downstream", "xio3130-downstream"),
)


def prop_targets() -> list[str]:
    """The types whose properties the rules ask about (MACHINE unresolved)."""
    return sorted({r.type for r in RULES if isinstance(r, Prop)})


def argv_checks() -> list[tuple[str, ...]]:
    """The command lines the rules need tried, MACHINE unresolved."""
    return sorted({r.argv for r in RULES if isinstance(r, Argv)})


def machine_qom_type(machine: str) -> str:
    return f"{machine}-machine"


def _default_machine(machines: Iterable[Mapping[str, Any]]) -> str | None:
    for m in machines:
        if m.get("is-default"):
            return str(m["name"])
    return None


def facts_of(replies: Replies) -> Facts:
    ver = replies.get("query-version")
    qemu = ver["qemu"]
    machines = replies.get_or("query-machines", default=[])
    default = _default_machine(machines)
    props: dict[str, frozenset[str]] = {}
    for entry in replies.entries:
        if entry.get("execute") in ("device-list-properties", "qom-list-properties") and (
            "return" in entry
        ):
            typename = entry["arguments"]["typename"]
            names = frozenset(p["name"] for p in entry["return"])
            if default and typename == machine_qom_type(default):
                props[MACHINE] = names
            props[typename] = props.get(typename, frozenset()) | names
    options = {
        o["option"]: frozenset(p["name"] for p in o["parameters"])
        for o in replies.get_or("query-command-line-options", default=[])
    }
    return Facts(
        version=(int(qemu["major"]), int(qemu["minor"]), int(qemu["micro"])),
        package=str(ver.get("package", "")).strip(),
        arch=str(replies.get("query-target")["arch"]),
        kvm=bool(replies.get_or("query-kvm", default={}).get("present")),
        types=frozenset(t["name"] for t in replies.get_or("qom-list-types", default=[])),
        commands=frozenset(c["name"] for c in replies.get_or("query-commands", default=[])),
        cpu_models=frozenset(
            c["name"] for c in replies.get_or("query-cpu-definitions", default=[])
        ),
        options=options,
        props=props,
        default_machine=default,
        replies=replies,
    )


@dataclass(frozen=True)
class Machine:
    name: str
    max_cpus: int
    canonical: str | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class Derived:
    """Everything a capability set says about one emulator."""

    version: str
    package: str
    arch: str
    kvm: bool
    flags: tuple[tuple[str, str], ...]  # (flag, evidence), sorted
    absent: tuple[tuple[str, str], ...]  # flags the emulator lacks, with the rule
    machines: tuple[Machine, ...]
    cpu_models: tuple[str, ...]
    # Questions the emulator died on or never answered: (type or command, why).
    unprobeable: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """The capability set's name: ``qemu-VERSION-ARCH``."""
        return f"qemu-{self.version}-{self.arch}"

    @property
    def flag_names(self) -> tuple[str, ...]:
        return tuple(f for f, _ in self.flags)


def _natural(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key putting pc-i440fx-2.9 before pc-i440fx-2.10."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", name))


def _machines(raw: Iterable[Mapping[str, Any]]) -> tuple[Machine, ...]:
    """The default machine first (the driver's default is the first), then by name.

    An alias follows its machine, as libvirt lists them.
    """
    ordered = sorted(raw, key=lambda m: (not m.get("is-default", False), _natural(m["name"])))
    out: list[Machine] = []
    for m in ordered:
        name, cpus = str(m["name"]), int(m.get("cpu-max", 1))
        deprecated = bool(m.get("deprecated", False))
        out.append(Machine(name, cpus, None, deprecated))
        if m.get("alias"):
            out.append(Machine(str(m["alias"]), cpus, name, deprecated))
    return tuple(out)


def _flag_key(item: tuple[str, str]) -> tuple[str, str]:
    return (item[0].lower(), item[0])


def _unprobeable(replies: Replies) -> dict[str, str]:
    """What the emulator could not be asked about (a type, else a command), and why."""
    return {
        str(arguments.get("typename", command)): reason
        for command, arguments, reason in replies.lost()
    }


def _unanswered(rule: Rule, facts: Facts, unprobeable: Mapping[str, str]) -> str | None:
    """The type a property rule could not look at because asking about it failed."""
    if not isinstance(rule, Prop):
        return None
    typename = rule.type
    if typename == MACHINE and facts.default_machine is not None:
        typename = machine_qom_type(facts.default_machine)
    return typename if typename in unprobeable else None


def derive(replies: Replies) -> Derived:
    facts = facts_of(replies)
    unprobeable = _unprobeable(replies)
    present: list[tuple[str, str]] = []
    absent: list[tuple[str, str]] = []
    for rule in RULES:
        if rule.holds(facts):
            present.append((rule.flag, rule.describe()))
        elif (lost := _unanswered(rule, facts, unprobeable)) is not None:
            # Not evidence of absence: the question went unanswered.
            absent.append((rule.flag, f"{rule.describe()} (not probed: {lost} unprobeable)"))
        else:
            absent.append((rule.flag, rule.describe()))
    cpus = replies.get_or("query-cpu-definitions", default=[])
    return Derived(
        version="{}.{}.{}".format(*facts.version),
        package=facts.package,
        arch=facts.arch,
        kvm=facts.kvm,
        flags=tuple(sorted(present, key=_flag_key)),
        absent=tuple(sorted(absent, key=_flag_key)),
        machines=_machines(replies.get_or("query-machines", default=[])),
        cpu_models=tuple(sorted(str(c["name"]) for c in cpus)),
        unprobeable=tuple(sorted(unprobeable.items())),
    )
