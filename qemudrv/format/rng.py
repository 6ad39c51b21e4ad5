"""Formatting of <rng> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_rngs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.rngs:
        raise NotImplementedError("<rng> formatting is not implemented")
