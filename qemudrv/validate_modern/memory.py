"""virDomainDefMemtuneValidate: huge page sets per guest NUMA node."""

from __future__ import annotations

from ..errors import ConfigError
from ..model.domain import Domain


def validate_memtune(dom: Domain) -> None:
    last_node = len(dom.cpu.cells) - 1 if dom.cpu else -1
    pages = dom.memory.hugepages
    for i, page in enumerate(pages):
        for other in pages[:i]:
            if page.nodeset and other.nodeset and page.nodeset & other.nodeset:
                raise ConfigError(f"nodeset attribute of hugepages of sizes {page.size} "
                                  f"and {other.size} intersect", code="")
            if not page.nodeset and not other.nodeset:
                raise ConfigError(f"two master hugepages detected: {page.size} and "
                                  f"{other.size}", code="")
        beyond = sorted(n for n in page.nodeset or () if n > last_node)
        if beyond:
            raise ConfigError(f"hugepages: node {beyond[0]} not found", code="")
