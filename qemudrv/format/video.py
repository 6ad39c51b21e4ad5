"""Formatting of <video> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_videos(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.videos:
        raise NotImplementedError("<video> formatting is not implemented")
