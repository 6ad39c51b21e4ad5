"""Command line arguments for <hostdev> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_hostdevs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.hostdevs:
        raise NotImplementedError("<hostdev> on the command line is not implemented")
