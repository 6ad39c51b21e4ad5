"""Formatting of <sound> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_sounds(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.sounds:
        raise NotImplementedError("<sound> formatting is not implemented")
