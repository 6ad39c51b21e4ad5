"""Command line arguments for <rng> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_rngs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.rngs:
        raise NotImplementedError("<rng> on the command line is not implemented")
