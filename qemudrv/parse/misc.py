"""Parsing of <lease>, <hub>, <watchdog>, <memballoon>, <tpm>, <nvram>, <panic>, <shmem>, <memory> (not implemented yet)."""

from __future__ import annotations

from ..model.misc import Hub, Lease, Memballoon, MemoryDevice, NVRAM, Panic, Shmem, TPM, Watchdog
from ..xmlreader import Element
from .context import ParseContext


def parse_lease(el: Element, ctx: ParseContext) -> Lease:
    raise NotImplementedError("<lease> parsing is not implemented")


def parse_hub(el: Element, ctx: ParseContext) -> Hub:
    raise NotImplementedError("<hub> parsing is not implemented")


def parse_watchdog(el: Element, ctx: ParseContext) -> Watchdog:
    raise NotImplementedError("<watchdog> parsing is not implemented")


def parse_memballoon(el: Element, ctx: ParseContext) -> Memballoon:
    raise NotImplementedError("<memballoon> parsing is not implemented")


def parse_tpm(el: Element, ctx: ParseContext) -> TPM:
    raise NotImplementedError("<tpm> parsing is not implemented")


def parse_nvram(el: Element, ctx: ParseContext) -> NVRAM:
    raise NotImplementedError("<nvram> parsing is not implemented")


def parse_panic(el: Element, ctx: ParseContext) -> Panic:
    raise NotImplementedError("<panic> parsing is not implemented")


def parse_shmem(el: Element, ctx: ParseContext) -> Shmem:
    raise NotImplementedError("<shmem> parsing is not implemented")


def parse_memory(el: Element, ctx: ParseContext) -> MemoryDevice:
    raise NotImplementedError("<memory> parsing is not implemented")
