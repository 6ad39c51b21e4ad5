"""qemuProcessStartValidate: what libvirt 9.0 refuses when it starts a
domain it has defined, before preparing the host and building the command
line. Its test programs see these as command-line failures. (The disk
checks are cmdline/modern/storage_checks.py's.)"""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain


def _check_graphics(dom: Domain) -> None:
    for graphics in dom.devices.graphics:
        if graphics.type in ("vnc", "spice") and len(graphics.listens) > 1:
            raise UnsupportedError("QEMU does not support multiple listens for one graphics "
                                   "device.")


# cpu_map/arm_features.xml: the CPU features libvirt knows on ARM.
_ARM_FEATURES = frozenset({"sve", *(f"sve{bits}" for bits in range(128, 2049, 128))})


def _check_cpu_features(dom: Domain) -> None:
    """virCPUValidateFeatures, for the ARM driver (the x86 features are
    checked against the CPU map where the CPU is built)."""
    if dom.cpu is None or dom.arch not in ("armv6l", "armv7l", "aarch64"):
        return
    for feature in dom.cpu.features:
        if feature.name not in _ARM_FEATURES:
            raise UnsupportedError(f"unknown CPU feature: {feature.name}")


def validate_start(dom: Domain, caps: QemuCaps) -> None:
    _check_graphics(dom)
    if dom.iothreads and not caps.has("iothread"):
        raise UnsupportedError("IOThreads not supported for this QEMU")
    for shmem in dom.devices.shmems:
        if "/" in shmem.name:
            raise UnsupportedError(f"shmem name '{shmem.name}' must not contain '/'")
    _check_cpu_features(dom)
