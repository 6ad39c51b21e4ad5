"""PCI address assignment of libvirt 9.0 (qemuDomainAssignPCIAddresses of
qemu_domain_address.c on the virDomainPCIAddressSet of domain_addr.c), for
every machine type.

Each device has connect flags saying what it plugs into (a PCI or a PCIe
slot, a root port, a bridge...) and whether it may be placed
automatically; each bus (one per PCI controller) says what it accepts and
which slots it has. A dry pass first counts the buses the devices need and
the missing controllers are added (PHBs on pSeries, pci-bridges behind
pci-root, pcie-root-ports or a pcie-to-pci-bridge behind pcie-root); the
real pass then assigns. Root ports aggregate: up to eight share a slot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..errors import ConfigError
from ..model.address import CCWAddress, DeviceInfo, PCIAddress, VirtioMMIOAddress
from ..model.controller import PCI_DEFAULT_MODEL_NAME, Controller
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from . import controllers as ctl
from .device_infos import device_info, device_infos
from .hostdev import wants_pci_slot

# virDomainPCIConnectFlags
AUTOASSIGN = 1 << 0
HOTPLUG = 1 << 1
INTEGRATED = 1 << 2
AGGREGATE = 1 << 3
PCI_DEVICE = 1 << 4
PCIE_DEVICE = 1 << 5
ROOT_PORT = 1 << 6
SWITCH_UP = 1 << 7
SWITCH_DOWN = 1 << 8
DMI_BRIDGE = 1 << 9
PCI_EXPANDER = 1 << 10
PCIE_EXPANDER = 1 << 11
PCI_BRIDGE = 1 << 12
PCIE_TO_PCI = 1 << 13
TYPES = (PCI_DEVICE | PCIE_DEVICE | ROOT_PORT | SWITCH_UP | SWITCH_DOWN | DMI_BRIDGE
         | PCI_EXPANDER | PCIE_EXPANDER | PCI_BRIDGE | PCIE_TO_PCI)
ENDPOINTS = PCI_DEVICE | PCIE_DEVICE
SLOT_LAST = 31

# virDomainPCIAddressBusSetModel: what each bus accepts (HOTPLUG added
# unless the controller says hotplug='off') and its slots.
_BUS_MODELS: dict[str, tuple[int, bool, int, int]] = {
    "pci-root": (AUTOASSIGN | PCI_DEVICE | PCI_BRIDGE | PCI_EXPANDER, True, 1, SLOT_LAST),
    "pci-bridge": (AUTOASSIGN | PCI_DEVICE | PCI_BRIDGE, True, 1, SLOT_LAST),
    "pci-expander-bus": (AUTOASSIGN | PCI_DEVICE | PCI_BRIDGE, True, 0, SLOT_LAST),
    "pcie-root": (PCIE_DEVICE | ROOT_PORT | DMI_BRIDGE | PCIE_EXPANDER, False, 1, SLOT_LAST),
    "dmi-to-pci-bridge": (PCI_DEVICE | PCI_BRIDGE, False, 0, SLOT_LAST),
    "pcie-to-pci-bridge": (AUTOASSIGN | PCI_DEVICE | PCI_BRIDGE, True, 1, SLOT_LAST),
    "pcie-root-port": (AUTOASSIGN | PCIE_DEVICE | SWITCH_UP | PCIE_TO_PCI, True, 0, 0),
    "pcie-switch-downstream-port": (AUTOASSIGN | PCIE_DEVICE | SWITCH_UP | PCIE_TO_PCI,
                                    True, 0, 0),
    "pcie-switch-upstream-port": (SWITCH_DOWN, False, 0, SLOT_LAST),
    "pcie-expander-bus": (ROOT_PORT | DMI_BRIDGE, False, 0, SLOT_LAST),
}

# virDomainPCIControllerModelToConnectType: what a PCI controller plugs into.
_CONTROLLER_PLUG = {
    "pci-bridge": PCI_BRIDGE,
    "pci-expander-bus": PCI_EXPANDER,
    "pcie-expander-bus": PCIE_EXPANDER,
    "dmi-to-pci-bridge": DMI_BRIDGE,
    "pcie-to-pci-bridge": PCIE_TO_PCI,
    "pcie-root-port": ROOT_PORT | AGGREGATE,
    "pcie-switch-upstream-port": SWITCH_UP,
    "pcie-switch-downstream-port": SWITCH_DOWN,
}

# The names of connect types in libvirt's incompatibility message.
_CONNECT_NAMES = (
    (PCI_DEVICE, "standard PCI device"), (PCIE_DEVICE, "PCI Express device"),
    (ROOT_PORT, "pcie-root-port"), (SWITCH_UP, "pcie-switch-upstream-port"),
    (SWITCH_DOWN, "pcie-switch-downstream-port"), (DMI_BRIDGE, "dmi-to-pci-bridge"),
    (PCIE_TO_PCI, "pcie-to-pci-bridge"), (PCI_EXPANDER, "pci-expander-bus"),
    (PCIE_EXPANDER, "pcie-expander-bus"), (PCI_BRIDGE, "pci-bridge"),
)

_USB2_FUNCTIONS = {
    "ich9-ehci1": (7, None), "ich9-uhci1": (0, True), "ich9-uhci2": (1, None),
    "ich9-uhci3": (2, None),
}
_VIRTIO_PCIE = ("virtio", "virtio-non-transitional", None)


def _addr_str(a: PCIAddress) -> str:
    return f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function}"


def _code(from_config: bool) -> str:
    """An address from the definition is the user's error, else libvirt's."""
    return "XML error" if from_config else "internal error"


def pci_wanted(info: DeviceInfo | None) -> bool:
    """virDeviceInfoPCIAddressIsWanted: no address, or a PCI one left empty."""
    if info is None:
        return False
    a = info.address
    return a is None or (isinstance(a, PCIAddress) and not (a.domain or a.bus or a.slot))


def pci_present(info: DeviceInfo) -> bool:
    a = info.address
    return isinstance(a, PCIAddress) and bool(a.domain or a.bus or a.slot)


class _Bus:
    """A PCI bus: what it accepts, its slots and their functions in use."""

    __slots__ = (
        "aggregate",
        "flags",
        "functions",
        "isolation_group",
        "isolation_locked",
        "max_slot",
        "min_slot",
        "model",
    )

    def __init__(self, model: str, flags: int, min_slot: int, max_slot: int) -> None:
        self.model = model
        self.flags = flags
        self.min_slot = min_slot
        self.max_slot = max_slot
        self.functions = [0] * (SLOT_LAST + 1)  # a bitmap of the functions per slot
        self.aggregate = [False] * (SLOT_LAST + 1)
        # pSeries: the IOMMU group (plus one) of the host devices on the bus
        self.isolation_group = 0
        self.isolation_locked = False

    def fully_reserved(self) -> bool:
        return 0 not in self.functions[self.min_slot:self.max_slot + 1]

    def empty(self) -> bool:
        return not any(self.functions[self.min_slot:self.max_slot + 1])


def _bus(model: str, hotplug: bool = True) -> _Bus:
    found = _BUS_MODELS.get(model)
    if found is None:
        raise ConfigError("PCI controller model was not set correctly", code="internal error")
    flags, hotpluggable, min_slot, max_slot = found
    if hotpluggable and hotplug:
        flags |= HOTPLUG
    return _Bus(model, flags, min_slot, max_slot)


def _compatible(a: PCIAddress, bus_flags: int, flags: int, report: bool,
                from_config: bool) -> bool:
    """virDomainPCIAddressFlagsCompatible."""
    # (The messages are formatted only when reported: this runs per slot.)
    if flags & INTEGRATED:
        if a.bus != 0:
            if report:
                raise ConfigError(f"The device at PCI address {_addr_str(a)} needs to be an "
                                  "integrated device (bus=0)", code=_code(from_config))
            return False
        bus_flags |= AUTOASSIGN
    if from_config:
        if bus_flags & ENDPOINTS:
            bus_flags |= ENDPOINTS
        if flags & PCI_BRIDGE:
            flags |= PCI_DEVICE
    elif flags & AUTOASSIGN and not bus_flags & AUTOASSIGN:
        if report:
            raise ConfigError(f"The device at PCI address {_addr_str(a)} was auto-assigned this "
                              f"address, but the PCI controller with index='{a.bus}' "
                              "doesn't allow auto-assignment", code=_code(from_config))
        return False
    if flags & HOTPLUG and not bus_flags & HOTPLUG:
        if report:
            raise ConfigError(f"The device at PCI address {_addr_str(a)} requires hotplug "
                              f"capability, but the PCI controller with index='{a.bus}' "
                              "doesn't support hotplug", code=_code(from_config))
        return False
    if not flags & bus_flags & TYPES:
        if not report:
            return False
        name = next((n for bit, n in _CONNECT_NAMES if flags & bit), None)
        if name is None:
            raise ConfigError(f"The device at PCI address {_addr_str(a)} has unrecognized "
                              f"connection type flags 0x{flags & TYPES:02x}",
                              code=_code(from_config))
        raise ConfigError(f"The device at PCI address {_addr_str(a)} cannot be plugged into the "
                          f"PCI controller with index='{a.bus}'. It requires a "
                          f"controller that accepts a {name}.", code=_code(from_config))
    return True


def _takes_auto(bus_index: int, bus_flags: int, flags: int) -> bool:
    """``_compatible`` for an address libvirt picks, unreported: the
    search for a free slot asks this of every bus."""
    if flags & INTEGRATED:
        if bus_index != 0:
            return False
        bus_flags |= AUTOASSIGN
    if flags & AUTOASSIGN and not bus_flags & AUTOASSIGN:
        return False
    if flags & HOTPLUG and not bus_flags & HOTPLUG:
        return False
    return bool(flags & bus_flags & TYPES)


class _AddressSet:
    """virDomainPCIAddressSet."""

    __slots__ = ("buses", "dry_run", "groups", "multiple_roots", "pcie_to_pci")

    def __init__(self, buses: list[_Bus], dry_run: bool, multiple_roots: bool,
                 pcie_to_pci: bool, groups: dict[int, int]) -> None:
        self.buses = buses
        self.dry_run = dry_run
        self.multiple_roots = multiple_roots
        self.pcie_to_pci = pcie_to_pci
        # id(DeviceInfo) -> isolation group, for the devices that have one
        self.groups = groups

    def validate(self, a: PCIAddress, flags: int, from_config: bool) -> None:
        """virDomainPCIAddressValidate."""
        # Called for every reservation: the error code is worked out on error only.
        if not self.buses:
            raise ConfigError("No PCI buses available", code=_code(from_config))
        if a.domain != 0:
            raise ConfigError(f"Invalid PCI address {_addr_str(a)}. Only PCI domain 0 is available",
                              code=_code(from_config))
        if a.bus >= len(self.buses):
            raise ConfigError(f"Invalid PCI address {_addr_str(a)}. Only PCI buses up to "
                              f"{len(self.buses) - 1} are available", code=_code(from_config))
        bus = self.buses[a.bus]
        _compatible(a, bus.flags, flags, True, from_config)
        if bus.min_slot and a.slot < bus.min_slot:
            raise ConfigError(f"Invalid PCI address {_addr_str(a)}. slot must be >= {bus.min_slot}",
                              code=_code(from_config))
        if a.slot > bus.max_slot:
            raise ConfigError(f"Invalid PCI address {_addr_str(a)}. slot must be <= {bus.max_slot}",
                              code=_code(from_config))
        if a.function > 7:
            raise ConfigError(f"Invalid PCI address {_addr_str(a)}. function must be <= 7",
                              code=_code(from_config))

    def reserve(self, a: PCIAddress, flags: int, from_config: bool = True,
                group: int = 0) -> None:
        """virDomainPCIAddressReserveAddrInternal."""
        if self.dry_run and a.bus >= len(self.buses):
            self.grow(a, flags)
        self.validate(a, flags, from_config)
        bus = self.buses[a.bus]
        if bus.functions[a.slot] & 1 << a.function:
            raise ConfigError(f"Attempted double use of PCI Address {_addr_str(a)}",
                              code="XML error" if from_config else "internal error")
        self._claim(bus, a, flags, from_config, group)

    def reserve_validated(self, a: PCIAddress, flags: int) -> None:
        """``reserve`` of a configured address on bus 0 whose slot passed
        ``validate`` with these flags (every function of a slot passes or
        fails alike): only the function may be in use already."""
        bus = self.buses[0]
        if bus.functions[a.slot] & 1 << a.function:
            raise ConfigError(f"Attempted double use of PCI Address {_addr_str(a)}",
                              code="XML error")
        self._claim(bus, a, flags, True, 0)

    def _claim(self, bus: _Bus, a: PCIAddress, flags: int, from_config: bool,
               group: int) -> None:
        """The end of ``reserve``, for an address known valid and free."""
        # The device first on a slot says whether others may share it.
        if not bus.functions[a.slot] and flags & AGGREGATE:
            bus.aggregate[a.slot] = True
        # The first device on a bus decides its isolation group; a
        # configured address elsewhere gives isolation up.
        if bus.isolation_group != group:
            if not bus.isolation_locked and bus.empty():
                bus.isolation_group = group
            elif from_config:
                bus.isolation_group = 0
        bus.functions[a.slot] |= 1 << a.function

    def in_use(self, a: PCIAddress) -> bool:
        return bool(self.buses[a.bus].functions[a.slot])

    def grow(self, a: PCIAddress, flags: int) -> None:
        """virDomainPCIAddressSetGrow: the buses a device at ``a`` needs."""
        add = a.bus - len(self.buses) + 1
        if add <= 0:
            return
        need_dmi = need_pcie_to_pci = False
        if flags & PCI_DEVICE:
            if self.multiple_roots:
                model = "pci-root"
            else:
                model = "pci-bridge"
                # A pure PCIe topology first needs a place for the bridge.
                bridgeable = any(bus.flags & PCI_BRIDGE for bus in self.buses)
                need_dmi = not bridgeable and not self.pcie_to_pci
                need_pcie_to_pci = not bridgeable and self.pcie_to_pci
                if (need_dmi or need_pcie_to_pci) and add == 1:
                    add += 1
                    a.bus += 1
        elif flags & (PCIE_DEVICE | SWITCH_UP):
            model = "pcie-root-port"
        else:
            plug = next((m for m, f in _CONTROLLER_PLUG.items() if flags & f & ~AGGREGATE),
                        None)
            if plug is not None:
                raise ConfigError(f"a PCI slot is needed to connect a PCI controller "
                                  f"model='{plug}', but none is available, and it cannot "
                                  "be automatically added", code="internal error")
            raise ConfigError("Cannot automatically add a new PCI bus for a device with "
                              f"connect flags {flags:02x}", code="internal error")
        new: list[_Bus] = []
        if need_dmi:
            new.append(_bus("dmi-to-pci-bridge", False))
        if need_pcie_to_pci:
            # Only the bridge may take this root port: a dummy device
            # reserving a hot-plug slot must get a port of its own.
            port = _bus("pcie-root-port")
            port.flags = PCIE_TO_PCI
            new += [port, _bus("pcie-to-pci-bridge")]
        new += [_bus(model) for _ in range(add - len(new))]
        self.buses += new

    def _free_on_bus(self, b: int, bus: _Bus, flags: int, function: int | None
                     ) -> PCIAddress | None:
        """virDomainPCIAddressFindUnusedFunctionOnBus."""
        if not _takes_auto(b, bus.flags, flags):
            return None
        if not flags & AGGREGATE:
            # Only an empty slot will do: the first one, found by the list.
            try:
                slot = bus.functions.index(0, bus.min_slot, bus.max_slot + 1)
            except ValueError:
                return None
            return PCIAddress(0, b, slot, function or 0)
        for slot in range(bus.min_slot, bus.max_slot + 1):
            used = bus.functions[slot]
            if not used:
                return PCIAddress(0, b, slot, function or 0)
            if flags & AGGREGATE and bus.aggregate[slot]:
                if not used >> (function or 0) & 1:
                    return PCIAddress(0, b, slot, function or 0)
                if function is None:
                    free = next((f for f in range(8) if not used >> f & 1), None)
                    if free is not None:
                        return PCIAddress(0, b, slot, free)
        return None

    def _find_free(self, flags: int, function: int | None, group: int) -> PCIAddress | None:
        """A free function on a bus of the device's isolation group, else on
        an empty bus that may take it."""
        for b, bus in enumerate(self.buses):
            if bus.isolation_group != group:
                continue
            found = self._free_on_bus(b, bus, flags, function)
            if found is not None:
                return found
        for b, bus in enumerate(self.buses):
            if not bus.empty() or bus.isolation_locked:
                continue
            found = self._free_on_bus(b, bus, flags, function)
            if found is not None:
                return found
        return None

    def _beyond_buses(self, flags: int, function: int | None) -> PCIAddress:
        """The end of virDomainPCIAddressGetNextAddr, with no free slot on
        the buses: the dry pass adds buses, the real one fails."""
        if self.dry_run:
            a = PCIAddress(0, len(self.buses), 0, function or 0)
            self.grow(a, flags)
            a.slot = self.buses[a.bus].min_slot
            return a
        raise ConfigError("No more available PCI slots", code="internal error")

    def reserve_next(self, info: DeviceInfo | None, flags: int,
                     function: int | None = None) -> PCIAddress:
        """virDomainPCIAddressReserveNextAddr (on virDomainPCIAddressGetNextAddr,
        ``function`` None: any): the address is the device's only on the
        real pass."""
        if not self.buses:
            raise ConfigError("No PCI buses available", code="XML error")
        group = self.groups.get(id(info), 0)
        a = self._find_free(flags, function, group)
        if a is not None:
            # The search only returns a free function of a slot the device
            # may take: ``reserve``'s checks would all pass.
            self._claim(self.buses[a.bus], a, flags, False, group)
        else:
            a = self._beyond_buses(flags, function)
            self.reserve(a, flags, from_config=False, group=group)
        if not self.dry_run and info is not None:
            old = info.address
            if isinstance(old, PCIAddress):
                a.zpci_uid, a.zpci_fid = old.zpci_uid, old.zpci_fid
            info.address = a
        return a


# -- connect flags ----------------------------------------------------------------


class _Flags(NamedTuple):
    """The connect flags of a PCI device, a PCIe device and a virtio one."""

    pci: int
    pcie: int
    virtio: int


def _connect_flags(pcie_root: bool, caps: Any) -> _Flags:
    """qemuDomainFillDevicePCIConnectFlagsIterInit."""
    pci = PCI_DEVICE | AUTOASSIGN
    pcie = (PCIE_DEVICE | AUTOASSIGN) if pcie_root else pci
    virtio = pcie if caps.has("virtio-pci-non-transitional") else pci
    return _Flags(pci, pcie, virtio)


def controller_flags(cont: Controller, f: _Flags) -> int:
    if cont.type == "pci":
        return _CONTROLLER_PLUG.get(cont.model or "", 0)
    if cont.type in ("sata", "ide"):
        return f.pci
    if cont.type == "usb":
        if cont.model in ("nec-xhci", "qemu-xhci"):
            return f.pcie
        if cont.model in ("qusb1", "qusb2", "none"):
            return 0
        return f.pci
    if cont.type == "scsi":
        if cont.model in (None, "ncr53c90"):
            return 0
        if cont.model in ("virtio-scsi", "virtio-non-transitional"):
            return f.virtio
        return f.pci
    if cont.type == "virtio-serial":
        return f.pci if cont.model == "virtio-transitional" else f.virtio
    return 0


def device_flags(kind: str, dev: Any, f: _Flags) -> int:
    """qemuDomainDeviceCalculatePCIConnectFlags."""
    if kind == "controller":
        return controller_flags(dev, f)
    model = getattr(dev, "model", None)
    if kind == "fs":
        if dev.driver in ("loop", "nbd", "ploop"):
            return 0
        return f.pci if model == "virtio-transitional" else f.virtio
    if kind == "net":
        if dev.type == "hostdev" or model == "usb-net":
            return 0
        if model in ("virtio", "virtio-non-transitional"):
            return f.virtio
        if model == "virtio-transitional":
            return f.pci
        return f.pcie if model in ("e1000e", None) else f.pci
    if kind == "sound":
        return f.pci if model in ("es1370", "ac97", "ich6", "ich9") else 0
    if kind == "disk":
        if dev.bus != "virtio":
            return 0
        return f.pci if model == "virtio-transitional" else f.virtio
    if kind == "hostdev":
        return _hostdev_flags(dev, f)
    if kind == "memballoon":
        if model == "virtio-transitional":
            return f.pci
        return f.virtio if model in ("virtio", "virtio-non-transitional") else 0
    if kind == "rng":
        return f.pci if model == "virtio-transitional" else f.virtio
    if kind == "watchdog":
        return f.pci if model == "i6300esb" else 0
    if kind == "video":
        video_type = dev.type
        if video_type == "virtio":
            return f.virtio
        if video_type == "bochs":
            return f.pcie
        return 0 if video_type in (None, "default", "gop", "none", "ramfb") else f.pci
    if kind == "shmem":
        return f.pci
    if kind == "input":
        if dev.bus != "virtio":
            return 0
        return f.pci if model == "virtio-transitional" else f.virtio
    if kind == "serial":
        return f.pci if dev.target_type == "pci-serial" else 0
    if kind == "iommu":
        # A virtio IOMMU is integrated into the root complex.
        return f.virtio | INTEGRATED
    if kind == "vsock":
        return f.pci if model == "virtio-transitional" else f.virtio
    if kind == "memory":
        return f.virtio if model in ("virtio-pmem", "virtio-mem") else 0
    return 0


def _hostdev_flags(hd: Hostdev, f: _Flags) -> int:
    if hd.mode != "subsystem" or hd.type not in ("pci", "scsi_host", "mdev"):
        return 0
    if f.pci == f.pcie:
        return f.pci
    if pci_present(hd.info) or hd.type == "mdev":
        return f.pcie
    if hd.type == "scsi_host":
        return f.pci if hd.scsi_host_model == "virtio-transitional" else f.virtio
    # The host device's own PCIe-ness is unknown here: PCIe, as libvirt
    # assumes for a device it cannot read.
    return f.pcie


# -- the devices in libvirt's order -----------------------------------------------


def _ordered(dom: Domain, caps: Any) -> Iterator[tuple[str, Any, DeviceInfo]]:
    """qemuDomainAssignDevicePCISlots: the devices that want a slot (USB2
    controllers are yielded too: they share slots)."""
    d = dom.devices
    for cont in d.controllers:
        if (cont.type == "pci" and cont.model not in ("pci-root", "pcie-root")
                and pci_wanted(cont.info)):
            yield "controller", cont, cont.info
    for fs in d.filesystems:
        info = device_info(fs)
        if info is not None and pci_wanted(info):
            yield "fs", fs, info
    for net in d.interfaces:
        info = device_info(net)
        if net.type != "hostdev" and info is not None and pci_wanted(info):
            yield "net", net, info
    for sound in d.sounds:
        if pci_wanted(sound.info) and sound.model not in ("sb16", "pcspk", "usb"):
            yield "sound", sound, sound.info
    for cont in d.controllers:
        if cont.type in ("pci", "fdc", "ccid") or (cont.type == "usb" and cont.model == "none"):
            continue
        if (cont.type == "ide" and cont.index == 0) or (
                cont.type == "scsi" and cont.model == "ncr53c90"):
            continue
        if pci_wanted(cont.info):
            yield "controller", cont, cont.info
    for disk in d.disks:
        if disk.bus != "virtio" or pci_present(disk.info):
            continue
        a = disk.info.address
        if isinstance(a, CCWAddress) or (isinstance(a, VirtioMMIOAddress)
                                         and caps.has("virtio-mmio")):
            continue
        if not pci_wanted(disk.info):
            raise ConfigError(f"virtio disk cannot have an address of type '{a.type}'")  # type: ignore[union-attr]
        yield "disk", disk, disk.info
    for hd in d.hostdevs:
        info = device_info(hd)
        if info is not None and pci_wanted(info) and wants_pci_slot(hd):
            yield "hostdev", hd, info
    bal = d.memballoon
    if bal is not None and bal.model != "none" and pci_wanted(bal.info):
        yield "memballoon", bal, bal.info
    for rng in d.rngs:
        if pci_wanted(rng.info):
            yield "rng", rng, rng.info
    wd = d.watchdog
    if wd is not None and wd.model == "i6300esb" and pci_wanted(wd.info):
        yield "watchdog", wd, wd.info
    for video in d.videos:
        if video.type not in ("none", "ramfb") and pci_wanted(video.info):
            yield "video", video, video.info
    for shmem in d.shmems:
        if pci_wanted(shmem.info):
            yield "shmem", shmem, shmem.info
    for inp in d.inputs:
        if inp.bus == "virtio" and pci_wanted(inp.info):
            yield "input", inp, inp.info
    for serial in d.serials:
        if serial.target_type == "pci-serial" and pci_wanted(serial.info):
            yield "serial", serial, serial.info
    if d.iommu is not None and d.iommu.model == "virtio" and pci_wanted(d.iommu.info):
        yield "iommu", d.iommu, d.iommu.info
    if d.vsock is not None and pci_wanted(d.vsock.info):
        yield "vsock", d.vsock, d.vsock.info
    for mem in d.memories:
        info = device_info(mem)
        if mem.model in ("virtio-pmem", "virtio-mem") and info is not None and pci_wanted(info):
            yield "memory", mem, info


def _is_usb2(cont: Any) -> bool:
    return bool(cont.type == "usb" and cont.model in _USB2_FUNCTIONS)


def _assign_slots(dom: Domain, addrs: _AddressSet, f: _Flags, caps: Any) -> None:
    for kind, dev, info in _ordered(dom, caps):
        flags = device_flags(kind, dev, f)
        if kind == "controller" and _is_usb2(dev):
            _assign_usb2(dom, dev, addrs, flags)
        else:
            addrs.reserve_next(info, flags)


def _assign_usb2(dom: Domain, cont: Controller, addrs: _AddressSet, flags: int) -> None:
    """The ICH9 EHCI and its UHCI companions share one slot."""
    function, multi = _USB2_FUNCTIONS[cont.model or ""]
    base = next((c.info.address for c in dom.devices.controllers
                 if _is_usb2(c) and c.index == cont.index and pci_present(c.info)), None)
    if isinstance(base, PCIAddress):
        a = PCIAddress(base.domain, base.bus, base.slot, function, multi)
        addrs.reserve(a, flags, group=addrs.groups.get(id(cont.info), 0))
        cont.info.address = a
        return
    addrs.reserve_next(cont.info, flags, function)
    if isinstance(cont.info.address, PCIAddress) and not addrs.dry_run:
        cont.info.address.multifunction = multi


# -- the chipsets ----------------------------------------------------------------


# The fixed functions of the chipsets' built-in controllers (only read).
_PIIX3_IDE = PCIAddress(0, 0, 1, 1)
_PIIX3_USB = PCIAddress(0, 0, 1, 2)
_Q35_SATA = PCIAddress(0, 0, 0x1F, 2)
# The functions reserved beside them (only read too).
_PIIX3_ISA = PCIAddress(0, 0, 1, 0)
_PIIX3_PM = PCIAddress(0, 0, 1, 3)
_Q35_LPC = PCIAddress(0, 0, 0x1F, 0, True)
_Q35_SMBUS = PCIAddress(0, 0, 0x1F, 3)


def _reserve_on_slot(addrs: _AddressSet, a: PCIAddress, flags: int, validated: bool) -> None:
    """A chipset function of bus 0, validated with the first of its slot."""
    if validated:
        addrs.reserve_validated(a, flags)
    else:
        addrs.reserve(a, flags)


def _fix_controller(cont: Controller, where: PCIAddress, message: str) -> None:
    a = cont.info.address
    if pci_present(cont.info):
        assert isinstance(a, PCIAddress)
        if (a.domain, a.bus, a.slot, a.function) != (where.domain, where.bus, where.slot,
                                                     where.function):
            raise ConfigError(message, code="internal error")
    else:
        cont.info.address = PCIAddress(where.domain, where.bus, where.slot, where.function)


def _primary_video(dom: Domain, addrs: _AddressSet, slot: int, flags: int,
                   f: _Flags) -> None:
    videos = dom.devices.videos
    if not videos or videos[0].type in ("none", "ramfb") or not pci_wanted(videos[0].info):
        return
    primary = videos[0]
    a = PCIAddress(0, 0, slot, 0)
    addrs.validate(a, flags, True)
    if addrs.in_use(a):
        addrs.reserve_next(primary.info, device_flags("video", primary, f))
    else:
        addrs.reserve_validated(a, flags)
        primary.info.address = a


def _piix3(dom: Domain, addrs: _AddressSet, f: _Flags) -> None:
    """qemuDomainValidateDevicePCISlotsPIIX3: the IDE and USB functions of
    slot 1, the primary video card at slot 2."""
    flags = AUTOASSIGN | PCI_DEVICE
    # All the reservations are functions of slot 1: one validation does.
    validated = False
    for cont in dom.devices.controllers:
        if cont.type == "ide" and cont.index == 0:
            _fix_controller(cont, _PIIX3_IDE,
                            "Primary IDE controller must have PCI address 0:0:1.1")
        elif (cont.type == "usb" and cont.index == 0
              and cont.model in (None, "piix3-uhci")):
            _fix_controller(cont, _PIIX3_USB,
                            "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2")
        else:
            continue
        if addrs.buses:
            assert isinstance(cont.info.address, PCIAddress)
            _reserve_on_slot(addrs, cont.info.address, flags, validated)
            validated = True
    if addrs.buses:
        _reserve_on_slot(addrs, _PIIX3_ISA, flags, validated)
        addrs.reserve_validated(_PIIX3_PM, flags)
    _primary_video(dom, addrs, 2, flags, f)


def _q35(dom: Domain, addrs: _AddressSet, f: _Flags) -> None:
    """qemuDomainValidateDevicePCISlotsQ35: SATA 0 at 1f.2 (the LPC bridge
    and SMBus beside it), USB2 at 1d/1a, a DMI bridge at 1e, the primary
    video card at slot 1 and an ICH9 sound card at 1b where free."""
    flags = PCIE_DEVICE
    for cont in dom.devices.controllers:
        if cont.type == "sata" and cont.index == 0:
            _fix_controller(cont, _Q35_SATA,
                            "Primary SATA controller must have PCI address 0:0:1f.2")
        elif cont.type == "usb" and cont.model == "ich9-uhci1" and cont.info.address is None:
            for slot in (0x1D, 0x1A):
                a = PCIAddress(0, 0, slot, 0)
                if not addrs.in_use(a):
                    addrs.reserve(a, flags)
                    cont.info.address = PCIAddress(0, 0, slot, 0, True)
                    break
        elif (cont.type == "pci" and cont.model == "dmi-to-pci-bridge"
              and cont.info.address is None):
            a = PCIAddress(0, 0, 0x1E, 0)
            if not addrs.in_use(a):
                addrs.reserve(a, flags)
                cont.info.address = PCIAddress(0, 0, 0x1E, 0)
    if addrs.buses:
        addrs.reserve(_Q35_LPC, flags)
        addrs.reserve_validated(_Q35_SMBUS, flags)
    _primary_video(dom, addrs, 1, flags, f)
    sound_slot = PCIAddress(0, 0, 0x1B, 0)
    if not addrs.in_use(sound_slot):
        for sound in dom.devices.sounds:
            if sound.model == "ich9" and pci_wanted(sound.info):
                addrs.reserve(sound_slot, flags)
                sound.info.address = PCIAddress(0, 0, 0x1B, 0)
                break


# -- the address set -------------------------------------------------------------


def _make_set(dom: Domain, caps: Any, nbuses: int, dry_run: bool, f: _Flags,
              groups: dict[int, int], infos: list[tuple[str, Any, DeviceInfo]]
              ) -> _AddressSet:
    """qemuDomainPCIAddressSetCreate, then the addresses the config gives."""
    models: list[_Bus | None] = [None] * nbuses
    pcie_root = False  # any pcie-root, whatever its index
    for cont in dom.devices.controllers:
        if cont.type != "pci":
            continue
        if cont.index >= nbuses:
            raise ConfigError(f"Inappropriate new pci controller index {cont.index} exceeds "
                              "addrs array length", code="internal error")
        models[cont.index] = _bus(cont.model or "", cont.hotplug != "off")
        pcie_root = pcie_root or cont.model == "pcie-root"
    if nbuses and models[0] is None:
        models[0] = _bus("pci-root")
    pseries = ctl.is_pseries(dom)  # asked three times below
    if pseries:
        default = "pci-root"
    elif pcie_root:
        default = "pcie-root-port"
    else:
        default = "pci-bridge"
    buses = [bus if bus is not None else _bus(default) for bus in models]
    if buses and pseries:
        # qemuDomainSetupIsolationGroups: no host device on the default PHB.
        buses[0].isolation_locked = True
    addrs = _AddressSet(buses, dry_run, pseries, bool(caps.has("pcie-pci-bridge")),
                        groups)
    _collect(infos, addrs, f)
    return addrs


def _collect(infos: list[tuple[str, Any, DeviceInfo]], addrs: _AddressSet, f: _Flags) -> None:
    """qemuDomainCollectPCIAddress."""
    for kind, dev, info in infos:
        a = info.address
        # (pci_present, inline: this runs for every device of both passes)
        if not (isinstance(a, PCIAddress) and (a.domain or a.bus or a.slot)) or (
                isinstance(dev, Hostdev) and dev.parent is not None):
            continue
        # PIIX3's IDE and USB functions are reserved with the chipset.
        if kind == "controller" and (a.domain, a.bus, a.slot) == (0, 0, 1) and (
                (dev.type == "ide" and dev.index == 0 and a.function == 1)
                or (dev.type == "usb" and dev.index == 0
                    and dev.model in (None, "piix3-uhci") and a.function == 2)):
            if addrs.buses and not addrs.buses[0].flags & PCI_DEVICE:
                raise ConfigError("Bus 0 must be PCI for integrated PIIX3 USB or IDE "
                                  "controllers", code="internal error")
            continue
        addrs.reserve(a, device_flags(kind, dev, f) or PCI_DEVICE,
                      group=addrs.groups.get(id(info), 0))


def _chipset(dom: Domain, addrs: _AddressSet, f: _Flags) -> None:
    if ctl.machine_is_i440fx(dom):
        _piix3(dom, addrs, f)
    elif ctl.machine_is_q35(dom):
        _q35(dom, addrs, f)


def assign_pci_addresses_modern(dom: Domain, caps: Any, supports_pci: bool) -> None:
    """qemuDomainAssignPCIAddresses of libvirt 9.0."""
    if dom.pci_assigned and not any(pci_wanted(info) for _, _, info in _ordered(dom, caps)):
        return  # the start's pass would only check the addresses again
    # The root bus (index 0) stays as it is: the passes add other buses only.
    root = ctl.find_controller(dom, "pci", 0)
    root_model = root.model if root is not None else None
    f = _connect_flags(root_model == "pcie-root", caps)
    groups = _isolation_groups(dom, caps)
    # The devices, listed once for both passes: the dry pass only adds PCI
    # controllers, without an address (appended here for the final steps).
    infos = device_infos(dom)
    max_idx = max([c.index for c in dom.devices.controllers if c.type == "pci"], default=-1)
    nbuses = max_idx + 1
    if nbuses > 0:
        dry = _make_set(dom, caps, nbuses, True, f, groups, infos)
        _chipset(dom, dry, f)
        if root_model == "pci-root" and not all(bus.fully_reserved() for bus in dry.buses):
            # A spare slot, for a bridge to come.
            dry.reserve_next(None, AUTOASSIGN | PCI_DEVICE)
        _assign_slots(dom, dry, f, caps)
        if max_idx <= 0 and len(dry.buses) > max_idx + 1 and root_model == "pcie-root":
            # A definition leaving PCI to libvirt gets a root port for hot-plug.
            dry.reserve_next(None, AUTOASSIGN | PCIE_DEVICE)
        index = 1
        while index < len(dry.buses):
            model = dry.buses[index].model
            if ctl.find_controller(dom, "pci", index) is None:
                cont = ctl.add_controller(dom, "pci", index, model)
                infos.append(("controller", cont, cont.info))
                if model not in ("pci-root", "pcie-root"):
                    dry.reserve_next(None, controller_flags(cont, f))
            index += 1
        nbuses = len(dry.buses)
    final = _make_set(dom, caps, nbuses, False, f, groups, infos)
    if not supports_pci:
        return
    _chipset(dom, final, f)
    _assign_slots(dom, final, f, caps)
    _set_multifunction(infos)
    for cont in dom.devices.controllers:
        if cont.type == "pci":
            _controller_defaults(dom, cont, caps)
    dom.pci_assigned = True


def _isolation_groups(dom: Domain, caps: Any) -> dict[int, int]:
    """qemuDomainSetupIsolationGroups (pSeries only): a PCI host device's
    group is its host IOMMU group plus one."""
    if not ctl.is_pseries(dom):
        return {}
    iommu: dict[str, int] = {}
    for dev in caps.table("pci").get("devices", ()) or ():
        if dev.get("iommu_group") is not None:
            iommu[str(dev.get("address"))] = int(dev["iommu_group"])
    groups: dict[int, int] = {}
    for hd in dom.devices.hostdevs:
        info = device_info(hd)
        if info is None or hd.mode != "subsystem" or hd.type != "pci":
            continue
        where = f"{hd.domain:04x}:{hd.bus:02x}:{hd.slot:02x}.{hd.function:x}"
        if where in iommu:
            groups[id(info)] = iommu[where] + 1
    return groups


def _set_multifunction(infos: list[tuple[str, Any, DeviceInfo]]) -> None:
    """virDomainPCIAddressSetAllMulti: function 0 of a slot with other
    functions in use says multifunction='on' unless told otherwise."""
    firsts: list[PCIAddress] = []  # function 0, multifunction not given
    used: set[tuple[int, int, int]] = set()  # slots with another function in use
    for _, _, info in infos:
        a = info.address
        if not isinstance(a, PCIAddress):
            continue
        if a.function != 0:
            used.add((a.domain, a.bus, a.slot))
        elif a.multifunction is None:
            firsts.append(a)
    for a in firsts:
        if (a.domain, a.bus, a.slot) in used:
            a.multifunction = True


# -- controller defaults ----------------------------------------------------------

# qemuDomainPCIControllerSetDefaultModelName, where it differs from 1.3.1's table.
_MODEL_NAMES = {
    **PCI_DEFAULT_MODEL_NAME,
    "pcie-to-pci-bridge": "pcie-pci-bridge",
    "pci-expander-bus": "pxb",
    "pcie-expander-bus": "pxb-pcie",
}


def _controller_defaults(dom: Domain, cont: Controller, caps: Any) -> None:
    """The end of qemuDomainAssignPCIAddresses: model names and the target
    options of each PCI controller."""
    if cont.model_name is None:
        if cont.model == "pcie-root-port":
            cont.model_name = "pcie-root-port" if caps.has("pcie-root-port") else "ioh3420"
        elif cont.model == "pci-root":
            cont.model_name = "spapr-pci-host-bridge" if ctl.is_pseries(dom) else None
        else:
            cont.model_name = _MODEL_NAMES.get(cont.model or "")
    a = cont.info.address
    bus = a.bus if isinstance(a, PCIAddress) else 0
    ctl.set_port_defaults(cont)
    if cont.model in ("pci-expander-bus", "pcie-expander-bus") and cont.bus_nr is None:
        cont.bus_nr = _new_bus_nr(dom)
        if cont.bus_nr is None:
            raise ConfigError(f"No free busNr lower than current lowest busNr is available "
                              f"to auto-assign to bus {bus}. Must be manually assigned")
    elif cont.model == "pci-root" and ctl.is_pseries(dom) and cont.target_index is None:
        # The implicit PHB is target 0; the others take the first free index.
        cont.target_index = 0 if cont.index == 0 else _new_target_index(dom)
        if cont.target_index is None:
            raise ConfigError(f"No usable target index found for {bus}")
    if cont.model == "pci-bridge" and isinstance(a, PCIAddress) and cont.index <= a.bus:
        raise ConfigError(f"PCI controller at index {cont.index} (0x{cont.index:02x}) has "
                          f"bus='0x{a.bus:02x}', but index must be larger than bus")


def _new_target_index(dom: Domain) -> int | None:
    """qemuDomainAddressFindNewTargetIndex."""
    used = {c.target_index for c in dom.devices.controllers if ctl.is_pseries_phb(c)}
    return next((i for i in range(1, 32) if i not in used), None)


def _new_bus_nr(dom: Domain) -> int | None:
    """qemuDomainAddressFindNewBusNr: two below the lowest busNr in use
    (one for the expander bus, one for its built-in bridge)."""
    lowest = min((c.bus_nr for c in dom.devices.controllers
                  if c.type == "pci" and c.bus_nr is not None), default=256)
    return lowest - 2 if lowest > 2 else None
