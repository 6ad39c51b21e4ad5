"""Command line arguments for <serial>, <parallel>, <console>, <channel> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_serials(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.serials:
        raise NotImplementedError("<serial> on the command line is not implemented")


def build_parallels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.parallels:
        raise NotImplementedError("<parallel> on the command line is not implemented")


def build_consoles(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.consoles:
        raise NotImplementedError("<console> on the command line is not implemented")


def build_channels(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.channels:
        raise NotImplementedError("<channel> on the command line is not implemented")
