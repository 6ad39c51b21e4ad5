"""Command line arguments for <filesystem> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_filesystems(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.filesystems:
        raise NotImplementedError("<filesystem> on the command line is not implemented")
