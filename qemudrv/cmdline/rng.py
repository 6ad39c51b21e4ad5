"""Command line arguments for <rng>: the backend object (with its chardev
for egd), then the virtio-rng device reading from it."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.address import CCWAddress, VirtioMMIOAddress, VirtioS390Address
from ..model.domain import Domain
from ..model.rng import RNG
from .address import device_address
from .chardev import build_chardev
from .command import CommandLine

DEFAULT_RANDOM_SOURCE = "/dev/random"


def _backend(cmd: CommandLine, dev: RNG, alias: str, caps: QemuCaps) -> None:
    if dev.backend == "random":
        if not caps.has("rng-random"):
            raise UnsupportedError("this qemu doesn't support the rng-random backend")
        filename = dev.file or DEFAULT_RANDOM_SOURCE
        cmd.add("-object", f"rng-random,id=obj{alias},filename={filename}")
    else:
        if not caps.has("rng-egd"):
            raise UnsupportedError("this qemu doesn't support the rng-egd backend")
        assert dev.chardev is not None
        cmd.add("-chardev", build_chardev(dev.chardev, alias, caps))
        cmd.add("-object", f"rng-egd,id=obj{alias},chardev=char{alias}")


def rng_device(dom: Domain, dev: RNG, alias: str, caps: QemuCaps) -> str:
    """qemuBuildRNGDevStr."""
    if dev.model != "virtio" or not caps.has("virtio-rng"):
        raise UnsupportedError(f"this qemu doesn't support RNG device type '{dev.model}'")
    addr = dev.info.address
    if isinstance(addr, CCWAddress):
        name = "virtio-rng-ccw"
    elif isinstance(addr, VirtioS390Address):
        name = "virtio-rng-s390"
    elif isinstance(addr, VirtioMMIOAddress):
        name = "virtio-rng-device"
    else:
        name = "virtio-rng-pci"
    out = f"{name},rng=obj{alias},id={alias}"
    if dev.rate > 0:
        # QEMU needs a period with a rate; a second is the usual one
        out += f",max-bytes={dev.rate},period={dev.period or 1000}"
    return out + device_address(dom, dev.info, caps)


def build_rngs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.rngs):
        alias = f"rng{i}"
        _backend(cmd, dev, alias, caps)
        cmd.add("-device", rng_device(dom, dev, alias, caps))
