"""Errors the reference driver raises, mapped onto the harness protocol."""

from __future__ import annotations

from harness.protocol import CommandLineRefused, DefinitionRejected


class XMLError(DefinitionRejected):
    """The domain XML is malformed or holds an invalid value."""


class ConfigError(DefinitionRejected):
    """The definition is well formed but unsupported or inconsistent.

    Raised by validation, defaults and address assignment, all of which run
    before a command line is built.
    """


class UnsupportedError(CommandLineRefused):
    """The emulator (its capability flags) cannot run this definition."""


class ArgvError(CommandLineRefused):
    """A command line given to argv2xml is malformed."""
