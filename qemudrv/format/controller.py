"""Formatting of <controller> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_controllers(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.controllers:
        raise NotImplementedError("<controller> formatting is not implemented")
