"""Formatting of <lease>, <hub>, <watchdog>, <memballoon>, <tpm>, <nvram>, <panic>, <shmem>, <memory> (not implemented yet)."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_leases(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.leases:
        raise NotImplementedError("<lease> formatting is not implemented")


def format_hubs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.hubs:
        raise NotImplementedError("<hub> formatting is not implemented")


def format_watchdog(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.watchdog is not None:
        raise NotImplementedError("<watchdog> formatting is not implemented")


def format_memballoon(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.memballoon is not None:
        raise NotImplementedError("<memballoon> formatting is not implemented")


def format_tpm(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.tpm is not None:
        raise NotImplementedError("<tpm> formatting is not implemented")


def format_nvram(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.nvram is not None:
        raise NotImplementedError("<nvram> formatting is not implemented")


def format_panics(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.panics:
        raise NotImplementedError("<panic> formatting is not implemented")


def format_shmems(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.shmems:
        raise NotImplementedError("<shmem> formatting is not implemented")


def format_memories(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    if dom.devices.memories:
        raise NotImplementedError("<memory> formatting is not implemented")
