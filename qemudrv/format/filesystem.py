"""Formatting of <filesystem> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_filesystems(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.filesystems:
        raise NotImplementedError("<filesystem> formatting is not implemented")
