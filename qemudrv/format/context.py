"""What the element formatters need to know about the output."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormatContext:
    """``inactive``: format a persistent definition (no live-only data);
    ``secure``: omit secrets such as passwords (VIR_DOMAIN_XML_SECURE);
    ``status``: formatting inside a <domstatus> document;
    ``modern``: in libvirt 9.0's dialect (set from the domain)."""

    inactive: bool = True
    secure: bool = True
    status: bool = False
    modern: bool = False
