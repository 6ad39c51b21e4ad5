"""State shared by the element parsers of one document."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..caps import QemuCaps
from ..limits import CPUMASK_LEN, CPUMASK_LEN_9_0


@dataclass
class ParseContext:
    """``inactive`` is libvirt's VIR_DOMAIN_DEF_PARSE_INACTIVE: live-only
    data (aliases, runtime state) in the document is ignored."""

    caps: QemuCaps
    inactive: bool = True
    status: bool = False
    boot_orders: set[int] = field(default_factory=set)

    @property
    def modern(self) -> bool:
        """Whether to read the document as libvirt 9.0 does."""
        return self.caps.libvirt_version >= (9, 0)

    @property
    def cpumask_len(self) -> int:
        """VIR_DOMAIN_CPUMASK_LEN: the bound of host CPU numbers."""
        return CPUMASK_LEN_9_0 if self.modern else CPUMASK_LEN
