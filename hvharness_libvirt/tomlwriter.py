"""A small deterministic TOML writer for the tables the importer produces.

Scalars, arrays of scalars and arrays of flat tables stay on their key's
line (arrays of tables one table per line); nested tables become
``[sections]`` and arrays of nested tables ``[[sections]]``. Keys keep their
insertion order, so the same data always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["dumps", "key", "value"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _string(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _is_flat_table(v: Any) -> bool:
    return isinstance(v, Mapping) and not any(
        isinstance(x, Mapping) or (isinstance(x, list | tuple) and x and _is_table_list(x))
        for x in v.values()
    )


def _is_table_list(v: Any) -> bool:
    return isinstance(v, list | tuple) and bool(v) and all(isinstance(x, Mapping) for x in v)


def value(v: Any) -> str:
    """A value written inline."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, Mapping):
        inner = ", ".join(f"{key(k)} = {value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(v, list | tuple):
        if _is_table_list(v):
            return "[\n" + "".join(f"  {value(x)},\n" for x in v) + "]"
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _inline(v: Any) -> bool:
    if isinstance(v, Mapping):
        return False
    if _is_table_list(v):
        return all(_is_flat_table(x) for x in v)
    return True


def _table(out: list[str], path: Sequence[str], table: Mapping[str, Any], header: str) -> None:
    inline = [(k, v) for k, v in table.items() if _inline(v)]
    # A table holding only sub-tables needs no header of its own.
    if header and (inline or not table):
        if out:
            out.append("")
        out.append(header)
    for k, v in inline:
        out.append(f"{key(k)} = {value(v)}")
    for k, v in table.items():
        if _inline(v):
            continue
        sub = [*path, k]
        dotted = ".".join(key(p) for p in sub)
        if isinstance(v, Mapping):
            _table(out, sub, v, f"[{dotted}]")
        else:
            for item in v:
                _table(out, sub, item, f"[[{dotted}]]")


def dumps(data: Mapping[str, Any], comment: str = "") -> str:
    """The TOML text of ``data``, after ``comment`` (lines prefixed with ``# ``)."""
    out: list[str] = [f"# {line}".rstrip() for line in comment.splitlines()]
    if out:
        out.append("")
    _table(out, (), data, "")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"
