"""Formatting of <interface> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_interfaces(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.interfaces:
        raise NotImplementedError("<interface> formatting is not implemented")
