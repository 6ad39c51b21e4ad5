"""virDomainDiskDefAssignAddress's check (post-parse) that a SCSI disk's
default drive address is not a SCSI host device's."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.address import DriveAddress
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from ..parse.disk import disk_name_to_index, drive_address_for


def _scsi_drive_address(dev: Hostdev) -> DriveAddress | None:
    addr = dev.info.address
    if dev.type == "scsi" and dev.mode == "subsystem" and isinstance(addr, DriveAddress):
        return addr
    return None


def check_disk_addresses_against_hostdevs(dom: Domain, caps: QemuCaps) -> None:
    """virDomainDiskDefAssignAddress (post-parse): a SCSI disk's default
    drive address, the one its target name implies, may not be a SCSI host
    device's."""
    taken = {
        (a.controller, a.bus, a.target, a.unit)
        for a in map(_scsi_drive_address, dom.devices.hostdevs) if a is not None
    }
    if not taken:
        return
    for disk in dom.devices.disks:
        if disk.bus != "scsi":
            continue
        auto = drive_address_for("scsi", disk_name_to_index(disk.dst))
        addr = disk.info.address
        if auto is None or addr != auto:
            continue
        if (auto.controller, auto.bus, auto.target, auto.unit) in taken:
            raise ConfigError(
                f"using disk target name '{disk.dst}' conflicts with SCSI host device "
                f"address controller='{auto.controller}' bus='0' target='0' "
                f"unit='{auto.unit}")
