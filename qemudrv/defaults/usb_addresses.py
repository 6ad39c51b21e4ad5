"""USB port assignment of libvirt 9.0 (qemuDomainAssignUSBAddresses and
the virDomainUSBAddress* helpers of domain_addr.c).

Every USB controller is a hub with the ports its model has (an EHCI's UHCI
companions share its ports), every <hub> eight more. Devices on the USB bus
without a port get the first free one, searching the buses in index order
and, on a full hub, the hubs plugged into it. Only a domain started anew
gets ports for all its devices; otherwise ports are checked (and hubs
placed) only when every USB device already has one.
"""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.address import DeviceInfo, USBAddress
from ..model.controller import Controller
from ..model.domain import Domain
from ..model.misc import Hub
from .device_infos import device_info

HUB_PORTS = 8  # VIR_DOMAIN_USB_HUB_PORTS
MAX_PORT_DEPTH = 5  # VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH


def controller_ports(cont: Controller) -> int:
    """virDomainUSBAddressControllerModelToPorts (UHCI companions: none,
    their EHCI has the ports)."""
    model = cont.model
    if model in (None, "piix3-uhci", "piix4-uhci", "vt82c686b-uhci"):
        return 2
    if model in ("ehci", "ich9-ehci1"):
        return 6
    if model == "pci-ohci":
        return 3
    if model in ("nec-xhci", "qemu-xhci"):
        return cont.ports if cont.ports is not None else 4
    if model in ("qusb1", "qusb2"):
        return cont.ports if cont.ports is not None else 8
    return 0


class _Hub:
    """A USB controller's or hub's ports: in use, and the hubs plugged in."""

    __slots__ = ("hubs", "nports", "used")

    def __init__(self, nports: int) -> None:
        self.nports = nports
        self.used = [False] * nports
        self.hubs: list[_Hub | None] = [None] * nports

    def free_port(self, level: int = 0) -> list[int] | None:
        """virDomainUSBAddressFindFreePort: a free port here, else one on
        a hub plugged in here (the port path, numbered from 1)."""
        for i, used in enumerate(self.used):
            if not used:
                return [i + 1]
        if level >= MAX_PORT_DEPTH - 1:
            return None
        for i, hub in enumerate(self.hubs):
            if hub is None:
                continue
            below = hub.free_port(level + 1)
            if below is not None:
                return [i + 1, *below]
        return None


def _port_path(addr: USBAddress) -> list[int]:
    return [int(p) for p in (addr.port or "").split(".") if p]


def _port_valid(info: DeviceInfo) -> bool:
    """virDomainUSBAddressPortIsValid: a port path not starting with 0."""
    a = info.address
    if not isinstance(a, USBAddress):
        return False
    path = _port_path(a)
    return bool(path) and path[0] != 0


def usb_device_infos(dom: Domain, *, hubs: bool) -> list[DeviceInfo]:
    """virDomainUSBDeviceDefForeach: the devices on a USB bus."""
    # (plain loops: the lists are short, most of them empty of USB devices)
    d = dom.devices
    infos: list[DeviceInfo] = []
    if hubs:
        for hub in d.hubs:
            if hub.type == "usb":
                infos.append(hub.info)
    for hd in d.hostdevs:
        info = device_info(hd)
        if info is not None and hd.mode == "subsystem" and hd.type == "usb":
            infos.append(info)
    for disk in d.disks:
        if disk.bus == "usb":
            infos.append(disk.info)
    for cont in d.controllers:
        if cont.type == "ccid":
            infos.append(cont.info)
    for inp in d.inputs:
        if inp.bus == "usb":
            infos.append(inp.info)
    for serial in d.serials:
        if serial.target_type == "usb-serial":
            infos.append(serial.info)
    for sound in d.sounds:
        if sound.model == "usb":
            infos.append(sound.info)
    for redir in d.redirdevs:
        if redir.bus == "usb":
            infos.append(redir.info)
    return infos


class _USBAddressSet:
    def __init__(self, dom: Domain) -> None:
        self.buses: dict[int, _Hub] = {}
        for cont in dom.devices.controllers:
            if cont.type != "usb":
                continue
            nports = controller_ports(cont)
            if not nports:
                continue
            if cont.index in self.buses:
                raise XMLError(f"Duplicate USB controllers with index {cont.index}")
            self.buses[cont.index] = _Hub(nports)
        for hub in dom.devices.hubs:
            if hub.type == "usb" and _port_valid(hub.info):
                self.add_hub(hub)

    def _find(self, addr: USBAddress) -> tuple[_Hub, int]:
        """virDomainUSBAddressFindPort: the hub holding the port and its index."""
        port = addr.port or ""
        hub = self.buses.get(addr.bus)
        if hub is None:
            raise XMLError(f"Missing USB bus {addr.bus}")
        path = _port_path(addr)
        for number in path[:-1]:
            if hub.nports < number:
                raise XMLError(f"port {number} out of range in USB address bus: "
                               f"{addr.bus} port: {port}")
            below = hub.hubs[number - 1]
            if below is None:
                raise XMLError(f"there is no hub at port {number} in USB address bus: "
                               f"{addr.bus} port: {port}")
            hub = below
        target = path[-1] - 1
        if target >= hub.nports:
            raise XMLError(f"requested USB port {port} not present on USB bus {addr.bus}")
        return hub, target

    def add_hub(self, hub: Hub) -> None:
        """virDomainUSBAddressSetAddHub."""
        addr = hub.info.address
        if not isinstance(addr, USBAddress):
            raise XMLError("Wrong address type for USB hub")
        parent, target = self._find(addr)
        if parent.hubs[target] is not None:
            raise XMLError(f"Duplicate USB hub on bus {addr.bus} port {addr.port}")
        parent.used[target] = True
        parent.hubs[target] = _Hub(HUB_PORTS)

    def reserve(self, info: DeviceInfo) -> None:
        """virDomainUSBAddressReserve."""
        addr = info.address
        if not isinstance(addr, USBAddress) or not _port_valid(info):
            return
        hub, target = self._find(addr)
        if hub.used[target]:
            raise XMLError(f"Duplicate USB address bus {addr.bus} port {addr.port}")
        hub.used[target] = True

    def assign(self, info: DeviceInfo) -> None:
        """virDomainUSBAddressAssign: a free port on the bus asked for, else
        on any bus."""
        addr = info.address
        if isinstance(addr, USBAddress):
            if addr.bus not in self.buses:
                raise XMLError(f"USB bus {addr.bus} requested but no controller with that "
                               "index is present")
            buses = [addr.bus]
        else:
            buses = sorted(self.buses)
        for bus in buses:
            path = self.buses[bus].free_port()
            if path is not None:
                info.address = USBAddress(bus, ".".join(str(p) for p in path))
                self.reserve(info)
                return
        raise ConfigError("No free USB ports", code="internal error")


def _has_usb(dom: Domain) -> bool:
    """virDomainDefHasUSB."""
    return any(c.type == "usb" and c.model != "none" for c in dom.devices.controllers)


def _add_hubs(dom: Domain, count: int) -> None:
    """qemuDomainUSBAddressAddHubs: enough hubs for the ``count`` devices
    (hubs included) on a USB bus."""
    if count and not _has_usb(dom):
        raise ConfigError("USB is disabled for this domain, but USB devices are present in "
                          "the domain XML")
    available = sum(controller_ports(c) for c in dom.devices.controllers if c.type == "usb")
    available += HUB_PORTS * sum(1 for hub in dom.devices.hubs if hub.type == "usb")
    if count > available:
        needed = -(-(count - available + 1) // (HUB_PORTS - 1))
        dom.devices.hubs.extend(Hub() for _ in range(needed))


def assign_usb_addresses(dom: Domain, *, new_domain: bool) -> None:
    """qemuDomainAssignUSBAddresses."""
    # The devices, hubs aside, listed once: only hubs are added below.
    infos = usb_device_infos(dom, hubs=False)
    hubs = [hub.info for hub in dom.devices.hubs if hub.type == "usb"] if dom.devices.hubs else []
    if not new_domain and not (all(_port_valid(info) for info in hubs)
                               and all(_port_valid(info) for info in infos)):
        return
    if not hubs and not infos:
        _USBAddressSet(dom)  # nothing to place: only its controller checks apply
        return
    _add_hubs(dom, len(hubs) + len(infos))
    addrs = _USBAddressSet(dom)
    for info in infos:
        addrs.reserve(info)
    for hub in dom.devices.hubs:
        if hub.type != "usb" or _port_valid(hub.info):
            continue
        addrs.assign(hub.info)
        addrs.add_hub(hub)
    for info in infos:
        if info.address is None or (isinstance(info.address, USBAddress)
                                    and not _port_valid(info)):
            addrs.assign(info)
