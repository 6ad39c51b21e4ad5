"""The driver name and virtio options of a virtio device in libvirt 9.0
(qemuBuildVirtioDevProps), for the disk and filesystem families."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import CCWAddress, PCIAddress, VirtioMMIOAddress
from .props import Props

# <driver> attribute -> QEMU property, in the order libvirt adds them.
_OPTION_PROPS = (("iommu", "iommu_platform"), ("ats", "ats"), ("packed", "packed"),
                 ("page_per_vq", "page-per-vq"))


def virtio_device_name(base: str, address: object, model: str | None,
                       caps: QemuCaps) -> str:
    """qemuBuildVirtioDevGetConfig: base, bus suffix, (non-)transitional."""
    if isinstance(address, CCWAddress):
        name = f"{base}-ccw"
    elif isinstance(address, VirtioMMIOAddress):
        name = f"{base}-device"
    else:
        name = f"{base}-pci"
    if model in ("virtio-transitional", "virtio-non-transitional"):
        if not isinstance(address, PCIAddress):
            raise ConfigError("virtio (non-)transitional models are not supported for "
                              "address type=" + type(address).__name__)
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
