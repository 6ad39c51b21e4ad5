"""Parsing of <filesystem> (not implemented yet)."""

from __future__ import annotations

from ..model.filesystem import Filesystem
from ..xmlreader import Element
from .context import ParseContext


def parse_filesystem(el: Element, ctx: ParseContext) -> Filesystem:
    raise NotImplementedError("<filesystem> parsing is not implemented")
