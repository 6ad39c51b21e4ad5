"""libvirt 9.0's define-time validation (qemu_validate.c, domain_validate.c).

libvirt validates a definition right after parsing it, so its test programs
see these errors as parse errors: every check raises ConfigError (or
XMLError) with libvirt 9.0's message and error code. virDomainDefValidate's
order is kept: the QEMU driver's domain checks, then each device, then the
generic domain checks; ``cmdline/modern/validate.py`` calls the three
stages. Each module holds one family's checks.
"""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .devices import validate_devices
from .domain import validate_domain
from .emulator import validate_emulator
from .hostdev import (
    check_disk_addresses_against_hostdevs,
    check_scsi_hostdev_addresses,
    validate_hostdevs,
)

__all__ = [
    "check_disk_addresses_against_hostdevs",
    "check_scsi_hostdev_addresses",
    "validate_devices",
    "validate_domain_internal",
    "validate_hostdevs",
    "validate_qemu_domain",
]


def validate_qemu_domain(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDef: what the emulator must support."""
    validate_emulator(dom, caps)
    validate_domain(dom, caps)


def validate_domain_internal(dom: Domain, caps: QemuCaps) -> None:
    """virDomainDefValidateInternal, after the devices."""
