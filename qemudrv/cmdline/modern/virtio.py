"""The driver name and common properties of a virtio device
(qemuBuildVirtioDevGetConfig, qemuBuildVirtioDevProps of libvirt 9.0)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import CCWAddress, PCIAddress, VirtioMMIOAddress, VirtioS390Address
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


def virtio_model_driver(base: str, address: object, model: str | None,
                        caps: QemuCaps) -> str:
    """qemuBuildVirtioDevGetConfig for a device with a (non-)transitional
    model: the suffix where QEMU has those devices; a transitional device
    without them is a plain one on a conventional PCI slot."""
    driver = virtio_driver(base, address)
    if model not in ("virtio-transitional", "virtio-non-transitional"):
        return driver
    if not isinstance(address, PCIAddress):
        kind = getattr(address, "type", "none")
        raise ConfigError(f"virtio (non-)transitional models are not supported for "
                          f"address type={kind}")
    if caps.has("virtio-pci-non-transitional"):
        return driver + ("-transitional" if model == "virtio-transitional"
                         else "-non-transitional")
    if model == "virtio-non-transitional":
        raise ConfigError("virtio non-transitional model not supported for this qemu")
    return driver


def virtio_props(driver: str, opts: VirtioOptions | None) -> Props:
    """The driver, then the virtio switches the definition sets."""
    props: Props = {"driver": driver}
    if opts is not None:
        for attr, key in VIRTIO_OPTIONS:
            if attr in opts.switches:
                props[key] = opts.switches[attr]
    return props


def check_virtio_options_absent(opts: VirtioOptions | None) -> None:
    """virDomainCheckVirtioOptionsAreAbsent: the switches of a device that
    is not virtio."""
    for attr, _ in VIRTIO_OPTIONS:
        if opts is not None and attr in opts.switches:
            what = "page_per_vq option" if attr == "page_per_vq" else f"{attr} driver option"
            raise ConfigError(f"{what} is only supported for virtio devices")
