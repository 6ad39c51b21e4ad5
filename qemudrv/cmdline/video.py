"""Command line arguments for <video> (not implemented yet)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..model.domain import Domain
from .command import CommandLine


def build_videos(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.devices.videos:
        raise NotImplementedError("<video> on the command line is not implemented")
