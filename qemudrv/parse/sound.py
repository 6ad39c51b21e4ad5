"""Parsing of <sound> (not implemented yet)."""

from __future__ import annotations

from ..model.sound import Sound
from ..xmlreader import Element
from .context import ParseContext


def parse_sound(el: Element, ctx: ParseContext) -> Sound:
    raise NotImplementedError("<sound> parsing is not implemented")
