"""Formatting of <graphics> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_graphics(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.graphics:
        raise NotImplementedError("<graphics> formatting is not implemented")
