"""qemuProcessStartValidate: what libvirt 9.0 refuses when it starts a
domain it has defined, before preparing the host and building the command
line; its test programs see these as command-line failures. (IOThreads,
disks and CPU features are checked where those are built.)"""

from __future__ import annotations

from ..errors import UnsupportedError
from ..model.domain import Domain


def validate_start(dom: Domain) -> None:
    for graphics in dom.devices.graphics:
        if graphics.type in ("vnc", "spice") and len(graphics.listens) > 1:
            raise UnsupportedError("QEMU does not support multiple listens for one graphics "
                                   "device.")
    for shmem in dom.devices.shmems:
        if "/" in shmem.name:
            raise UnsupportedError(f"shmem name '{shmem.name}' must not contain '/'")
