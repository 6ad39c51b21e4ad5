"""Disk target names and the drive addresses they imply
(virDiskNameToIndex, virDomainDiskDefAssignAddress)."""

from __future__ import annotations

import functools

from ..errors import XMLError
from ..limits import INT_MAX
from ..model.address import DriveAddress
from ..model.disk import Disk

_NAME_PREFIXES = ("fd", "hd", "vd", "sd", "xvd", "ubd")


@functools.lru_cache(maxsize=1024)
def disk_name_to_index(name: str) -> int:
    """virDiskNameToIndex: 'hda' -> 0, 'sdz' -> 25, 'sdaa' -> 26; -1 if invalid."""
    for prefix in _NAME_PREFIXES:
        if name.startswith(prefix):
            rest = name[len(prefix):]
            break
    else:
        return -1
    idx = 0
    count = 0
    for ch in rest:
        if not "a" <= ch <= "z":
            break
        idx = (idx + (count > 0)) * 26 + ord(ch) - ord("a")
        if idx > INT_MAX:  # an index must fit an int, as in later libvirt
            return -1
        count += 1
    tail = rest[count:]
    if tail and not tail.isdigit():
        return -1
    return idx


def assign_drive_address(disk: Disk) -> None:
    """virDomainDiskDefAssignAddress: the default drive address from the
    target name."""
    idx = disk_name_to_index(disk.dst)
    if idx < 0:
        raise XMLError(f"Unknown disk name '{disk.dst}' and no address specified")
    address = drive_address_for(disk.bus, idx)
    if address is not None:
        disk.info.address = address


def drive_address_for(bus: str | None, idx: int) -> DriveAddress | None:
    """The drive address of the disk with target index ``idx`` on ``bus``
    (QEMU has narrow SCSI buses: 7 units per bus); None for other buses."""
    if bus == "scsi":
        return DriveAddress(idx // 7, 0, 0, idx % 7)
    if bus == "ide":
        return DriveAddress(idx // 4, (idx % 4) // 2, 0, idx % 2)
    if bus == "sata":
        return DriveAddress(idx // 6, 0, 0, idx % 6)
    if bus == "fdc":
        return DriveAddress(idx // 2, 0, 0, idx % 2)
    return None
