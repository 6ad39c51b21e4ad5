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
    devices = dom.devices
    cmd = CommandLine(program=devices.emulator or "")
    if dom.qemu_cmdline is not None:
        for override in dom.qemu_cmdline.overrides:
            cmd.device_overrides.setdefault(override.alias, []).extend(
                (p.name, p.json) for p in override.frontend)
    general.build_env(cmd, dom, caps)
    general.build_name(cmd, dom, caps)
    general.build_master_key(cmd, dom, caps)
    # A device family's builder is called only when the domain has devices
    # of it: without any it writes nothing, and most domains have few.
    if devices.disks:
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
    if devices.controllers:
        controller.build_global_controllers(cmd, dom)
    # (-usb is written for a domain without any controller)
    controller.build_controllers(cmd, dom, caps)
    if devices.memories:
        memory.build_memory_devices(cmd, dom, caps)
    if devices.hubs:
        controller.build_hubs(cmd, dom, caps)
    if devices.controllers:
        controller.build_ccid_controllers(cmd, dom, caps)
    disk_images = disk.build_disks(cmd, dom, caps, disk.effective_boot_indexes(dom)) \
        if devices.disks else {}
    if devices.filesystems:
        filesystem.build_filesystems(cmd, dom, caps)
    if devices.interfaces:
        net.build_interfaces(cmd, dom, caps)
    if devices.smartcards:
        chardev.build_smartcards(cmd, dom, caps)
    if devices.serials:
        chardev.build_serials(cmd, dom, caps)
    if devices.parallels:
        chardev.build_parallels(cmd, dom, caps)
    if devices.channels:
        chardev.build_channels(cmd, dom, caps)
    if devices.consoles:
        chardev.build_consoles(cmd, dom, caps)
    if devices.tpms:
        tpm.build_tpms(cmd, dom, caps)
    if devices.inputs:
        display.build_inputs(cmd, dom, caps)
    if devices.audios:
        audio.build_audio(cmd, dom)
    if devices.graphics:
        graphics.build_graphics(cmd, dom, caps)
    if devices.videos:
        display.build_videos(cmd, dom, caps)
    if devices.sounds:
        display.build_sounds(cmd, dom, caps)
    misc.build_watchdog(cmd, dom, caps)
    if devices.redirdevs:
        chardev.build_redirdevs(cmd, dom, caps)
    if devices.hostdevs:
        # Host SCSI devices take node names after every disk image's.
        images = [image.index for chain in disk_images.values() for image in chain]
        hostdev.build_hostdevs(cmd, dom, caps, max(images, default=0) + 1)
    legacy.build_incoming(cmd, migrate_from, migrate_fd)
    misc.build_memballoon(cmd, dom, caps)
    if devices.rngs:
        misc.build_rngs(cmd, dom, caps)
    misc_devices.build_nvram(cmd, dom, caps)
    features.build_vmcoreinfo(cmd, dom, caps)
    launch_security.build_launch_security(cmd, dom, caps)
    legacy.build_qemu_passthrough(cmd, dom, caps)
    general.build_sandbox(cmd, dom, caps)
    if devices.panics:
        misc_devices.build_panics(cmd, dom, caps)
    if devices.shmems:
        misc_devices.build_shmems(cmd, dom, caps)
    misc_devices.build_vsock(cmd, dom, caps)
    general.build_msg_timestamp(cmd, dom, caps)
    return cmd
