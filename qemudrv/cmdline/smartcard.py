"""Command line arguments for <smartcard> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_smartcards(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.smartcards:
        raise NotImplementedError("<smartcard> on the command line is not implemented")
