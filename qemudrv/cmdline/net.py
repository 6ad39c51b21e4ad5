"""Command line arguments for <interface> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_interfaces(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.interfaces:
        raise NotImplementedError("<interface> on the command line is not implemented")
