"""Safe XML parsing and typed attribute access for domain definitions.

Parsing never resolves entities, loads a DTD or touches the network, so a
hostile document (external entities, entity bombs) is rejected instead of
expanded. Every accessor raises :class:`XMLError` naming the element and
attribute at fault.
"""

from __future__ import annotations

import codecs
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


# The encoding named by an XML declaration at the very start (after a BOM).
_DECLARED_ENCODING = re.compile(
    r"""\A\ufeff?<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1"""
)
_DECLARED_ENCODING_BYTES = re.compile(
    rb"""\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1"""
)


def _wide(codec: codecs.CodecInfo) -> bool:
    """UTF-16 and UTF-32 cannot spell an XML declaration in ASCII bytes."""
    return codec.name.startswith(("utf-16", "utf-32"))


def _lookup(name: str, what: str) -> codecs.CodecInfo:
    try:
        return codecs.lookup(name)
    except LookupError:
        raise XMLError(f"{what}: unknown encoding '{name}' in the XML declaration") from None


def _check_declared_encoding(text: str | bytes, what: str) -> bytes:
    """The document as bytes for the parser, after checking that the
    encoding its declaration names agrees with what it is.

    A str is already decoded: its declaration must name an encoding that
    can hold every character of it (the parser then reads it as UTF-8,
    which it is given). Bytes are left to the parser, except for the one
    contradiction it does not report: a UTF-16 or UTF-32 declaration
    written in single-byte characters.
    """
    if isinstance(text, bytes):
        found_bytes = _DECLARED_ENCODING_BYTES.match(text)
        if found_bytes is not None:
            name = found_bytes.group(2).decode("ascii")
            if _wide(_lookup(name, what)):
                raise XMLError(f"{what}: the XML declaration names encoding '{name}', "
                               "but the document is not in that encoding")
        return text
    found = _DECLARED_ENCODING.match(text)
    if found is None:
        return text.encode("utf-8")
    name = found.group(2)
    codec = _lookup(name, what)
    if _wide(codec):
        raise XMLError(f"{what}: the XML declaration names encoding '{name}', "
                       "but the document is not in that encoding")
    try:
        codec.encode(text)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        char = text[exc.start]
        raise XMLError(
            f"{what}: the XML declaration names encoding '{name}', which cannot hold "
            f"character U+{ord(char):04X} at line {line}, column {column}"
        ) from None
    start, end = found.span(2)
    return (text[:start] + "UTF-8" + text[end:]).encode("utf-8")


def parse_document(text: str | bytes, what: str = "domain definition") -> Element:
    """Parse ``text`` into its root element, refusing anything unsafe."""
    _INDEX.clear()  # drop the previous document's child indexes
    if len(text) > _MAX_DOCUMENT:  # checked early too: encoding never makes it shorter
        raise XMLError(f"{what}: document larger than {_MAX_DOCUMENT} bytes")
    data = _check_declared_encoding(text, what)
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
        yield from children_by_tag(el).get(name, ())
        return
    for c in el:
        if isinstance(c.tag, str):
            yield c


# Element -> its child elements grouped by tag.
#
# The parsers look up the children of one element by name many times (the
# root of a domain some forty times); one pass over the children makes each
# later lookup a dict access. lxml elements hash and compare by identity,
# and a key keeps its element (proxy) alive, so the element itself is the
# key; parse_document() empties the cache. The readers never restructure a
# tree while reading it, which the cache relies on.
#
# One dict for all threads: a thread-local one cost a third of each
# lookup. Threads parse different documents, so their keys never meet; a
# thread that empties the cache (a new document, or the bound) only makes
# another thread index its elements again, never read a wrong index.
_INDEX: dict[Element, dict[str, list[Element]]] = {}
NO_CHILDREN: dict[str, list[Element]] = {}  # shared: the index is only read
_INDEX_LIMIT = 4096  # elements, a bound for callers that never parse


def children_by_tag(el: Element) -> dict[str, list[Element]]:
    """The child elements of ``el`` grouped by tag, in document order (the
    cached index: callers only read it). A parser that asks for several
    children of one element takes this once instead of calling child()."""
    hit = _INDEX.get(el)
    if hit is not None:
        return hit
    if not len(el):  # most elements asked have no children: nothing to index
        return NO_CHILDREN
    index: dict[str, list[Element]] = {}
    for c in el:
        t = c.tag
        if isinstance(t, str):  # comments and PIs have a function as tag
            same = index.get(t)
            if same is None:
                index[t] = [c]
            else:
                same.append(c)
    if len(_INDEX) >= _INDEX_LIMIT:
        _INDEX.clear()
    _INDEX[el] = index
    return index


def indexed_text(kids: dict[str, list[Element]], name: str) -> str | None:
    """child_text() over an index already taken (children_by_tag()): the
    text of the first child called ``name``, None when absent or empty.
    ``name`` is a literal tag, never a pattern."""
    found = kids.get(name)
    if not found:
        return None
    value = found[0].text
    return value if value else None


def child(el: Element, name: str) -> Element | None:
    """The first child element called ``name``."""
    # The hottest function of the parsers: the cache hit is inlined.
    index = _INDEX.get(el)
    if index is None:
        # Not indexed yet, or a leaf (never indexed): a leaf is answered
        # without a second call and cache lookup.
        index = children_by_tag(el) if len(el) else NO_CHILDREN
    same = index.get(name)
    if same is not None:
        return same[0]
    # Most lookups are for absent elements. A name with '*' or '{}' (the
    # empty namespace) is a pattern lxml matches, never an index key; its
    # matching agrees with the index for any name, so the test is loose.
    if "*" in name or "{}" in name:
        return next(el.iterchildren(name), None)
    return None


def children(el: Element, name: str) -> list[Element]:
    if "*" in name or "{}" in name:  # a pattern: lxml matches it (see child())
        return list(el.iterchildren(name))
    index = _INDEX.get(el)  # children_by_tag(), its cache hit and leaves inlined
    if index is None:
        if not len(el):
            return []
        index = children_by_tag(el)
    return list(index.get(name, ()))


def text(el: Element | None) -> str | None:
    """An element's text as libvirt reads it (None for an empty element)."""
    if el is None:
        return None
    value = el.text
    return value if value else None


def child_text(el: Element, name: str) -> str | None:
    found = child(el, name)
    if found is None:
        return None
    value = found.text  # text(), inlined: the parsers read some twenty a document
    return value if value else None


# strtol's base 0 spellings: sign, then hex digits, octal digits after
# the leading 0, or a decimal number.
_INT_ANY_BASE = re.compile(r"([+-]?)(?:0[xX]([0-9a-fA-F]+)|0([0-7]*)|([1-9][0-9]*))")


def parse_int(value: str, base: int = 10) -> int:
    """Integer parsing as strtol does: base 0 accepts 0x.. (hex) and 0.. (octal)."""
    v = value.strip()
    if base != 0:
        return int(v, base)
    # The usual spellings without the regular expression: 0x and hex digits
    # (ASCII letters and digits only, so no sign, blank or '_' that int()
    # would take), or a decimal number without a leading zero.
    if v[:2] in ("0x", "0X"):
        hex_digits = v[2:]
        if hex_digits.isascii() and hex_digits.isalnum():
            try:
                return int(hex_digits, 16)
            except ValueError:
                pass  # a letter past 'f': refused below
    elif v.isascii() and v.isdigit() and v[0] != "0":
        return int(v, 10)
    found = _INT_ANY_BASE.fullmatch(v)
    if found is None:
        raise ValueError(value)
    sign, hex_digits, octal_digits, decimal = found.groups()
    if hex_digits is not None:
        number = int(hex_digits, 16)
    elif octal_digits is not None:
        number = int(octal_digits, 8) if octal_digits else 0
    else:
        number = int(decimal, 10)
    return -number if sign == "-" else number


_UNITS = {
    "b": 1, "byte": 1, "bytes": 1,
    "k": 1024, "kib": 1024, "kb": 1000,
    "m": 1024**2, "mib": 1024**2, "mb": 1000**2,
    "g": 1024**3, "gib": 1024**3, "gb": 1000**3,
    "t": 1024**4, "tib": 1024**4, "tb": 1000**4,
    "p": 1024**5, "pib": 1024**5, "pb": 1000**5,
    "e": 1024**6, "eib": 1024**6, "eb": 1000**6,
}


def scale(value: int, unit: str | None, default_scale: int, where_: str,
          limit: int | None = 2**64 - 1) -> int:
    """Multiply ``value`` by a libvirt unit name (virScaleInteger), refusing
    a result above ``limit`` as libvirt refuses an overflow (None: the
    caller checks the result itself)."""
    if unit is None or unit == "":
        factor = default_scale
    else:
        found = _UNITS.get(unit.lower())
        if found is None:
            raise XMLError(f"unknown suffix '{unit}' in <{where_}>")
        factor = found
    if limit is not None and value > limit // factor:
        raise XMLError(f"value too large in <{where_}>: {value}{unit or ''}")
    return value * factor
