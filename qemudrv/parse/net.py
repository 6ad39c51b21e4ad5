"""Parsing of <interface> (not implemented yet)."""

from __future__ import annotations

from ..model.net import Interface
from ..xmlreader import Element
from .context import ParseContext


def parse_interface(el: Element, ctx: ParseContext) -> Interface:
    raise NotImplementedError("<interface> parsing is not implemented")
