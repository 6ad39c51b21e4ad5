"""<cpu><numa> as libvirt 9.0 writes it (virDomainNumaDefFormatXML): cells
without vCPUs, distances, caches and interconnects."""

from __future__ import annotations

from ..bitmap import format_bitmap
from ..model.general import CPU
from ..xmlwriter import XMLWriter


def format_numa_modern(w: XMLWriter, cpu: CPU) -> None:
    w.start("numa")
    for cell in cpu.cells:
        body = w.child()
        if cell.distances:
            body.start("distances")
            for other in sorted(cell.distances):
                body.empty("sibling", ("id", other), ("value", cell.distances[other]))
            body.end("distances")
        for cache in cell.caches:
            body.start("cache", ("level", cache.level), ("associativity", cache.associativity),
                       ("policy", cache.policy))
            body.empty("size", ("value", cache.size), ("unit", "KiB"))
            if cache.line:
                body.empty("line", ("value", cache.line), ("unit", "B"))
            body.end("cache")
        attrs: list[tuple[str, str | int | None]] = [
            ("id", cell.id), ("cpus", format_bitmap(cell.cpus) if cell.cpus else None),
            ("memory", cell.memory), ("unit", "KiB"), ("memAccess", cell.mem_access),
            ("discard", cell.discard),
        ]
        w.wrap("cell", body, *attrs)
    if cpu.interconnects:
        w.start("interconnects")
        for link in cpu.interconnects:
            w.empty(link.type, ("initiator", link.initiator), ("target", link.target),
                    ("cache", link.cache or None), ("type", link.access), ("value", link.value),
                    ("unit", "KiB" if link.type == "bandwidth" else None))
        w.end("interconnects")
    w.end("numa")
