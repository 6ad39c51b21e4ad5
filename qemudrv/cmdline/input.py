"""Command line arguments for <input> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_inputs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.inputs:
        raise NotImplementedError("<input> on the command line is not implemented")
