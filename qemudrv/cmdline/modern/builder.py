"""The order of libvirt 9.0's qemuBuildCommandLine."""

from __future__ import annotations

from ...caps import QemuCaps
from ...model.domain import Domain
from .. import general as legacy
from ..command import CommandLine
from . import chardev, controller, disk, display, general, misc, net, platform


def build_command_line(
    dom: Domain,
    caps: QemuCaps,
    *,
    migrate_from: str | None = None,
    migrate_fd: int | None = None,
) -> CommandLine:
    cmd = CommandLine(program=dom.devices.emulator or "")
    general.build_env(cmd, dom, caps)
    general.build_name(cmd, dom, caps)
    general.build_master_key(cmd, dom, caps)
    general.build_pflash(cmd, dom, caps)
    general.build_machine(cmd, dom, caps)
    general.build_accel(cmd, dom, caps)
    general.build_cpu(cmd, dom, caps)
    general.build_loader(cmd, dom, caps)
    general.build_memory(cmd, dom, caps)
    general.build_smp(cmd, dom, caps)
    misc.build_iothreads(cmd, dom, caps)
    general.build_numa(cmd, dom, caps)
    cmd.add("-uuid", dom.uuid or "")
    general.build_smbios(cmd, dom, caps)
    general.build_fw_cfg(cmd, dom, caps)
    general.build_display_and_defaults(cmd, dom, caps)
    general.build_monitor(cmd, dom, caps)
    general.build_clock(cmd, dom, caps)
    general.build_pm(cmd, dom, caps)
    general.build_boot(cmd, dom, caps)
    controller.build_global_controllers(cmd, dom)
    controller.build_controllers(cmd, dom, caps)
    controller.build_hubs(cmd, dom, caps)
    controller.build_ccid_controllers(cmd, dom, caps)
    disk.build_disks(cmd, dom, caps, disk.effective_boot_indexes(dom))
    misc.build_filesystems(cmd, dom, caps)
    net.build_interfaces(cmd, dom, caps)
    chardev.build_serials(cmd, dom, caps)
    chardev.build_parallels(cmd, dom, caps)
    chardev.build_channels(cmd, dom, caps)
    chardev.build_consoles(cmd, dom, caps)
    display.build_inputs(cmd, dom, caps)
    general.build_audio(cmd, dom, caps)
    display.build_graphics(cmd, dom, caps)
    display.build_videos(cmd, dom, caps)
    display.build_sounds(cmd, dom, caps)
    misc.build_watchdog(cmd, dom, caps)
    legacy.build_incoming(cmd, migrate_from, migrate_fd)
    misc.build_memballoon(cmd, dom, caps)
    misc.build_rngs(cmd, dom, caps)
    platform.build_nvram(cmd, dom)
    legacy.build_qemu_passthrough(cmd, dom, caps)
    general.build_sandbox(cmd, dom, caps)
    general.build_msg_timestamp(cmd, dom, caps)
    return cmd
