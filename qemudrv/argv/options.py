"""QEMU option strings: ``key=value,key2=value2,...``.

A comma inside a value is written twice (``,,``). This is libvirt's
qemuParseKeywords: a keyword without ``=`` has no value (``None``) and is an
error unless the caller allows it.
"""

from __future__ import annotations

import re

from ..errors import ArgvError


def split_commas(text: str) -> list[str]:
    """Split at single commas, turning ``,,`` into a literal comma."""
    parts: list[str] = []
    cur: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == ",":
            if i + 1 < n and text[i + 1] == ",":
                cur.append(",")
                i += 2
                continue
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def parse_keywords(text: str, *, allow_empty: bool = False) -> list[tuple[str, str | None]]:
    """The ``(key, value)`` pairs of an option string, in order."""
    out: list[tuple[str, str | None]] = []
    for part in split_commas(text):
        key, sep, value = part.partition("=")
        if not sep:
            if not allow_empty:
                raise ArgvError(f"malformed keyword arguments in '{text}'")
            out.append((part, None))
        else:
            out.append((key, value))
    return out


def first_value(pairs: list[tuple[str, str | None]], key: str) -> str | None:
    for k, v in pairs:
        if k == key:
            return v
    return None


_INT10 = re.compile(r"[+-]?[0-9]+")
_INT0 = re.compile(r"[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def strtol(text: str, base: int = 10) -> tuple[int, str]:
    """A leading integer and the text after it, like strtol with base 10
    or base 0 (``0x`` hexadecimal, ``0`` octal); ValueError without digits."""
    m = (_INT0 if base == 0 else _INT10).match(text)
    if not m:
        raise ValueError(f"no number in '{text}'")
    num = m.group(0)
    if base == 0:
        sign = -1 if num.startswith("-") else 1
        body = num.lstrip("+-")
        if body[:2] in ("0x", "0X"):
            value = int(body[2:], 16)
        elif len(body) > 1 and body.startswith("0"):
            value = int(body, 8)
        else:
            value = int(body, 10)
        return sign * value, text[m.end():]
    return int(num, 10), text[m.end():]


def to_int(text: str, base: int = 10) -> int:
    """The whole text as an integer (virStrToLong_i with an end check)."""
    value, rest = strtol(text, base)
    if rest:
        raise ValueError(f"trailing characters in '{text}'")
    return value
