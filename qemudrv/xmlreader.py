"""Safe XML parsing and typed attribute access for domain definitions.

Parsing never resolves entities, loads a DTD or touches the network, so a
hostile document (external entities, entity bombs) is rejected instead of
expanded. Every accessor raises :class:`XMLError` naming the element and
attribute at fault.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

from lxml import etree

from .errors import XMLError

Element = etree._Element

_MAX_DOCUMENT = 16 * 1024 * 1024


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """One safe parser per thread: building a parser costs more than
    parsing a typical definition, and lxml parsers are not thread-safe."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        _PARSERS.parser = parser
    return parser


def parse_document(text: str | bytes, what: str = "domain definition") -> Element:
    """Parse ``text`` into its root element, refusing anything unsafe."""
    _INDEX.entries.clear()  # drop the previous document's child indexes
    data = text.encode("utf-8") if isinstance(text, str) else text
    if len(data) > _MAX_DOCUMENT:
        raise XMLError(f"{what}: document larger than {_MAX_DOCUMENT} bytes")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise XMLError(f"{what}: malformed XML: {exc}") from None
    except ValueError as exc:
        raise XMLError(f"{what}: cannot parse: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise XMLError(f"{what}: a document type declaration is not allowed")
    # Entities can only be declared in a DTD, refused above; an undeclared
    # reference is a syntax error. The walk (done in C) is a second guard.
    for node in root.iter(etree.Entity):
        # lxml-stubs know no _Entity: iter(etree.Entity) is typed as yielding elements.
        name = node.name  # type: ignore[union-attr]
        raise XMLError(f"{what}: entity reference &{name}; is not allowed")
    return root


def tag(el: Element) -> str:
    """The local name of an element (namespace dropped)."""
    return etree.QName(el).localname


def where(el: Element) -> str:
    """A short location for error messages: the element path."""
    names = []
    node: Element | None = el
    while node is not None:
        names.append(tag(node))
        node = node.getparent()
    return "/".join(reversed(names))


def elements(el: Element, name: str | None = None) -> Iterator[Element]:
    """Child elements (comments skipped), optionally by tag."""
    if name is not None:
        yield from _by_tag(el).get(name, ())
        return
    for c in el:
        if isinstance(c.tag, str):
            yield c


class _ChildIndexes(threading.local):
    """Per thread: element -> its child elements grouped by tag.

    The parsers look up the children of one element by name many times
    (the root of a domain some forty times); one pass over the children
    makes each later lookup a dict access. Entries hold their element, so
    an id() cannot be reused while cached; parse_document() empties the
    cache. The readers never restructure a tree while reading it, which
    the cache relies on.
    """

    def __init__(self) -> None:
        self.entries: dict[int, tuple[Element, dict[str, list[Element]]]] = {}


_INDEX = _ChildIndexes()
_INDEX_LIMIT = 4096  # elements, a bound for callers that never parse


def _by_tag(el: Element) -> dict[str, list[Element]]:
    entries = _INDEX.entries
    hit = entries.get(id(el))
    if hit is not None and hit[0] is el:
        return hit[1]
    index: dict[str, list[Element]] = {}
    for c in el:
        t = c.tag
        if isinstance(t, str):  # comments and PIs have a function as tag
            same = index.get(t)
            if same is None:
                index[t] = [c]
            else:
                same.append(c)
    if len(entries) >= _INDEX_LIMIT:
        entries.clear()
    entries[id(el)] = (el, index)
    return index


def _literal(name: str) -> bool:
    """A tag lxml matches literally, as the index does (no wildcard, no
    '{}' spelling of the empty namespace)."""
    return "*" not in name and not name.startswith("{}")


def child(el: Element, name: str) -> Element | None:
    """The first child element called ``name``."""
    # The hottest function of the parsers: the cache hit is inlined.
    hit = _INDEX.entries.get(id(el))
    index = hit[1] if hit is not None and hit[0] is el else _by_tag(el)
    same = index.get(name)
    if same is not None:
        return same[0]  # a name holding '*' or '{}' never is an index key
    if "*" not in name and not name.startswith("{}"):  # _literal(), inlined
        return None
    return next(el.iterchildren(name), None)


def children(el: Element, name: str) -> list[Element]:
    if not _literal(name):
        return list(el.iterchildren(name))
    return list(_by_tag(el).get(name, ()))


def text(el: Element | None) -> str | None:
    """An element's text as libvirt reads it (None for an empty element)."""
    if el is None:
        return None
    value = el.text
    return value if value else None


def child_text(el: Element, name: str) -> str | None:
    return text(child(el, name))


_INT = re.compile(r"\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\s*$")


def parse_int(value: str, base: int = 10) -> int:
    """Integer parsing as strtol does: base 0 accepts 0x.. (hex) and 0.. (octal)."""
    v = value.strip()
    if base == 0:
        if not _INT.match(v):
            raise ValueError(value)
        sign = -1 if v.startswith("-") else 1
        v = v.lstrip("+-")
        if v[:2].lower() == "0x":
            return sign * int(v[2:], 16)
        if len(v) > 1 and v.startswith("0"):
            return sign * int(v[1:], 8)
        return sign * int(v, 10)
    return int(v, base)


_UNITS = {
    "b": 1, "byte": 1, "bytes": 1,
    "k": 1024, "kib": 1024, "kb": 1000,
    "m": 1024**2, "mib": 1024**2, "mb": 1000**2,
    "g": 1024**3, "gib": 1024**3, "gb": 1000**3,
    "t": 1024**4, "tib": 1024**4, "tb": 1000**4,
    "p": 1024**5, "pib": 1024**5, "pb": 1000**5,
    "e": 1024**6, "eib": 1024**6, "eb": 1000**6,
}


def scale(value: int, unit: str | None, default_scale: int, where_: str) -> int:
    """Multiply ``value`` by a libvirt unit name (virScaleInteger)."""
    if unit is None or unit == "":
        return value * default_scale
    factor = _UNITS.get(unit.lower())
    if factor is None:
        raise XMLError(f"unknown suffix '{unit}' in <{where_}>")
    return value * factor
