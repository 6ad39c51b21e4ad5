"""Defaults of host devices (libvirt 1.3.1).

``hostdev_post_parse``: SCSI host devices without an address get the first
free unit (virDomainHostdevAssignAddress, done while parsing in libvirt,
so only devices before it count). ``set_default_backend``: the test
program's rule that a PCI device without a driver name uses the backend
named by ``[config] hostdev_pci_backend_default``.
"""

from __future__ import annotations

from typing import Any

from ..model.address import DriveAddress
from ..model.domain import Domain
from ..model.hostdev import Hostdev

# narrow SCSI bus: units 0-7, the controller itself sits on unit 7
_SCSI_MAX_UNIT = 8
_SCSI_CONTROLLER_UNIT = 7


def _is_scsi(hd: Hostdev) -> bool:
    return hd.mode == "subsystem" and hd.type == "scsi"


def _unit_used(dom: Domain, before: list[Hostdev], controller: int, unit: int) -> bool:
    if unit == _SCSI_CONTROLLER_UNIT:
        return True
    want = (controller, 0, 0, unit)
    for disk in dom.devices.disks:
        a = disk.info.address
        if disk.bus == "scsi" and isinstance(a, DriveAddress):
            if (a.controller, a.bus, a.target, a.unit) == want:
                return True
    for hd in before:
        a = hd.info.address
        if _is_scsi(hd) and isinstance(a, DriveAddress):
            if (a.controller, a.bus, a.target, a.unit) == want:
                return True
    return False


def _assign_scsi_address(dom: Domain, hd: Hostdev, before: list[Hostdev]) -> None:
    controller = 0
    unit = 0
    for cont in dom.devices.controllers:
        if cont.type != "scsi":
            continue
        controller += 1
        free = next(
            (u for u in range(_SCSI_MAX_UNIT) if not _unit_used(dom, before, cont.index, u)),
            None,
        )
        if free is not None:
            unit = free
            controller = cont.index
            break
    hd.info.address = DriveAddress(controller, 0, 0, unit)


def hostdev_post_parse(dom: Domain, caps: Any = None) -> None:
    hostdevs = dom.devices.hostdevs
    for i, hd in enumerate(hostdevs):
        if _is_scsi(hd) and hd.info.address is None:
            _assign_scsi_address(dom, hd, hostdevs[:i])


def set_default_backend(dom: Domain, caps: Any) -> None:
    backend = caps.conf("hostdev_pci_backend_default")
    if not backend:
        return
    for hd in dom.devices.hostdevs:
        if hd.mode == "subsystem" and hd.type == "pci" and hd.backend == "default":
            hd.backend = str(backend)
