"""Where a JSON -device sits (qemuBuildDeviceAddressProps of libvirt 9.0)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...errors import UnsupportedError
from ...model.address import (
    CCWAddress,
    DeviceInfo,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    USBAddress,
    VirtioSerialAddress,
)
from ...model.domain import Domain
from ..address import controller_alias
from . import virtio
from .props import Props

USER_ALIAS_PREFIX = "ua-"


def _pci_text(a: PCIAddress) -> str:
    """The address as the errors name it (made only when one is raised)."""
    return f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function}"


def pci_bus_name(dom: Domain, a: PCIAddress) -> str:
    """qemuBuildDeviceAddressPCIGetBus: the alias of the bus's controller.
    A builtin root is not on the command line, so a user alias given to it
    means nothing to QEMU; the bus of a pSeries PHB other than the implicit
    one is its alias plus '.0'."""
    cont = ctl.find_controller(dom, "pci", a.bus)
    if cont is None:
        raise UnsupportedError(f"Could not find PCI controller with index '{a.bus}' "
                               f"required for device at address '{_pci_text(a)}'",
                               code="internal error")
    alias = cont.info.alias
    if not alias:
        raise UnsupportedError(f"Device alias was not set for PCI controller with index "
                               f"'{a.bus}' required for device at address '{_pci_text(a)}'",
                               code="internal error")
    if alias.startswith(USER_ALIAS_PREFIX):
        if cont.model == "pci-root" and not ctl.is_pseries(dom):
            alias = "pci.0" if ctl.has_pci_multibus(dom, None) else "pci"
        elif cont.model == "pcie-root":
            alias = "pcie.0"
    if ctl.is_pseries_phb(cont) and (cont.target_index or 0) > 0:
        return f"{alias}.0"
    return alias


def virtio_driver(base: str, info: DeviceInfo) -> str:
    """qemuBuildVirtioDevGetConfig: a virtio device's QEMU type says its
    transport, from the address (PCI when there is none yet)."""
    return virtio.virtio_driver(base, info.address)


def address_props(dom: Domain, info: DeviceInfo, caps: QemuCaps) -> Props:
    """bus/addr (PCI), bus/port (USB), reg (spapr-vio), devno (CCW) or
    iobase/irq (ISA) properties of a device."""
    a = info.address
    if isinstance(a, PCIAddress):
        if a.domain != 0:
            raise UnsupportedError("Only PCI device addresses with domain=0 are supported")
        props: Props = {"bus": pci_bus_name(dom, a)}
        if a.multifunction is not None:
            props["multifunction"] = a.multifunction
        props["addr"] = f"0x{a.slot:x}" + (f".0x{a.function:x}" if a.function else "")
        if info.acpi_index:
            props["acpi-index"] = info.acpi_index
        return props
    if isinstance(a, USBAddress):
        return {"bus": f"{controller_alias(dom, 'usb', a.bus)}.0", "port": str(a.port)}
    if isinstance(a, SpaprVioAddress):
        return {"reg": a.reg} if a.reg is not None else {}
    if isinstance(a, CCWAddress):
        return {"devno": f"{a.cssid:x}.{a.ssid:x}.{a.devno:04x}"}
    if isinstance(a, VirtioSerialAddress):
        alias = controller_alias(dom, "virtio-serial", a.controller)
        return {"bus": f"{alias}.{a.bus}", "nr": a.port}
    if isinstance(a, ISAAddress):
        isa: Props = {"iobase": a.iobase or 0}
        if a.irq:
            isa["irq"] = a.irq
        return isa
    return {}
