"""libvirt 9.0's I/O thread pools: thread_pool_min/max of an <iothread> and
<defaultiothread> (virDomainIOThreadIDDefParseXML,
virDomainDefaultIOThreadDefParse)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.general import IOThreadPool
from ..xmlreader import Element, child, tag


def _nonnegative(el: Element, name: str) -> int:
    """virXMLPropInt with VIR_XML_PROP_NONNEGATIVE; -1 when absent."""
    value = el.get(name)
    if value is None:
        return -1
    where = f"Invalid value for attribute '{name}' in element '{tag(el)}': '{value}'."
    try:
        number = int(value.strip(), 10)
    except ValueError:
        raise XMLError(f"{where} Expected integer value") from None
    if number < 0:
        raise XMLError(f"{where} Expected non-negative value")
    return number


def parse_pool(el: Element) -> tuple[int, int]:
    return _nonnegative(el, "thread_pool_min"), _nonnegative(el, "thread_pool_max")


def parse_default_iothread(root: Element) -> IOThreadPool | None:
    el = child(root, "defaultiothread")
    if el is None:
        return None
    pool_min, pool_max = parse_pool(el)
    if pool_min == -1 and pool_max == -1:
        return None
    return IOThreadPool(pool_min, pool_max)
