"""The driver name and common properties of a virtio device
(qemuBuildVirtioDevGetConfig, qemuBuildVirtioDevProps of libvirt 9.0)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import CCWAddress, PCIAddress, VirtioMMIOAddress, VirtioS390Address
from ...model.virtio_options import VIRTIO_OPTIONS, VirtioOptions
from .props import Props

# <driver> attribute -> QEMU property, in the order libvirt adds them (the
# disk and filesystem families keep their switches in a plain mapping).
_OPTION_PROPS = (("iommu", "iommu_platform"), ("ats", "ats"), ("packed", "packed"),
                 ("page_per_vq", "page-per-vq"))


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


def check_virtio_options_absent(opts: VirtioOptions | None) -> None:
    """virDomainCheckVirtioOptionsAreAbsent: the switches of a device that
    is not virtio."""
    for attr, _ in VIRTIO_OPTIONS:
        if opts is not None and attr in opts.switches:
            what = "page_per_vq option" if attr == "page_per_vq" else f"{attr} driver option"
            raise ConfigError(f"{what} is only supported for virtio devices")


def virtio_device_name(base: str, address: object, model: str | None,
                       caps: QemuCaps) -> str:
    """qemuBuildVirtioDevGetConfig: base, bus suffix, (non-)transitional."""
    name = virtio_driver(base, address)
    if model in ("virtio-transitional", "virtio-non-transitional"):
        if not isinstance(address, PCIAddress):
            kind = getattr(address, "type", "none")
            raise ConfigError("virtio (non-)transitional models are not supported for "
                              f"address type={kind}")
        if caps.has("virtio-pci-non-transitional"):
            name += "-transitional" if model == "virtio-transitional" else "-non-transitional"
        elif model == "virtio-non-transitional":
            raise ConfigError("virtio non-transitional model not supported for this qemu")
    return name


def virtio_device_props(base: str, address: object, model: str | None,
                        options: dict[str, bool], caps: QemuCaps) -> Props:
    props: Props = {"driver": virtio_device_name(base, address, model, caps)}
    for option, prop in _OPTION_PROPS:
        if option in options:
            props[prop] = options[option]
    return props
