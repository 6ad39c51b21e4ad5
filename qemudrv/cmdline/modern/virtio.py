"""The driver name and common properties of a virtio device
(qemuBuildVirtioDevGetConfig, qemuBuildVirtioDevProps of libvirt 9.0)."""

from __future__ import annotations

from ...model.address import CCWAddress, VirtioMMIOAddress, VirtioS390Address
from ...model.virtio_options import VIRTIO_OPTIONS, VirtioOptions
from .props import Props


def virtio_driver(base: str, address: object) -> str:
    """The QEMU device for the bus the device sits on."""
    if isinstance(address, CCWAddress):
        return f"{base}-ccw"
    if isinstance(address, VirtioMMIOAddress):
        return f"{base}-device"
    if isinstance(address, VirtioS390Address):
        return f"{base}-s390"
    return f"{base}-pci"


def virtio_props(driver: str, opts: VirtioOptions | None) -> Props:
    """The driver, then the virtio switches the definition sets."""
    props: Props = {"driver": driver}
    if opts is not None:
        for attr, key in VIRTIO_OPTIONS:
            if attr in opts.switches:
                props[key] = opts.switches[attr]
    return props
