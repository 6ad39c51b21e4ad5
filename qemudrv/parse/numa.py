"""<cpu><numa> as libvirt 9.0 reads it (numa_conf.c, virDomainNumaDefParseXML):
cells may go without vCPUs and carry distances and memory-side caches; the
interconnects hold the HMAT latencies and bandwidths."""

from __future__ import annotations

from ..bitmap import parse_bitmap
from ..errors import ConfigError, XMLError
from ..model.general import NumaCache, NumaCell, NumaInterconnect
from ..xmlreader import Element, children, elements, scale, tag
from .context import ParseContext
from .general_values import parse_memory_value
from .memory import MEMORY_ACCESS, prop_enum, prop_tristate

# LOCAL_DISTANCE and UNREACHABLE of virnuma.h
_LOCAL_DISTANCE = 10
_UNREACHABLE = 255
CACHE_ASSOCIATIVITY = ("none", "direct", "full")
CACHE_POLICY = ("none", "writeback", "writethrough")
LATENCY_TYPES = ("access", "read", "write")


def _uint(el: Element, name: str, *, required: bool) -> int | None:
    """virXMLPropUInt (base 10)."""
    value = el.get(name)
    if value is None:
        if required:
            raise XMLError(f"Missing required attribute '{name}' in element '{tag(el)}'")
        return None
    text = value.strip()
    if not text.isdigit() or int(text) > 0xFFFFFFFF:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{tag(el)}': "
                       f"'{value}'. Expected non-negative integer value")
    return int(text)


def _distances(cell_el: Element, cell: int, ncells: int,
               table: dict[int, dict[int, int]]) -> None:
    """virDomainNumaDefNodeDistanceParseXML: a distance given one way also
    holds the other way unless that one is given too."""
    lists = children(cell_el, "distances")
    if not lists:
        return
    siblings = children(lists[0], "sibling")
    if not siblings:
        raise XMLError("NUMA distances defined without siblings")
    for sibling in siblings:
        other = _uint(sibling, "id", required=True)
        assert other is not None
        if other >= ncells:
            raise XMLError(f"'sibling_id {other}' does not refer to a valid cell within "
                           f"NUMA 'cell id {cell}'")
        value = _uint(sibling, "value", required=True)
        assert value is not None
        if (not _LOCAL_DISTANCE <= value <= _UNREACHABLE
                or (other == cell) != (value == _LOCAL_DISTANCE)):
            raise XMLError(f"'value {value}' is invalid for 'sibling id {other}' under NUMA "
                           f"'cell id {cell}'")
        own = table.setdefault(cell, {cell: _LOCAL_DISTANCE})
        own[other] = value
        theirs = table.setdefault(other, {other: _LOCAL_DISTANCE})
        theirs.setdefault(cell, value)


def _caches(cell_el: Element, cell: int, ctx: ParseContext) -> list[NumaCache]:
    """virDomainNumaDefNodeCacheParseXML."""
    caches: list[NumaCache] = []
    for el in children(cell_el, "cache"):
        level_s = el.get("level")
        if level_s is None:
            raise XMLError(f"Missing 'level' attribute in cache element for NUMA node {cell}")
        if not level_s.isdigit() or int(level_s) == 0:
            raise XMLError(f"Invalid 'level' attribute in cache element for NUMA node {cell}")
        associativity = el.get("associativity")
        if associativity is None:
            raise XMLError(f"Missing 'associativity' attribute in cache element for NUMA "
                           f"node {cell}")
        if associativity not in CACHE_ASSOCIATIVITY:
            raise XMLError(f"Invalid cache associativity '{associativity}'")
        policy = el.get("policy")
        if policy not in CACHE_POLICY:
            raise XMLError(f"Invalid cache policy '{policy}'")
        sizes = children(el, "size")
        size_el = sizes[0] if sizes else None
        size = parse_memory_value(None, ctx, required=True, what="./size/@value",
                                  value=size_el.get("value") if size_el is not None else None,
                                  unit=size_el.get("unit") if size_el is not None else None)
        lines = children(el, "line")
        line_el = lines[0] if lines else None
        line_s = line_el.get("value") if line_el is not None else None
        if not line_s or not line_s.isdigit():
            raise XMLError("missing element or attribute './line/@value'")
        line = scale(int(line_s), line_el.get("unit") if line_el is not None else None, 1,
                     "./line/@value")
        caches.append(NumaCache(int(level_s), associativity, policy, size or 0, line))
    return caches


def _interconnects(numa: Element, ctx: ParseContext) -> list[NumaInterconnect]:
    found = children(numa, "interconnects")
    if not found:
        return []
    links: list[NumaInterconnect] = []
    for el in elements(found[0]):
        kind = tag(el)
        if kind == "latency":
            value_s = el.get("value")
            if value_s is None:
                raise XMLError("Missing required attribute 'value' in element 'latency'")
            if not value_s.strip().isdigit():
                raise XMLError(f"Invalid value for attribute 'value' in element 'latency': "
                               f"'{value_s}'. Expected non-negative integer value")
            value = int(value_s)
        elif kind == "bandwidth":
            value = parse_memory_value(None, ctx, required=True, what="./@value",
                                       value=el.get("value"), unit=el.get("unit")) or 0
        else:
            continue  # children libvirt does not know yet
        initiator = _uint(el, "initiator", required=True)
        target = _uint(el, "target", required=True)
        cache = _uint(el, "cache", required=False) or 0
        access = el.get("type")
        if access is None:
            raise XMLError(f"Missing required attribute 'type' in element '{kind}'")
        access = str(prop_enum(el, "type", LATENCY_TYPES))
        assert initiator is not None and target is not None
        links.append(NumaInterconnect(kind, initiator, target, cache, access, value))
    return links


def parse_numa_modern(numa: Element, ctx: ParseContext
                      ) -> tuple[list[NumaCell], list[NumaInterconnect]]:
    nodes = children(numa, "cell")
    if not nodes:
        raise XMLError("NUMA topology defined without NUMA cells")
    n = len(nodes)
    cells: dict[int, NumaCell] = {}
    distances: dict[int, dict[int, int]] = {}
    for i, node in enumerate(nodes):
        cid = _uint(node, "id", required=False)
        cid = i if cid is None else cid
        if cid >= n:
            raise XMLError("Exactly one 'cell' element per guest NUMA cell allowed, "
                           "non-contiguous ranges or ranges not starting from 0 are not allowed")
        if cid in cells:
            raise XMLError(f"Duplicate NUMA cell info for cell id '{cid}'")
        cpus_s = node.get("cpus")
        cpus = parse_bitmap(cpus_s, "cpus") if cpus_s is not None else frozenset()
        for other_id, other in cells.items():
            if other.cpus & cpus:
                raise ConfigError(f"NUMA cells {cid} and {other_id} have overlapping vCPU ids")
        mem = parse_memory_value(None, ctx, value=node.get("memory"), unit=node.get("unit"),
                                 required=True, what="./@memory")
        access = prop_enum(node, "memAccess", MEMORY_ACCESS)
        discard = prop_tristate(node, "discard")
        cell = NumaCell(cid, cpus, mem or 0, access,
                        None if discard is None else ("yes" if discard else "no"))
        _distances(node, cid, n, distances)
        cell.caches = _caches(node, cid, ctx)
        cells[cid] = cell
    for cid, table in distances.items():
        cells[cid].distances = table
    ordered = [cells[i] for i in sorted(cells)]
    links = _interconnects(numa, ctx)
    _check(ordered, links)
    return ordered, links


def _check(cells: list[NumaCell], links: list[NumaInterconnect]) -> None:
    """virDomainNumaDefValidate."""
    for cell in cells:
        seen: set[int] = set()
        for cache in cell.caches:
            if cache.level > 3:
                raise XMLError("Ain't nobody heard of that much cache level")
            if cache.level in seen:
                raise XMLError(f"Cache level '{cache.level}' already defined")
            seen.add(cache.level)
    for i, link in enumerate(links):
        if link.initiator >= len(cells):
            raise XMLError("'initiator' refers to a non-existent NUMA node")
        if link.target >= len(cells):
            raise XMLError("'target' refers to a non-existent NUMA node")
        if not cells[link.initiator].cpus:
            raise XMLError("NUMA nodes without CPUs can't be initiator")
        if link.cache and all(c.level != link.cache for c in cells[link.target].caches):
            raise XMLError("'cache' refers to a non-existent NUMA node cache")
        for other in links[:i]:
            if (link.type, link.initiator, link.target, link.cache, link.access) == \
                    (other.type, other.initiator, other.target, other.cache, other.access):
                raise XMLError("Duplicate info for NUMA latencies")
            if link.initiator != link.target and link.initiator == other.target \
                    and link.target == other.initiator:
                raise XMLError("Link already defined")
