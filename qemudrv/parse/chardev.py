"""Parsing of <serial>, <parallel>, <console>, <channel> (not implemented yet)."""

from __future__ import annotations

from ..model.chardev import Channel, Console, Parallel, Serial
from ..xmlreader import Element
from .context import ParseContext


def parse_serial(el: Element, ctx: ParseContext) -> Serial:
    raise NotImplementedError("<serial> parsing is not implemented")


def parse_parallel(el: Element, ctx: ParseContext) -> Parallel:
    raise NotImplementedError("<parallel> parsing is not implemented")


def parse_console(el: Element, ctx: ParseContext) -> Console:
    raise NotImplementedError("<console> parsing is not implemented")


def parse_channel(el: Element, ctx: ParseContext) -> Channel:
    raise NotImplementedError("<channel> parsing is not implemented")
