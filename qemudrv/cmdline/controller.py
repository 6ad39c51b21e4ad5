"""Command line arguments for <controller> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.controllers:
        raise NotImplementedError("<controller> on the command line is not implemented")
