"""The driver protocol: what the harness asks of a hypervisor driver.

A driver is any object with the attributes of :class:`Driver`. The harness
hands it the text of a case's input and an immutable :class:`Capabilities`
object; the driver answers with a :class:`Conversion` or raises one of the
rejection exceptions below. Any other exception is a driver bug and is
reported as such.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
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
