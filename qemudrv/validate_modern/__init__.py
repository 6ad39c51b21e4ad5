"""libvirt 9.0's define-time validation (qemu_validate.c, domain_validate.c)
for what the device families' own validation modules leave out.

libvirt validates a definition right after parsing it, so its test programs
see these errors as parse errors: every check raises ConfigError (or
XMLError) with libvirt 9.0's message and error code. ``cmdline/modern/
validate.py`` calls them in virDomainDefValidate's order: the QEMU driver's
domain checks, then each device, then the generic domain checks.
``validate_start`` holds the checks libvirt adds when it starts a domain.
"""

from __future__ import annotations

from .devices import validate_devices
from .domain import validate_domain as validate_qemu_domain
from .start import validate_start

__all__ = [
    "validate_devices",
    "validate_qemu_domain",
    "validate_start",
]
