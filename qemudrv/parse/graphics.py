"""Parsing of <graphics> (not implemented yet)."""

from __future__ import annotations

from ..model.graphics import Graphics
from ..xmlreader import Element
from .context import ParseContext


def parse_graphics(el: Element, ctx: ParseContext) -> Graphics:
    raise NotImplementedError("<graphics> parsing is not implemented")
