"""Parsing of <video> (not implemented yet)."""

from __future__ import annotations

from ..model.video import Video
from ..xmlreader import Element
from .context import ParseContext


def parse_video(el: Element, ctx: ParseContext) -> Video:
    raise NotImplementedError("<video> parsing is not implemented")
