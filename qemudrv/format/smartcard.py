"""Formatting of <smartcard> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_smartcards(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.smartcards:
        raise NotImplementedError("<smartcard> formatting is not implemented")
