"""qemuValidateDomainDef's first checks: the emulator named by the
definition must run its OS type, architecture and virtualization type."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.domain import Domain

# virQEMUCapsIsArchSupported: the arches an emulator runs besides its own.
_COMPATIBLE_ARCHES = {
    "x86_64": ("i686",),
    "aarch64": ("armv7l",),
    "armv7l": ("armv6l",),
    "ppc64": ("ppc64le",),
}

# virQEMUCapsIsVirtTypeSupported: the capability each domain type needs.
_VIRT_TYPE_FLAGS = {"qemu": "tcg", "kvm": "kvm", "hvf": "hvf"}


def validate_emulator(dom: Domain, caps: QemuCaps) -> None:
    emulator = dom.emulator or ""
    if dom.os.type != "hvm":
        raise ConfigError(f"Emulator '{emulator}' does not support os type '{dom.os.type}'")
    # Only a set probed from one emulator binary knows its arch; the
    # test-supplied sets take the domain's.
    qemu_arch = caps.table("qemu").get("arch")
    if not isinstance(qemu_arch, str):
        return
    if dom.arch != qemu_arch and dom.arch not in _COMPATIBLE_ARCHES.get(qemu_arch, ()):
        raise ConfigError(f"Emulator '{emulator}' does not support arch '{dom.arch}'")
    flag = _VIRT_TYPE_FLAGS.get(dom.virt_type)
    if flag is None or not caps.has(flag):
        raise ConfigError(f"Emulator '{emulator}' does not support virt type "
                          f"'{dom.virt_type}'")
