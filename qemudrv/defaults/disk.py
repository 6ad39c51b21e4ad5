"""Post-parse defaults of disks (qemuDomainDeviceDefPostParse, libvirt 1.3.1)
and the xml2argv storage translation hook."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, XMLError
from ..model.address import DriveAddress
from ..model.disk import Disk
from ..model.domain import Domain
from ..parse.disk_names import disk_name_to_index
from .storage import translate_pool_sources as _translate


def insert_disk_sorted(disks: list[Disk], disk: Disk) -> None:
    """virDomainDiskInsertPreAlloced: after the disks of the same bus whose
    target sorts before it, before those that sort after."""
    key = disk_name_to_index(disk.dst)
    insert_at = -1
    for pos in range(len(disks) - 1, -1, -1):
        cur = disks[pos]
        if cur.bus != disk.bus:
            continue
        if disk_name_to_index(cur.dst) > key:
            insert_at = pos
        elif insert_at == -1:
            insert_at = pos + 1
    if insert_at == -1:
        disks.append(disk)
    else:
        disks.insert(insert_at, disk)


def order_disks(dom: Domain) -> None:
    """The order insert_disk_sorted gives when inserting the disks one by one
    into an empty list, without its quadratic rescans: every insertion lands
    next to the disks of its own bus, so each bus forms one block (blocks in
    order of the bus's first disk), sorted stably by target index."""
    blocks: dict[str | None, list[Disk]] = {}
    for disk in dom.devices.disks:
        blocks.setdefault(disk.bus, []).append(disk)
    ordered: list[Disk] = []
    for disks in blocks.values():
        ordered.extend(sorted(disks, key=lambda d: disk_name_to_index(d.dst)))
    dom.devices.disks = ordered


def disk_post_parse(dom: Domain, caps: Any = None) -> None:
    """Disks in libvirt's order; without format probing, disks default to
    driver 'qemu' and, for files and block devices, format 'raw'."""
    order_disks(dom)
    probing = bool(caps.conf("allow_disk_format_probing", False)) if caps is not None else False
    modern = caps is not None and caps.libvirt_version >= (9, 0)
    if modern:
        _check_scsi_hostdev_conflicts(dom)
    for disk in dom.devices.disks:
        if disk.type != "network" and disk.src.protocol is None and disk.src.hosts:
            raise XMLError("<host> is only allowed for network disks")
        if probing:
            continue
        if not disk.driver_name:
            disk.driver_name = "qemu"
        # 9.0 gives every disk but a pool volume a format
        formatted = disk.type != "volume" if modern else disk.type in ("file", "block")
        if disk.src.format is None and formatted:
            disk.src.format = "raw"
        if disk.mirror is not None and disk.mirror.src.format is None:
            disk.mirror.src.format = "raw"
        if modern:
            _post_parse_modern(disk)
        if modern and disk.encryption is not None and disk.encryption.engine is None:
            # qemuDomainDeviceDiskDefPostParse: QEMU decrypts unless told otherwise
            disk.encryption.engine = "qemu"


def _check_scsi_hostdev_conflicts(dom: Domain) -> None:
    """virDomainDiskDefAssignAddress (libvirt 9.0): the address a SCSI disk
    takes from its target name must not be a SCSI host device's."""
    taken = [hd.info.address for hd in dom.devices.hostdevs
             if hd.type == "scsi" and isinstance(hd.info.address, DriveAddress)]
    for disk in dom.devices.disks:
        addr = disk.info.address
        if disk.bus == "scsi" and disk.address_from_target and addr in taken:
            assert isinstance(addr, DriveAddress)
            # libvirt's message misses the closing quote
            raise ConfigError(f"using disk target name '{disk.dst}' conflicts with SCSI host "
                              f"device address controller='{addr.controller}' bus='{addr.bus}' "
                              f"target='{addr.target}' unit='{addr.unit}")


def _post_parse_modern(disk: Disk) -> None:
    """virDomainDiskDefPostParse (libvirt 9.0): NVMe disks are managed unless
    told otherwise; vhost-user disks cannot be snapshotted."""
    nvme = disk.src.nvme
    if nvme is not None and nvme.managed is None:
        nvme.managed = True
    if disk.src.type == "vhostuser" and disk.snapshot is None:
        disk.snapshot = "no"


def translate_pool_sources(dom: Domain, caps: Any) -> None:
    _translate(dom, caps)
