"""Formatting of <serial>, <parallel>, <console>, <channel> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_serials(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.serials:
        raise NotImplementedError("<serial> formatting is not implemented")


def format_parallels(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.parallels:
        raise NotImplementedError("<parallel> formatting is not implemented")


def format_consoles(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.consoles:
        raise NotImplementedError("<console> formatting is not implemented")


def format_channels(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.channels:
        raise NotImplementedError("<channel> formatting is not implemented")
