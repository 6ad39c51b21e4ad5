"""Defaults of host devices (libvirt 1.3.1).

``hostdev_post_parse``: SCSI host devices without an address get the first
free unit (virDomainHostdevAssignAddress, done while parsing in libvirt,
so only devices before it count, and the SCSI controllers they use are
added as each is read). ``set_default_backend``: the test
program's rule that a PCI device without a driver name uses the backend
named by ``[config] hostdev_pci_backend_default`` (or the host set's
``hostdev_pci_backend``).
"""

from __future__ import annotations

from typing import Any

from ..errors import XMLError
from ..limits import check_controller_index
from ..model.address import DriveAddress
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from ..validate_modern.hostdev import check_disk_addresses_against_hostdevs
from .controllers import (
    add_controllers_up_to,
    find_controller,
    maybe_add_controller,
)

# narrow SCSI bus: units 0-7, the controller itself sits on unit 7
_SCSI_MAX_UNIT = 8
_SCSI_CONTROLLER_UNIT = 7


def _is_scsi(hd: Hostdev) -> bool:
    return hd.mode == "subsystem" and hd.type == "scsi"


class _ScsiUnits:
    """The SCSI units taken so far, for hostdevs read one after another:
    those of SCSI disks and of the SCSI hostdevs before the current one.
    Units are never freed, so a controller found full stays full."""

    def __init__(self, dom: Domain) -> None:
        self.dom = dom
        self.used = {
            (a.controller, a.bus, a.target, a.unit)
            for d in dom.devices.disks
            if d.bus == "scsi" and isinstance(a := d.info.address, DriveAddress)
        }
        self.full: set[int] = set()

    def take(self, addr: DriveAddress) -> None:
        self.used.add((addr.controller, addr.bus, addr.target, addr.unit))

    def first_free(self) -> DriveAddress:
        """First free unit of the first SCSI controller with room (the
        controllers present now); when all are full, unit 0 of a
        controller numbered after them (added next)."""
        indexes = sorted({c.index for c in self.dom.devices.controllers if c.type == "scsi"})
        for index in indexes:
            if index in self.full:
                continue
            for unit in range(_SCSI_MAX_UNIT):
                if unit != _SCSI_CONTROLLER_UNIT and (index, 0, 0, unit) not in self.used:
                    return DriveAddress(index, 0, 0, unit)
            self.full.add(index)
        return DriveAddress(len(indexes), 0, 0, 0)


def wants_pci_slot(hd: Hostdev) -> bool:
    """qemuDomainAssignDevicePCISlots: PCI devices, vfio-pci mediated
    devices and vhost-scsi targets sit on a PCI slot."""
    if hd.mode != "subsystem":
        return False
    if hd.type == "mdev":
        return hd.mdev_model == "vfio-pci"
    return hd.type in ("pci", "scsi_host")


def usb_disabled(dom: Domain) -> bool:
    return any(c.type == "usb" and c.model == "none" for c in dom.devices.controllers)


# the address type a mediated device of each model sits on
_MDEV_ADDRESS_TYPES = {"vfio-pci": "pci", "vfio-ccw": "ccw"}


def _check_mdev_address(hd: Hostdev) -> None:
    """virDomainHostdevDefPostParse: a vfio-pci device on PCI, a vfio-ccw
    device on CCW."""
    addr = hd.info.address
    wanted = _MDEV_ADDRESS_TYPES.get(hd.mdev_model or "")
    if addr is not None and wanted is not None and addr.type != wanted:
        raise XMLError(f"Unsupported address type '{addr.type}' with mediated device "
                       f"model '{hd.mdev_model}'")


def _check_disk_conflict(dom: Domain, addr: object) -> None:
    """libvirt 9.0 refuses a given address a SCSI disk has."""
    if not isinstance(addr, DriveAddress):
        return
    for disk in dom.devices.disks:
        if disk.bus == "scsi" and disk.info.address == addr:
            raise XMLError(f"SCSI host address controller='{addr.controller}' bus='{addr.bus}' "
                           f"target='{addr.target}' unit='{addr.unit}' in use by a SCSI disk")


def hostdev_post_parse(dom: Domain, caps: Any = None) -> None:
    hostdevs = dom.devices.hostdevs
    if not hostdevs:
        return  # (every check below is about a host device)
    if usb_disabled(dom) and any(
        hd.mode == "subsystem" and hd.type == "usb" and hd.parent is None for hd in hostdevs
    ):
        raise XMLError("Can't add host USB device: USB is disabled in this host")
    if dom.modern:
        # the disks' post-parse, which libvirt runs first, refuses a default
        # drive address a SCSI host device has
        check_disk_addresses_against_hostdevs(dom)
    units = _ScsiUnits(dom)
    highest, model = -1, None
    for hd in hostdevs:
        if dom.modern and hd.mode == "subsystem" and hd.type == "mdev":
            _check_mdev_address(hd)
        if not _is_scsi(hd):
            continue
        if dom.modern and hd.protocol == "iscsi" and "/" not in (hd.iscsi_path or ""):
            # virDomainPostParseCheckISCSIPath: LUN 0 unless the path names one
            hd.iscsi_path = f"{hd.iscsi_path}/0"
        if hd.info.address is None:
            hd.info.address = units.first_free()
        elif dom.modern:
            _check_disk_conflict(dom, hd.info.address)
        # the controllers up to this device's are there for the next one
        # (virDomainDefMaybeAddHostdevSCSIcontroller, run per device)
        addr = hd.info.address
        if not isinstance(addr, DriveAddress):
            continue
        units.take(addr)
        if not dom.modern:
            add_controllers_up_to(dom, "scsi", addr.controller, "a SCSI host device")
        elif addr.controller > highest:
            # libvirt 9.0 gives added controllers the model of the one the
            # device with the highest controller index so far sits on
            highest = addr.controller
            cont = find_controller(dom, "scsi", addr.controller)
            model = cont.model if cont is not None and cont.model else model
            check_controller_index("scsi", highest, "a SCSI host device")
            for index in range(highest + 1):
                maybe_add_controller(dom, "scsi", index, model)


def mdev_post_parse(dom: Domain, caps: Any) -> None:
    """qemuDomainHostdevDefMdevPostParse (libvirt 9.0): a vfio-pci mediated
    device's display is off unless asked for, where QEMU has the switch."""
    if not caps.has("vfio-pci.display"):
        return
    for hd in dom.devices.hostdevs:
        if hd.type == "mdev" and hd.mdev_model == "vfio-pci" and hd.display is None:
            hd.display = False


def set_default_backend(dom: Domain, caps: Any) -> None:
    backend = caps.conf("hostdev_pci_backend_default") or caps.host.get("hostdev_pci_backend")
    if not backend:
        return
    for hd in dom.devices.hostdevs:
        if hd.mode == "subsystem" and hd.type == "pci" and hd.backend == "default":
            hd.backend = str(backend)
