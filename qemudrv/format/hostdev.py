"""Formatting of <hostdev> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_hostdevs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.hostdevs:
        raise NotImplementedError("<hostdev> formatting is not implemented")
