"""qemuValidateDomainDef's first checks: the emulator named by the
definition must run its OS type, architecture, accelerator and machine type.

The emulator's capabilities are the set's ``[qemu]`` table: its ``emulator``
binary, ``arch`` and ``machine`` list (a real set's data, or what
caps.complete_fake_caps gives a set with test-supplied flags). Any other
binary has empty capabilities, as in the test programs' capability cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.domain import Domain

# virQEMUCapsIsArchSupported: the architectures an emulator runs besides its own.
_ALSO_RUNS = {"x86_64": "i686", "aarch64": "armv7l", "armv7l": "armv6l", "ppc64": "ppc64le"}

# virQEMUCapsIsVirtTypeSupported: the flag each domain type needs.
_VIRT_TYPE_FLAGS = {"qemu": "tcg", "kvm": "kvm", "hvf": "hvf"}


def _emulator_caps(dom: Domain, qemu: Mapping[str, Any]
                   ) -> tuple[str | None, Mapping[str, Any]]:
    """The emulator's architecture and [qemu] table, or none for a binary
    the set does not describe."""
    emulator = qemu.get("emulator")
    if emulator is not None and emulator != dom.emulator:
        return None, {}
    arch = qemu.get("arch")
    return (str(arch) if arch else None), qemu


# (accelerator, machine name) pairs of a [qemu] table, and the same with
# the aliases, built once per table (the harness shares it between cases).
_MACHINES: dict[int, tuple[Mapping[str, Any], frozenset[tuple[str, str]],
                           frozenset[tuple[str, str]]]] = {}


def _machine_names(qemu: Mapping[str, Any], with_aliases: bool) -> frozenset[tuple[str, str]]:
    cached = _MACHINES.get(id(qemu))
    if cached is None or cached[0] is not qemu:
        entries = [e for e in qemu.get("machine", ()) or () if isinstance(e, Mapping)]
        names = frozenset((str(e.get("type")), str(e.get("name"))) for e in entries)
        aliases = names | {(str(e.get("type")), str(e["alias"])) for e in entries
                           if e.get("alias")}
        cached = (qemu, names, aliases)
        _MACHINES[id(qemu)] = cached
    return cached[2] if with_aliases else cached[1]


def _machine_supported(dom: Domain, caps: QemuCaps, qemu: Mapping[str, Any]) -> bool:
    """virQEMUCapsIsMachineSupported: a machine of the accelerator by name
    (a set whose aliases were stripped knows each alias as a machine)."""
    accel = "kvm" if dom.virt_type == "kvm" else "hvf" if dom.virt_type == "hvf" else "tcg"
    names = _machine_names(qemu, bool(caps.conf("strip_machine_aliases")))
    return (accel, dom.machine) in names


def validate_emulator(dom: Domain, caps: QemuCaps) -> None:
    qemu_table = caps.table("qemu")
    if "arch" not in qemu_table:
        return  # a set without emulator data (libvirt 1.3.1 style): nothing to check
    emulator = dom.emulator or ""
    if dom.os.type != "hvm":
        raise ConfigError(f"Emulator '{emulator}' does not support os type '{dom.os.type}'")
    arch, qemu = _emulator_caps(dom, qemu_table)
    if arch is None or dom.arch not in (arch, _ALSO_RUNS.get(arch)):
        raise ConfigError(f"Emulator '{emulator}' does not support arch '{dom.arch}'")
    flag = _VIRT_TYPE_FLAGS.get(dom.virt_type)
    if flag is None or not caps.has(flag):
        raise ConfigError(
            f"Emulator '{emulator}' does not support virt type '{dom.virt_type}'")
    if not _machine_supported(dom, caps, qemu):
        raise ConfigError(
            f"Emulator '{emulator}' does not support machine type '{dom.machine}'")
