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
    # Whether to read the document as libvirt 9.0 does (the parsers ask
    # hundreds of times a document, so it is worked out once).
    modern: bool = field(init=False)

    def __post_init__(self) -> None:
        self.modern = self.caps.libvirt_version >= (9, 0)

    @property
    def cpumask_len(self) -> int:
        """VIR_DOMAIN_CPUMASK_LEN: the bound of host CPU numbers."""
        return CPUMASK_LEN_9_0 if self.modern else CPUMASK_LEN
