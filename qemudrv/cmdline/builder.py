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
    general,
    general_cpu,
    general_memory,
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
from .modern import builder as modern_builder
from .modern import is_modern

Builder = Callable[[CommandLine, Domain, QemuCaps], None]

# The device families, in the order of libvirt 1.3.1's qemuBuildCommandLine.
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
    misc.build_hubs,
    input.build_inputs,
    graphics.build_graphics,
    video.build_videos,
    sound.build_sounds,
    misc.build_watchdog,
    redirdev.build_redirdevs,
    hostdev.build_hostdevs,
]

# After the incoming migration URI.
LATE_DEVICE_ORDER: list[Builder] = [
    misc.build_memballoon,
    rng.build_rngs,
    misc.build_nvram,
]

# After the seccomp sandbox.
TAIL_DEVICE_ORDER: list[Builder] = [
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
    if is_modern(caps):
        return modern_builder.build_command_line(
            dom, caps, migrate_from=migrate_from, migrate_fd=migrate_fd
        )
    cmd = CommandLine(program=dom.devices.emulator or "")
    general.build_env(cmd, dom, caps)
    general.build_name(cmd, dom, caps)
    general.build_machine(cmd, dom, caps)
    general_cpu.build_cpu(cmd, dom, caps, migrating=bool(migrate_from))
    general.build_loader(cmd, dom, caps)
    general_memory.build_memory(cmd, dom, caps)
    general.build_smp(cmd, dom, caps)
    general.build_iothreads(cmd, dom, caps)
    general_memory.build_numa(cmd, dom, caps)
    # Memory modules need NUMA; their backends follow the nodes'.
    if dom.devices.memories:
        misc.build_memories(cmd, dom, caps)
    cmd.add("-uuid", dom.uuid or "")
    general.build_smbios(cmd, dom, caps)
    general.build_nographic(cmd, dom, caps)
    general.build_defaults(cmd, dom, caps)
    general.build_monitor(cmd, dom, caps)
    general.build_clock(cmd, dom, caps)
    general.build_lifecycle(cmd, dom, caps)
    general.build_boot(cmd, dom, caps)
    for builder in DEVICE_ORDER:
        builder(cmd, dom, caps)
    general.build_incoming(cmd, migrate_from, migrate_fd)
    for builder in LATE_DEVICE_ORDER:
        builder(cmd, dom, caps)
    general.build_sandbox(cmd, dom, caps)
    for builder in TAIL_DEVICE_ORDER:
        builder(cmd, dom, caps)
    general.build_msg_timestamp(cmd, dom, caps)
    general.build_qemu_passthrough(cmd, dom, caps)
    return cmd
