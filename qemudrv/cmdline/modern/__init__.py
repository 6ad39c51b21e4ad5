"""libvirt 9.0's QEMU command line (QEMU 7.2/8.0 dialect).

The domain model, parser and defaults are shared with the 1.3.1 builder;
only the command line differs. See docs/behaviours.md.
"""

from __future__ import annotations

from ...caps import QemuCaps

# The first libvirt release whose command line this package writes.
MODERN_SINCE = (9, 0)


def is_modern(caps: QemuCaps) -> bool:
    """Whether the capability set records libvirt 9.0 (or later) behaviour."""
    return caps.libvirt_version >= MODERN_SINCE
