"""Parsing of <controller> (not implemented yet)."""

from __future__ import annotations

from ..model.controller import Controller
from ..xmlreader import Element
from .context import ParseContext


def parse_controller(el: Element, ctx: ParseContext) -> Controller:
    raise NotImplementedError("<controller> parsing is not implemented")
