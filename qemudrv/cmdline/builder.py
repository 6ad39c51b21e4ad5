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

# The device families, in the order of libvirt 1.3.1's qemuBuildCommandLine,
# each with the Devices list it writes: the builder is skipped for a domain
# without such devices, which it would write nothing for. None: always called
# (without devices these write -usb, -net none, -serial none, ...).
DEVICE_ORDER: list[tuple[str | None, Builder]] = [
    (None, controller.build_controllers),
    (None, disk.build_disks),
    ("filesystems", filesystem.build_filesystems),
    (None, net.build_interfaces),
    ("smartcards", smartcard.build_smartcards),
    (None, chardev.build_serials),
    (None, chardev.build_parallels),
    ("channels", chardev.build_channels),
    ("consoles", chardev.build_consoles),
    ("tpms", misc.build_tpm),
    ("hubs", misc.build_hubs),
    ("inputs", input.build_inputs),
    ("graphics", graphics.build_graphics),
    (None, video.build_videos),
    ("sounds", sound.build_sounds),
    (None, misc.build_watchdog),
    ("redirdevs", redirdev.build_redirdevs),
    ("hostdevs", hostdev.build_hostdevs),
]

# After the incoming migration URI.
LATE_DEVICE_ORDER: list[tuple[str | None, Builder]] = [
    (None, misc.build_memballoon),
    ("rngs", rng.build_rngs),
    (None, misc.build_nvram),
]

# After the seccomp sandbox.
TAIL_DEVICE_ORDER: list[tuple[str | None, Builder]] = [
    ("panics", misc.build_panics),
    ("shmems", misc.build_shmems),
]


def _build_devices(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                   order: list[tuple[str | None, Builder]]) -> None:
    devices = dom.devices
    for family, builder in order:
        if family is None or getattr(devices, family):
            builder(cmd, dom, caps)


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
    _build_devices(cmd, dom, caps, DEVICE_ORDER)
    general.build_incoming(cmd, migrate_from, migrate_fd)
    _build_devices(cmd, dom, caps, LATE_DEVICE_ORDER)
    general.build_sandbox(cmd, dom, caps)
    _build_devices(cmd, dom, caps, TAIL_DEVICE_ORDER)
    general.build_msg_timestamp(cmd, dom, caps)
    general.build_qemu_passthrough(cmd, dom, caps)
    return cmd
