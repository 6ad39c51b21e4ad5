"""qemuProcessStartValidate: what libvirt 9.0 refuses when it starts a
domain it has defined, before preparing the host and building the command
line; its test programs see these as command-line failures. (IOThreads,
disks and CPU features are checked where those are built.)"""

from __future__ import annotations

from ..capability_names import CAPABILITY_NAMES_9_0
from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain


def prepare_qemu_caps(dom: Domain, caps: QemuCaps) -> None:
    """qemuProcessPrepareQEMUCaps: the capabilities a domain's
    ``<qemu:capabilities>`` adds and removes, for this start only."""
    ns = dom.qemu_cmdline
    if ns is None or not (ns.caps_add or ns.caps_del):
        return
    for name in (*ns.caps_add, *ns.caps_del):
        if name not in CAPABILITY_NAMES_9_0:
            raise UnsupportedError(f"invalid qemu namespace capability '{name}'",
                                   code="internal error")
    caps.flags.update(ns.caps_add)
    caps.flags.difference_update(ns.caps_del)


def validate_start(dom: Domain) -> None:
    for graphics in dom.devices.graphics:
        if graphics.type in ("vnc", "spice") and len(graphics.listens) > 1:
            raise UnsupportedError("QEMU does not support multiple listens for one graphics "
                                   "device.")
    for shmem in dom.devices.shmems:
        if "/" in shmem.name:
            raise UnsupportedError(f"shmem name '{shmem.name}' must not contain '/'")
