"""Errors the reference driver raises, mapped onto the harness protocol.

``code`` is the text libvirt 9.0 puts before a message of that kind (its
virErrorNumber's format, as in "unsupported configuration: ..."); libvirt
1.3.1's goldens never carry it, so only a 9.0 conversion adds it
(``with_code``). A raise site passes its own ``code`` where libvirt reports
the error under another number, or "" for none.
"""

from __future__ import annotations

from harness.protocol import CommandLineRefused, DefinitionRejected


class _Coded(Exception):
    code = "unsupported configuration"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class XMLError(_Coded, DefinitionRejected):
    """The domain XML is malformed or holds an invalid value."""

    code = "XML error"


class ConfigError(_Coded, DefinitionRejected):
    """The definition is well formed but unsupported or inconsistent.

    Raised by validation, defaults and address assignment, all of which run
    before a command line is built.
    """


class UnsupportedError(_Coded, CommandLineRefused):
    """The emulator (its capability flags) cannot run this definition."""


class ArgvError(_Coded, CommandLineRefused):
    """A command line given to argv2xml is malformed."""

    code = ""


def with_code(exc: Exception) -> Exception:
    """The same error with libvirt 9.0's prefix on its message."""
    code = getattr(exc, "code", "")
    if not isinstance(exc, _Coded) or not code:
        return exc
    return type(exc)(f"{code}: {exc}", code="")
