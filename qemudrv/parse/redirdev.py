"""Parsing of <redirdev>, <redirfilter> (not implemented yet)."""

from __future__ import annotations

from ..model.redirdev import RedirFilter, Redirdev
from ..xmlreader import Element
from .context import ParseContext


def parse_redirdev(el: Element, ctx: ParseContext) -> Redirdev:
    raise NotImplementedError("<redirdev> parsing is not implemented")


def parse_redirfilter(el: Element, ctx: ParseContext) -> RedirFilter:
    raise NotImplementedError("<redirfilter> parsing is not implemented")
