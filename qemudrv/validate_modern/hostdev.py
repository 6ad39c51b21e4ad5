"""virDomainDefHostdevValidate and the SCSI drive-address checks between
host devices and disks (domain_validate.c, virDomainDiskDefAssignAddress)."""

from __future__ import annotations

from ..errors import ConfigError
from ..model.address import DriveAddress
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from ..parse.disk_names import disk_name_to_index, drive_address_for


def _source_key(dev: Hostdev) -> tuple[object, ...]:
    """What virDomainHostdevMatch compares: the host-side source."""
    if dev.mode != "subsystem":
        return (dev.mode, dev.type, dev.caps_source)
    if dev.type == "pci":
        return (dev.type, dev.domain, dev.bus, dev.slot, dev.function)
    if dev.type == "usb":
        # By bus location on the host when given, else by vendor and product.
        if dev.bus and dev.device:
            return (dev.type, "location", dev.bus, dev.device)
        return (dev.type, "id", dev.vendor, dev.product)
    if dev.type == "scsi" and dev.protocol == "iscsi":
        host = dev.iscsi_hosts[0] if dev.iscsi_hosts else None
        return (dev.type, dev.protocol, host and host.name, host and host.port, dev.iscsi_path)
    if dev.type == "scsi":
        return (dev.type, dev.protocol, dev.adapter, dev.bus, dev.target, dev.unit)
    if dev.type == "scsi_host":
        return (dev.type, dev.wwpn)
    if dev.type == "mdev":
        return (dev.type, dev.mdev_uuid)
    return (dev.type, id(dev))  # a type without a comparable source matches nothing


def validate_hostdevs(dom: Domain) -> None:
    """No host device assigned twice, and only one vGPU with a ramfb."""
    hostdevs = dom.devices.hostdevs
    keys = [_source_key(dev) for dev in hostdevs]
    ramfb = False
    for i, key in enumerate(keys):
        if key in keys[i + 1:]:
            raise ConfigError("Hostdev already exists in the domain configuration",
                              code="XML error")
        dev = hostdevs[i]
        if dev.type == "mdev" and dev.ramfb:
            if ramfb:
                raise ConfigError("Only one vgpu device can have 'ramfb' enabled")
            ramfb = True


def _scsi_drive_address(dev: Hostdev) -> DriveAddress | None:
    addr = dev.info.address
    if dev.type == "scsi" and dev.mode == "subsystem" and isinstance(addr, DriveAddress):
        return addr
    return None


def check_disk_addresses_against_hostdevs(dom: Domain) -> None:
    """virDomainDiskDefAssignAddress (post-parse): a SCSI disk's default
    drive address, the one its target name implies, may not be a SCSI host
    device's."""
    if not dom.devices.hostdevs:
        return
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


def check_scsi_hostdev_addresses(dom: Domain) -> None:
    """virDomainDefDuplicateDriveAddressesValidate's host device part.

    libvirt prints the bus as the controller and the controller as the bus;
    the messages keep that.
    """
    scsi = [(dev, a) for dev in dom.devices.hostdevs
            if (a := _scsi_drive_address(dev)) is not None]
    disks = {
        (d.info.address.controller, d.info.address.bus, d.info.address.target,
         d.info.address.unit)
        for d in dom.devices.disks
        if d.bus == "scsi" and isinstance(d.info.address, DriveAddress)
    }
    for i, (_, addr) in enumerate(scsi):
        where = (f"controller='{addr.bus}' bus='{addr.controller}' target='{addr.target}' "
                 f"unit='{addr.unit}'")
        key = (addr.controller, addr.bus, addr.target, addr.unit)
        if any((o.controller, o.bus, o.target, o.unit) == key for _, o in scsi[i + 1:]):
            raise ConfigError(f"SCSI host address {where} in use by another SCSI host device")
        if key in disks:
            raise ConfigError(f"SCSI host address {where} in use by another SCSI disk")
