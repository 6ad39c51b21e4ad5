"""Command line arguments for <lease>, <hub>, <watchdog>, <memballoon>, <tpm>, <nvram>, <panic>, <shmem>, <memory> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_leases(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.leases:
        raise NotImplementedError("<lease> on the command line is not implemented")


def build_hubs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.hubs:
        raise NotImplementedError("<hub> on the command line is not implemented")


def build_watchdog(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.watchdog is not None:
        raise NotImplementedError("<watchdog> on the command line is not implemented")


def build_memballoon(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.memballoon is not None:
        raise NotImplementedError("<memballoon> on the command line is not implemented")


def build_tpm(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.tpm is not None:
        raise NotImplementedError("<tpm> on the command line is not implemented")


def build_nvram(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.nvram is not None:
        raise NotImplementedError("<nvram> on the command line is not implemented")


def build_panics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.panics:
        raise NotImplementedError("<panic> on the command line is not implemented")


def build_shmems(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.shmems:
        raise NotImplementedError("<shmem> on the command line is not implemented")


def build_memories(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.memories:
        raise NotImplementedError("<memory> on the command line is not implemented")
