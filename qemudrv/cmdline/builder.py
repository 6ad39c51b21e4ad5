"""The order of the QEMU command line (libvirt's qemuBuildCommandLine).

Each family module adds its own arguments; this module only decides when.
"""

from __future__ import annotations

from collections.abc import Callable

from ..caps import QemuCaps
from ..model.domain import Domain
from . import (
    chardev,
    controller,
    disk,
    filesystem,
    graphics,
    hostdev,
    input,
    misc,
    net,
    redirdev,
    rng,
    smartcard,
    sound,
    video,
)
from .command import CommandLine

Builder = Callable[[CommandLine, Domain, QemuCaps], None]

DEVICE_ORDER: list[Builder] = [
    controller.build_controllers,
    disk.build_disks,
    filesystem.build_filesystems,
    net.build_interfaces,
    smartcard.build_smartcards,
    chardev.build_serials,
    chardev.build_parallels,
    chardev.build_channels,
    chardev.build_consoles,
    misc.build_tpm,
    input.build_inputs,
    graphics.build_graphics,
    video.build_videos,
    sound.build_sounds,
    misc.build_watchdog,
    redirdev.build_redirdevs,
    hostdev.build_hostdevs,
    misc.build_memballoon,
    rng.build_rngs,
    misc.build_nvram,
    misc.build_panics,
    misc.build_shmems,
]


def build_command_line(
    dom: Domain,
    caps: QemuCaps,
    *,
    migrate_from: str | None = None,
    migrate_fd: int | None = None,
) -> CommandLine:
    cmd = CommandLine(program=dom.devices.emulator or "")
    cmd.add("-name", dom.name)
    for builder in DEVICE_ORDER:
        builder(cmd, dom, caps)
    return cmd
