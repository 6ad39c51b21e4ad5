"""Formatting of <input> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_inputs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.inputs:
        raise NotImplementedError("<input> formatting is not implemented")
