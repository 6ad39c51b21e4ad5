"""Defaults of host devices (libvirt 1.3.1).

``hostdev_post_parse``: SCSI host devices without an address get the first
free unit (virDomainHostdevAssignAddress, done while parsing in libvirt,
so only devices before it count, and the SCSI controllers they use are
added as each is read). ``set_default_backend``: the test
program's rule that a PCI device without a driver name uses the backend
named by ``[config] hostdev_pci_backend_default``.
"""

from __future__ import annotations

from typing import Any

from ..errors import XMLError
from ..model.address import DriveAddress
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from .controllers import add_controllers_up_to

# narrow SCSI bus: units 0-7, the controller itself sits on unit 7
_SCSI_MAX_UNIT = 8
_SCSI_CONTROLLER_UNIT = 7


def _is_scsi(hd: Hostdev) -> bool:
    return hd.mode == "subsystem" and hd.type == "scsi"


def _unit_used(dom: Domain, before: list[Hostdev], controller: int, unit: int) -> bool:
    if unit == _SCSI_CONTROLLER_UNIT:
        return True
    want = (controller, 0, 0, unit)
    infos = [d.info for d in dom.devices.disks if d.bus == "scsi"]
    infos += [hd.info for hd in before if _is_scsi(hd)]
    return any(
        isinstance(i.address, DriveAddress)
        and (i.address.controller, i.address.bus, i.address.target, i.address.unit) == want
        for i in infos
    )


def _scsi_controller_indexes(dom: Domain, before: list[Hostdev]) -> list[int]:
    """The SCSI controllers present when a hostdev is parsed: the explicit
    ones plus those virDomainDefMaybeAddHostdevSCSIcontroller added after
    each earlier SCSI hostdev (indexes 0..highest used)."""
    indexes = {c.index for c in dom.devices.controllers if c.type == "scsi"}
    highest = max(
        (hd.info.address.controller for hd in before
         if _is_scsi(hd) and isinstance(hd.info.address, DriveAddress)),
        default=-1,
    )
    indexes.update(range(highest + 1))
    return sorted(indexes)


def _assign_scsi_address(dom: Domain, hd: Hostdev, before: list[Hostdev]) -> None:
    """First free unit of the first SCSI controller with room; when all are
    full, unit 0 of a controller numbered after them (added later)."""
    indexes = _scsi_controller_indexes(dom, before)
    for index in indexes:
        free = next(
            (u for u in range(_SCSI_MAX_UNIT) if not _unit_used(dom, before, index, u)),
            None,
        )
        if free is not None:
            hd.info.address = DriveAddress(index, 0, 0, free)
            return
    hd.info.address = DriveAddress(len(indexes), 0, 0, 0)


def usb_disabled(dom: Domain) -> bool:
    return any(c.type == "usb" and c.model == "none" for c in dom.devices.controllers)


def hostdev_post_parse(dom: Domain, caps: Any = None) -> None:
    hostdevs = dom.devices.hostdevs
    if usb_disabled(dom) and any(
        hd.mode == "subsystem" and hd.type == "usb" and hd.parent is None for hd in hostdevs
    ):
        raise XMLError("Can't add host USB device: USB is disabled in this host")
    for i, hd in enumerate(hostdevs):
        if not _is_scsi(hd):
            continue
        if hd.info.address is None:
            _assign_scsi_address(dom, hd, hostdevs[:i])
        # the controllers up to this device's are there for the next one
        # (virDomainDefMaybeAddHostdevSCSIcontroller, run per device)
        addr = hd.info.address
        if isinstance(addr, DriveAddress):
            add_controllers_up_to(dom, "scsi", addr.controller, "a SCSI host device")


def set_default_backend(dom: Domain, caps: Any) -> None:
    backend = caps.conf("hostdev_pci_backend_default")
    if not backend:
        return
    for hd in dom.devices.hostdevs:
        if hd.mode == "subsystem" and hd.type == "pci" and hd.backend == "default":
            hd.backend = str(backend)
