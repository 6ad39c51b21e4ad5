"""Writing XML the way libvirt's virBuffer does.

Two spaces of indentation per level, attributes in single quotes, and the
escaping of virBufferEscapeString (``&<>'"`` become entities). Elements with
optional children are built in a child writer and closed as ``<x/>`` when it
stays empty, as libvirt's formatters do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Attr = tuple[str, "str | int | None"]

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;"}
# Anything escape() would change: a special character or a control character
# other than tab, newline and carriage return. One C-level scan for the
# common case of a value that needs no escaping.
_NEEDS_ESCAPE = re.compile(r"[&<>'\"\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape(value: str) -> str:
    if not _NEEDS_ESCAPE.search(value):
        return value
    out = []
    for c in value:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 and c not in "\t\n\r":
            continue  # libvirt drops control characters it cannot represent
        else:
            out.append(c)
    return "".join(out)


def attrs_text(attrs: Iterable[Attr]) -> str:
    # A plain loop: cheaper than join() over a generator for the usual
    # handful of attributes.
    out = ""
    for k, v in attrs:
        if v is not None:
            out += f" {k}='{escape(v if type(v) is str else str(v))}'"
    return out


class XMLWriter:
    """Accumulates indented lines; ``level`` is the current depth."""

    def __init__(self, level: int = 0) -> None:
        self.level = level
        self.lines: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.lines)

    def line(self, content: str) -> None:
        self.lines.append("  " * self.level + content)

    def raw(self, lines: Iterable[str]) -> None:
        self.lines.extend(lines)

    def empty(self, tag: str, *attrs: Attr) -> None:
        self.line(f"<{tag}{attrs_text(attrs)}/>")

    def start(self, tag: str, *attrs: Attr) -> None:
        self.line(f"<{tag}{attrs_text(attrs)}>")
        self.level += 1

    def end(self, tag: str) -> None:
        self.level -= 1
        self.line(f"</{tag}>")

    def element(self, tag: str, value: str | int | None, *attrs: Attr) -> None:
        """``<tag attrs>value</tag>``; nothing when value is None."""
        if value is None:
            return
        self.line(f"<{tag}{attrs_text(attrs)}>{escape(str(value))}</{tag}>")

    def child(self) -> XMLWriter:
        """A writer for the children of an element about to be opened here."""
        return XMLWriter(self.level + 1)

    def wrap(self, tag: str, body: XMLWriter, *attrs: Attr) -> None:
        """``<tag/>`` if ``body`` is empty, else ``<tag>`` body ``</tag>``."""
        if not body:
            self.empty(tag, *attrs)
            return
        self.line(f"<{tag}{attrs_text(attrs)}>")
        self.lines.extend(body.lines)
        self.line(f"</{tag}>")

    def wrap_if(self, tag: str, body: XMLWriter, *attrs: Attr) -> None:
        """``<tag>`` body ``</tag>`` only when ``body`` has content."""
        if body:
            self.wrap(tag, body, *attrs)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n" if self.lines else ""
