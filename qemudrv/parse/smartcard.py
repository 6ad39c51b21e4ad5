"""Parsing of <smartcard> (not implemented yet)."""

from __future__ import annotations

from ..model.smartcard import Smartcard
from ..xmlreader import Element
from .context import ParseContext


def parse_smartcard(el: Element, ctx: ParseContext) -> Smartcard:
    raise NotImplementedError("<smartcard> parsing is not implemented")
