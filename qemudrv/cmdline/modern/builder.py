"""The order of libvirt 9.0's qemuBuildCommandLine."""

from __future__ import annotations

from ...caps import QemuCaps
from ...model.domain import Domain
from .. import general as legacy
from ..command import CommandLine
from . import (
    audio,
    blockdev,
    chardev,
    controller,
    disk,
    display,
    features,
    filesystem,
    general,
    graphics,
    hostdev,
    iommu,
    launch_security,
    memory,
    misc,
    misc_devices,
    net,
    tpm,
    vmgenid,
)


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
    blockdev.build_managed_pr_helper(cmd, dom, caps)
    general.build_pflash(cmd, dom, caps)
    general.build_fips(cmd, dom, caps)
    general.build_machine(cmd, dom, caps)
    general.build_accel(cmd, dom, caps)
    features.build_tseg(cmd, dom, caps)
    general.build_cpu(cmd, dom, caps)
    general.build_loader(cmd, dom, caps)
    general.build_memory(cmd, dom, caps)
    general.build_smp(cmd, dom, caps)
    misc.build_iothreads(cmd, dom, caps)
    general.build_numa(cmd, dom, caps)
    cmd.add("-uuid", dom.uuid or "")
    general.build_smbios(cmd, dom, caps)
    general.build_fw_cfg(cmd, dom, caps)
    vmgenid.build_vmgenid(cmd, dom, caps)
    general.build_display_and_defaults(cmd, dom, caps)
    general.build_monitor(cmd, dom, caps)
    general.build_clock(cmd, dom, caps)
    general.build_pm(cmd, dom, caps)
    general.build_boot(cmd, dom, caps)
    iommu.build_iommu(cmd, dom, caps)
    controller.build_global_controllers(cmd, dom)
    controller.build_controllers(cmd, dom, caps)
    memory.build_memory_devices(cmd, dom, caps)
    controller.build_hubs(cmd, dom, caps)
    controller.build_ccid_controllers(cmd, dom, caps)
    disk_images = disk.build_disks(cmd, dom, caps, disk.effective_boot_indexes(dom))
    filesystem.build_filesystems(cmd, dom, caps)
    net.build_interfaces(cmd, dom, caps)
    chardev.build_smartcards(cmd, dom, caps)
    chardev.build_serials(cmd, dom, caps)
    chardev.build_parallels(cmd, dom, caps)
    chardev.build_channels(cmd, dom, caps)
    chardev.build_consoles(cmd, dom, caps)
    tpm.build_tpms(cmd, dom, caps)
    display.build_inputs(cmd, dom, caps)
    audio.build_audio(cmd, dom)
    graphics.build_graphics(cmd, dom, caps)
    display.build_videos(cmd, dom, caps)
    display.build_sounds(cmd, dom, caps)
    misc.build_watchdog(cmd, dom, caps)
    chardev.build_redirdevs(cmd, dom, caps)
    # Host SCSI devices take node names after every disk image's.
    images = [image.index for chain in disk_images.values() for image in chain]
    hostdev.build_hostdevs(cmd, dom, caps, max(images, default=0) + 1)
    legacy.build_incoming(cmd, migrate_from, migrate_fd)
    misc.build_memballoon(cmd, dom, caps)
    misc.build_rngs(cmd, dom, caps)
    misc_devices.build_nvram(cmd, dom, caps)
    features.build_vmcoreinfo(cmd, dom, caps)
    launch_security.build_launch_security(cmd, dom, caps)
    legacy.build_qemu_passthrough(cmd, dom, caps)
    general.build_sandbox(cmd, dom, caps)
    misc_devices.build_panics(cmd, dom, caps)
    misc_devices.build_shmems(cmd, dom, caps)
    misc_devices.build_vsock(cmd, dom, caps)
    general.build_msg_timestamp(cmd, dom, caps)
    return cmd
