"""Formatting of <redirdev>, <redirfilter> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_redirdevs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.redirdevs:
        raise NotImplementedError("<redirdev> formatting is not implemented")


def format_redirfilter(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.redirfilter is not None:
        raise NotImplementedError("<redirfilter> formatting is not implemented")
