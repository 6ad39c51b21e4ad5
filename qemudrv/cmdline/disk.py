"""Command line arguments for <disk> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_disks(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.disks:
        raise NotImplementedError("<disk> on the command line is not implemented")
