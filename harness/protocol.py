"""The driver protocol: what the harness asks of a hypervisor driver.

A driver is any object with the attributes of :class:`Driver`. The harness
hands it the text of a case's input and an immutable :class:`Capabilities`
object; the driver answers with a :class:`Conversion` or raises one of the
rejection exceptions below. Any other exception is a driver bug and is
reported as such.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "Capabilities",
    "CommandLineRefused",
    "Conversion",
    "DefinitionRejected",
    "Driver",
    "Mode",
    "Rejection",
]


class Mode(enum.StrEnum):
    """The three conversions a suite can test."""

    XML2ARGV = "xml2argv"
    XML2XML = "xml2xml"
    ARGV2XML = "argv2xml"


@dataclass(frozen=True)
class Capabilities:
    """A capability set with a case's flags and configuration applied.

    ``flags`` and ``config`` are the effective values for the case;
    ``tables`` holds every other top-level table of the set (``host``,
    ``guests``, ``cpu``, ``env``, ...) as read-only mappings and tuples,
    whose meaning is the driver's business.
    """

    name: str
    flags: frozenset[str]
    config: Mapping[str, Any]
    tables: Mapping[str, Any]

    def has(self, flag: str) -> bool:
        return flag in self.flags

    def to_json(self) -> dict[str, Any]:
        """The JSON form: ``{"name", "flags": [sorted], "config": {...}, "tables": {...}}``.

        Mappings become objects and tuples arrays; a TOML date or time
        becomes its ISO 8601 string. The exec-driver protocol sends this.
        """
        return {
            "name": self.name,
            "flags": sorted(self.flags),
            "config": _plain(self.config),
            "tables": _plain(self.tables),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Capabilities:
        """The inverse of :meth:`to_json` (dates stay strings)."""
        flags = data.get("flags", [])
        if not isinstance(data.get("name"), str) or not isinstance(flags, list | tuple) \
                or not all(isinstance(f, str) for f in flags):
            raise ValueError("capabilities need a string 'name' and a list of string 'flags'")
        config, tables = data.get("config", {}), data.get("tables", {})
        if not isinstance(config, Mapping) or not isinstance(tables, Mapping):
            raise ValueError("capabilities' 'config' and 'tables' must be objects")
        return cls(data["name"], frozenset(flags), _frozen(config), _frozen(tables))

    @cached_property
    def canonical_json(self) -> str:
        """:meth:`to_json` as compact JSON with sorted keys: equal sets, equal text."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)

    @cached_property
    def key(self) -> str:
        """``NAME#HASH``: the set's name and a digest of its canonical JSON.

        Two cases share a key exactly when their effective capabilities are
        equal, so a driver process is sent each set once.
        """
        digest = hashlib.sha256(self.canonical_json.encode()).hexdigest()[:16]
        return f"{self.name}#{digest}"


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


@dataclass(frozen=True)
class Conversion:
    """A successful conversion: the output text and any warnings raised.

    For xml2argv, ``output`` is the whole command line on one line, shell
    quoted (environment assignments, program, arguments); the harness wraps
    it. For the XML modes it is the XML document.
    """

    output: str
    warnings: tuple[str, ...] = field(default=())


class Rejection(Exception):
    """The driver refused the input; ``str(exc)`` is the error text."""


class DefinitionRejected(Rejection):
    """The definition was rejected before any command line was built.

    Parsing, validation, defaults and address assignment raise this; the
    ``parse-error`` expectation matches it.
    """


class CommandLineRefused(Rejection):
    """The definition was accepted, but building the command line failed.

    The ``failure`` expectation matches it (and a refused command line in
    argv2xml: a malformed or unsupported command line).
    """


@runtime_checkable
class Driver(Protocol):
    """What the harness needs of a driver.

    ``modes`` lists the conversions the driver implements; a case of any
    other mode is skipped with a reason. A converter for an unsupported mode
    is never called.
    """

    name: str
    modes: frozenset[Mode]

    def xml_to_argv(
        self,
        xml: str,
        caps: Capabilities,
        *,
        migrate_from: str | None = None,
        migrate_fd: int | None = None,
    ) -> Conversion: ...

    def xml_to_xml(
        self,
        xml: str,
        caps: Capabilities,
        *,
        active: bool = False,
        status: bool = False,
    ) -> Conversion: ...

    def argv_to_xml(self, argv: str, caps: Capabilities) -> Conversion: ...
