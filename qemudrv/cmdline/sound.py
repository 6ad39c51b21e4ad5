"""Command line arguments for <sound> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_sounds(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.sounds:
        raise NotImplementedError("<sound> on the command line is not implemented")
