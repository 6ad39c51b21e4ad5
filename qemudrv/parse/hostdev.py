"""Parsing of <hostdev> (not implemented yet)."""

from __future__ import annotations

from ..model.hostdev import Hostdev
from ..xmlreader import Element
from .context import ParseContext


def parse_hostdev(el: Element, ctx: ParseContext) -> Hostdev:
    raise NotImplementedError("<hostdev> parsing is not implemented")
