"""Where a -device sits: bus and address options (qemuBuildDeviceAddressStr).

Shared by every device family, so that all of them follow the same PCI
multi-bus rule and the same checks of the emulator's PCI support.
"""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults import controllers as ctl
from ..errors import UnsupportedError
from ..model.address import (
    CCWAddress,
    DeviceInfo,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    USBAddress,
)
from ..model.domain import Domain


def controller_alias(dom: Domain, type_: str, index: int) -> str:
    """virDomainControllerAliasFind."""
    cont = ctl.find_controller(dom, type_, index)
    if cont is None:
        raise UnsupportedError(
            f"Could not find {type_} controller with index {index} required for device"
        )
    if not cont.info.alias:
        raise UnsupportedError(
            f"Device alias was not set for {type_} controller with index {index} "
        )
    return cont.info.alias


def _addr_str(a: PCIAddress) -> str:
    return f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function}"


def device_address(dom: Domain, info: DeviceInfo, caps: QemuCaps) -> str:
    """qemuBuildDeviceAddressStr: where a -device sits."""
    a = info.address
    if isinstance(a, PCIAddress):
        if a.domain != 0:
            raise UnsupportedError("Only PCI device addresses with domain=0 are supported")
        cont = ctl.find_controller(dom, "pci", a.bus)
        if cont is None:
            raise UnsupportedError(
                f"Could not find PCI controller with index {a.bus} required for device at "
                f"address {_addr_str(a)}"
            )
        if not cont.info.alias:
            raise UnsupportedError(
                f"Device alias was not set for PCI controller with index {a.bus} required "
                f"for device at address {_addr_str(a)}"
            )
        if not caps.has("pci-multifunction"):
            if a.function != 0:
                raise UnsupportedError("Only PCI device addresses with function=0 are supported")
            if a.multifunction is True:
                raise UnsupportedError(
                    "Only PCI device addresses with multifunction=off are supported"
                )
        multibus = ctl.has_pci_multibus(dom, caps)
        out = f",bus={cont.info.alias}" if multibus else ",bus=pci"
        if a.multifunction is True:
            out += ",multifunction=on"
        elif a.multifunction is False:
            out += ",multifunction=off"
        out += f",addr=0x{a.slot:x}"
        if a.function:
            out += f".0x{a.function:x}"
        return out
    if isinstance(a, USBAddress):
        alias = controller_alias(dom, "usb", a.bus)
        return f",bus={alias}.0,port={a.port}"
    if isinstance(a, SpaprVioAddress):
        return f",reg=0x{a.reg:x}" if a.reg is not None else ""
    if isinstance(a, CCWAddress):
        return f",devno={a.cssid:x}.{a.ssid:x}.{a.devno:04x}"
    if isinstance(a, ISAAddress):
        out = ""
        if a.iobase:
            out += f",iobase=0x{a.iobase:x}"
        if a.irq:
            out += f",irq=0x{a.irq:x}"
        return out
    return ""
