"""QEMU's ``key=value,key2=value2`` option syntax (QemuOpts), split and joined.

A literal comma inside a value is written ``,,``. An item without ``=`` is
either the option's implied first value (``-chardev socket,...``) or a bare
boolean (``server``, ``nowait``): both are kept as ``(name, None)``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Item", "get", "join_opts", "remove", "replace", "split_opts"]

Item = tuple[str, str | None]


def split_opts(text: str) -> list[Item]:
    items: list[Item] = []
    buf: list[str] = []
    i = 0
    while i <= len(text):
        if i == len(text) or text[i] == ",":
            if i + 1 < len(text) and text[i + 1] == ",":
                buf.append(",")
                i += 2
                continue
            raw = "".join(buf)
            buf = []
            key, eq, value = raw.partition("=")
            items.append((key, value) if eq else (raw, None))
            i += 1
            continue
        buf.append(text[i])
        i += 1
    return items


def join_opts(items: Iterable[Item]) -> str:
    parts = []
    for key, value in items:
        if value is None:
            parts.append(key.replace(",", ",,"))
        else:
            parts.append(f"{key}={value.replace(',', ',,')}")
    return ",".join(parts)


def get(items: Iterable[Item], key: str) -> str | None:
    """The value of ``key`` (the last one wins, as in QEMU), or None."""
    found = None
    for k, v in items:
        if k == key and v is not None:
            found = v
    return found


def replace(items: list[Item], key: str, value: str) -> list[Item]:
    """``items`` with every ``key=...`` set to ``value`` (appended if absent)."""
    out = [(k, value) if k == key and v is not None else (k, v) for k, v in items]
    if not any(k == key and v is not None for k, v in items):
        out.append((key, value))
    return out


def remove(items: Iterable[Item], *keys: str) -> list[Item]:
    """``items`` without the given keys (valued or bare)."""
    return [(k, v) for k, v in items if k not in keys]
