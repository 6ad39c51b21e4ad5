"""Command line arguments for <graphics> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_graphics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.graphics:
        raise NotImplementedError("<graphics> on the command line is not implemented")
