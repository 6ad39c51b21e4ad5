"""qemuProcessStartValidate: what libvirt 9.0 refuses when it starts a
domain it has defined, before preparing the host and building the command
line. Its test programs see these as command-line failures."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from .machine import is_pseries


def _check_graphics(dom: Domain) -> None:
    for graphics in dom.devices.graphics:
        if graphics.type in ("vnc", "spice") and len(graphics.listens) > 1:
            raise UnsupportedError("QEMU does not support multiple listens for one graphics "
                                   "device.")


def _check_disks(dom: Domain, caps: QemuCaps) -> None:
    for disk in dom.devices.disks:
        src = disk.src
        if src.type == "network" and src.protocol == "vxhs" and not caps.has("vxhs"):
            raise UnsupportedError("VxHS protocol is not supported with this QEMU binary")
        if disk.device == "floppy" and is_pseries(dom):
            raise UnsupportedError("PowerPC pseries machines do not support floppy device")
        if src.type == "nvme" and not caps.has("drive-nvme"):
            raise UnsupportedError("NVMe disks are not supported with this QEMU binary")


def validate_start(dom: Domain, caps: QemuCaps) -> None:
    _check_graphics(dom)
    if dom.iothreads and not caps.has("iothread"):
        raise UnsupportedError("IOThreads not supported for this QEMU")
    for shmem in dom.devices.shmems:
        if "/" in shmem.name:
            raise UnsupportedError(f"shmem name '{shmem.name}' must not contain '/'")
    _check_disks(dom, caps)
