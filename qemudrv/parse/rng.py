"""Parsing of <rng> (not implemented yet)."""

from __future__ import annotations

from ..model.rng import RNG
from ..xmlreader import Element
from .context import ParseContext


def parse_rng(el: Element, ctx: ParseContext) -> RNG:
    raise NotImplementedError("<rng> parsing is not implemented")
