"""Parsing of <disk> (not implemented yet)."""

from __future__ import annotations

from ..model.disk import Disk
from ..xmlreader import Element
from .context import ParseContext


def parse_disk(el: Element, ctx: ParseContext) -> Disk:
    raise NotImplementedError("<disk> parsing is not implemented")
