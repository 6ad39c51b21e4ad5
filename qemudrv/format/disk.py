"""Formatting of <disk> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_disks(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.disks:
        raise NotImplementedError("<disk> formatting is not implemented")
