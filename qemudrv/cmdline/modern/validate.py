"""The checks libvirt 9.0 makes of a definition before building its command
line (qemu_validate.c, domain_validate.c), with libvirt's messages.

They raise ConfigError: libvirt makes them when the definition is parsed, so
its test programs see a parse error.
"""

from __future__ import annotations

import re

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import DriveAddress, PCIAddress, USBAddress
from ...model.disk import Disk
from ...model.domain import Domain
from ...validate_modern import (
    check_disk_addresses_against_hostdevs,
    check_scsi_hostdev_addresses,
    validate_devices,
    validate_domain_internal,
    validate_hostdevs,
    validate_qemu_domain,
)
from .cpu import validate_cpu
from .features import validate_features
from .filesystem import validate_filesystem
from .firmware import validate_os
from .hostdev import validate_hostdevs as validate_hostdev_devices
from .iommu import validate_iommu
from .iothreads_validate import validate_iothreads
from .launch_security import validate_launch_security
from .memory_validate import validate_memory
from .misc_devices import validate_misc_devices
from .net_validate import validate_nets
from .tpm import validate_tpms
from .validate_controller import validate_controllers
from .validate_display import validate_display
from .validate_general import validate_general
from .vmgenid import validate_vmgenid

# qemuDomainValidateStorageSource: formats QEMU cannot open as such.
_UNSUPPORTED_FORMATS = {
    "cow": "'cow' storage format is not supported",
    "dir": "'directory' storage format is not directly supported by QEMU, "
           "use 'dir' disk type instead",
    "iso": "storage format 'iso' is not directly supported by QEMU, use 'raw' instead",
}

# A target name ending in a digit names a partition (virDiskNameParse).
_PARTITION = re.compile(r"^[a-z]+\d+$")


def _check_disk(disk: Disk) -> None:
    fmt = disk.src.format
    if fmt in _UNSUPPORTED_FORMATS:
        raise ConfigError(_UNSUPPORTED_FORMATS[fmt])
    if disk.device == "lun" and disk.src.type not in ("block", "network", "volume"):
        raise ConfigError("disk device='lun' is only valid for block type disk source")
    if _PARTITION.match(disk.dst):
        raise ConfigError(f"invalid disk target '{disk.dst}', "
                          "partitions can't appear in disk targets")
    if (disk.vendor or disk.product) and disk.bus != "scsi":
        raise ConfigError("Only scsi disk supports vendor and product")
    if disk.bus == "usb" and disk.info.address is not None \
            and not isinstance(disk.info.address, USBAddress):
        raise ConfigError("unexpected address type for usb disk", code="internal error")
    addr = disk.info.address
    if isinstance(addr, PCIAddress) and disk.bus in ("ide", "fdc", "sata", "scsi"):
        raise ConfigError(f"Invalid address type 'pci' for the disk '{disk.dst}' "
                          f"with the bus type '{disk.bus}'")
    if (disk.shared and not disk.readonly and disk.src.type != "network"
            and (fmt or "raw") != "raw"):
        raise ConfigError(f"shared access for disk '{disk.dst}' requires use of "
                          "supported storage format")


def _check_disk_targets(dom: Domain) -> None:
    """virDomainDefDuplicateDiskInfoValidate: one disk per target name."""
    seen: dict[str, Disk] = {}
    for disk in dom.devices.disks:
        first = seen.setdefault(disk.dst, disk)
        if first is not disk:
            raise ConfigError(f"target '{disk.dst}' duplicated for disk sources "
                              f"'{first.src.path or ''}' and '{disk.src.path or ''}'",
                              code="XML error")


def _check_drive_addresses(dom: Domain) -> None:
    """virDomainDefDuplicateDriveAddressesValidate: one disk per drive address."""
    drives: dict[tuple[str, int, int, int, int], Disk] = {}
    for disk in dom.devices.disks:
        addr = disk.info.address
        if not isinstance(addr, DriveAddress):
            continue
        key = (disk.bus or "", addr.controller, addr.bus, addr.target, addr.unit)
        if key in drives:
            # libvirt names the first of the two disks.
            raise ConfigError(
                f"Found duplicate drive address for disk with target name "
                f"'{drives[key].dst}' "
                f"controller='{addr.controller}' bus='{addr.bus}' target='{addr.target}' "
                f"unit='{addr.unit}'")
        drives[key] = disk


def validate(dom: Domain, caps: QemuCaps) -> None:
    """virDomainDefValidate's stages in libvirt's order (the first check
    belongs to post-parse, which assigned the disks' drive addresses):
    the domain (qemuValidateDomainDef), each device
    (qemuValidateDomainDeviceDef), then virDomainDefValidateInternal."""
    check_disk_addresses_against_hostdevs(dom)
    validate_qemu_domain(dom, caps)
    validate_general(dom, caps)
    validate_vmgenid(dom, caps)
    validate_launch_security(dom, caps)
    validate_features(dom, caps)
    validate_cpu(dom, caps)
    validate_memory(dom, caps)
    validate_iothreads(dom, caps)
    validate_iommu(dom, caps)
    for disk in dom.devices.disks:
        _check_disk(disk)
    # Controllers come before the character devices in libvirt's device order.
    validate_controllers(dom, caps)
    validate_devices(dom, caps)
    validate_display(dom, caps)
    validate_misc_devices(dom, caps)
    validate_nets(dom, caps)
    validate_hostdev_devices(dom, caps)
    validate_tpms(dom, caps)
    for fs in dom.devices.filesystems:
        validate_filesystem(fs, caps)
    _check_disk_targets(dom)
    validate_hostdevs(dom)
    _check_drive_addresses(dom)
    check_scsi_hostdev_addresses(dom)
    validate_domain_internal(dom, caps)
    validate_os(dom)
