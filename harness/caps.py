"""Capability sets: ``caps/NAME.toml``, resolved along ``extends``.

Each set is read and resolved once per library; the per-case result is
cached too, since many cases share the same flags and configuration.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import SuiteError
from .files import read_toml, resolve_within
from .protocol import Capabilities

__all__ = ["MAX_EXTENDS_DEPTH", "CapsLibrary", "CapsSet", "freeze", "merge_tables"]

_RESERVED = frozenset({"extends", "flags", "unconfig", "config"})
# Far more than any real hierarchy; a longer chain is a generated mistake.
MAX_EXTENDS_DEPTH = 32
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]*")


def freeze(value: Any) -> Any:
    """A read-only deep copy: tables become mapping proxies, arrays tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def merge_tables(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` merged into ``base`` key by key; nested tables merge too."""
    merged = dict(base)
    for key, value in over.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_tables(old, value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class CapsSet:
    """A capability set with its ``extends`` chain applied."""

    name: str
    path: Path
    chain: tuple[str, ...]
    flags: frozenset[str]
    config: Mapping[str, Any]
    tables: Mapping[str, Any]


class CapsLibrary:
    """The capability sets of one suite's ``caps/`` directory."""

    def __init__(self, caps_dir: Path) -> None:
        self.caps_dir = caps_dir
        self._sets: dict[str, CapsSet | SuiteError] = {}
        self._cases: dict[tuple[Any, ...], Capabilities | SuiteError] = {}

    def path_of(self, name: str) -> Path:
        path = resolve_within(self.caps_dir, self.caps_dir, name + ".toml")
        if path is None:
            raise SuiteError(self.caps_dir, f"capability set name {name!r} leaves caps/")
        return path

    def get(self, name: str) -> CapsSet:
        found = self._sets.get(name)
        if found is None:
            try:
                found = self._resolve(name, ())
            except SuiteError as exc:
                found = exc
            self._sets[name] = found
        if isinstance(found, SuiteError):
            raise found
        return found

    def for_case(
        self,
        name: str,
        flags: Sequence[str] = (),
        unflags: Sequence[str] = (),
        config: Mapping[str, Any] | None = None,
        unconfig: Sequence[str] = (),
    ) -> Capabilities:
        """The set with a case's flags, unflags, config and unconfig applied."""
        config = config or {}
        key = (
            name,
            tuple(flags),
            tuple(unflags),
            json.dumps(config, sort_keys=True, default=repr) if config else "",
            tuple(unconfig),
        )
        found = self._cases.get(key)
        if found is None:
            try:
                found = self._apply(self.get(name), flags, unflags, config, unconfig)
            except SuiteError as exc:
                found = exc
            self._cases[key] = found
        if isinstance(found, SuiteError):
            raise found
        return found

    @staticmethod
    def _apply(
        base: CapsSet,
        flags: Sequence[str],
        unflags: Sequence[str],
        config: Mapping[str, Any],
        unconfig: Sequence[str],
    ) -> Capabilities:
        effective = merge_tables(base.config, config)
        for key in unconfig:
            effective.pop(key, None)
        return Capabilities(
            name=base.name,
            flags=(base.flags | frozenset(flags)) - frozenset(unflags),
            config=freeze(effective),
            tables=base.tables,
        )

    def _resolve(self, name: str, seen: tuple[str, ...]) -> CapsSet:
        cached = self._sets.get(name)
        if isinstance(cached, CapsSet):
            return cached
        if name in seen:
            cycle = " -> ".join((*seen[seen.index(name):], name))
            raise SuiteError(self.path_of(seen[-1]), f"'extends' cycle: {cycle}")
        path = self.path_of(name)
        if not path.is_file():
            where = f"capability set {name!r} not found"
            if seen:
                raise SuiteError(self.path_of(seen[-1]), f"extends {where} (no {path.name})")
            raise SuiteError(path, where)
        raw = read_toml(path)
        extends = raw.get("extends")
        if extends is not None and not (isinstance(extends, str) and _NAME.fullmatch(extends)):
            raise SuiteError(path, f"'extends' must be the name of a capability set in "
                                   f"{self.caps_dir.name}/, not {extends!r}")
        if extends is not None and len(seen) + 1 >= MAX_EXTENDS_DEPTH:
            first = self.path_of(seen[0]) if seen else path
            raise SuiteError(first, f"'extends' chain longer than {MAX_EXTENDS_DEPTH} sets "
                                    f"({' -> '.join((*seen[:3], '...', name, extends))})")
        for key in ("flags", "unconfig"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SuiteError(path, f"{key!r} must be a list of strings")
        if not isinstance(raw.get("config", {}), dict):
            raise SuiteError(path, "'config' must be a table")
        if extends is not None:
            parent = self._resolve(extends, (*seen, name))
            self._sets.setdefault(extends, parent)
            chain = (*parent.chain, name)
            flags, config, tables = parent.flags, dict(parent.config), dict(parent.tables)
        else:
            chain, flags, config, tables = (name,), frozenset(), {}, {}
        config = merge_tables(config, raw.get("config", {}))
        for key in raw.get("unconfig", []):
            config.pop(key, None)
        own_tables = {k: v for k, v in raw.items() if k not in _RESERVED}
        return CapsSet(
            name=name,
            path=path,
            chain=chain,
            flags=flags | frozenset(raw.get("flags", [])),
            config=config,
            tables=freeze(merge_tables(_thaw(tables), own_tables)),
        )


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    return value
