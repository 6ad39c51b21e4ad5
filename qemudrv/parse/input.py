"""Parsing of <input> (not implemented yet)."""

from __future__ import annotations

from ..model.input import Input
from ..xmlreader import Element
from .context import ParseContext


def parse_input(el: Element, ctx: ParseContext) -> Input:
    raise NotImplementedError("<input> parsing is not implemented")
