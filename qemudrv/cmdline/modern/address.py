"""Where a JSON -device sits (qemuBuildDeviceAddressProps of libvirt 9.0)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import UnsupportedError
from ...model.address import DeviceInfo, PCIAddress, USBAddress
from ...model.domain import Domain
from ..address import controller_alias
from .props import Props


def address_props(dom: Domain, info: DeviceInfo, caps: QemuCaps) -> Props:
    """bus/addr (PCI) or bus/port (USB) properties of a device."""
    a = info.address
    if isinstance(a, PCIAddress):
        if a.domain != 0:
            raise UnsupportedError("Only PCI device addresses with domain=0 are supported")
        props: Props = {"bus": controller_alias(dom, "pci", a.bus)}
        if a.multifunction is not None:
            props["multifunction"] = a.multifunction
        props["addr"] = f"0x{a.slot:x}" + (f".0x{a.function:x}" if a.function else "")
        if info.acpi_index:
            props["acpi-index"] = info.acpi_index
        return props
    if isinstance(a, USBAddress):
        return {"bus": f"{controller_alias(dom, 'usb', a.bus)}.0", "port": str(a.port)}
    return {}
