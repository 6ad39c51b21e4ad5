"""Command line arguments for <redirdev>, <redirfilter> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_redirdevs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.redirdevs:
        raise NotImplementedError("<redirdev> on the command line is not implemented")


def build_redirfilter(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.redirfilter is not None:
        raise NotImplementedError("<redirfilter> on the command line is not implemented")
