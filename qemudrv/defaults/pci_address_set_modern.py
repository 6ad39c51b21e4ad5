"""The PCI address set of libvirt 9.0 (virDomainPCIAddressSet of
domain_addr.c): the buses, what each accepts and which of its slots and
functions are in use; it checks, reserves and finds free addresses, and
grows by the buses a dry pass finds missing.
"""

from __future__ import annotations

from ..errors import ConfigError
from ..model.address import DeviceInfo, PCIAddress
from .pci_connect_flags import (
    AGGREGATE,
    AUTOASSIGN,
    CONTROLLER_PLUG,
    DMI_BRIDGE,
    ENDPOINTS,
    HOTPLUG,
    INTEGRATED,
    PCI_BRIDGE,
    PCI_DEVICE,
    PCI_EXPANDER,
    PCIE_DEVICE,
    PCIE_EXPANDER,
    PCIE_TO_PCI,
    ROOT_PORT,
    SWITCH_DOWN,
    SWITCH_UP,
    TYPES,
)

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

# The names of connect types in libvirt's incompatibility message.
_CONNECT_NAMES = (
    (PCI_DEVICE, "standard PCI device"), (PCIE_DEVICE, "PCI Express device"),
    (ROOT_PORT, "pcie-root-port"), (SWITCH_UP, "pcie-switch-upstream-port"),
    (SWITCH_DOWN, "pcie-switch-downstream-port"), (DMI_BRIDGE, "dmi-to-pci-bridge"),
    (PCIE_TO_PCI, "pcie-to-pci-bridge"), (PCI_EXPANDER, "pci-expander-bus"),
    (PCIE_EXPANDER, "pcie-expander-bus"), (PCI_BRIDGE, "pci-bridge"),
)


def _addr_str(a: PCIAddress) -> str:
    return f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function}"


def _code(from_config: bool) -> str:
    """An address from the definition is the user's error, else libvirt's."""
    return "XML error" if from_config else "internal error"


class Bus:
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


def new_bus(model: str, hotplug: bool = True) -> Bus:
    found = _BUS_MODELS.get(model)
    if found is None:
        raise ConfigError("PCI controller model was not set correctly", code="internal error")
    flags, hotpluggable, min_slot, max_slot = found
    if hotpluggable and hotplug:
        flags |= HOTPLUG
    return Bus(model, flags, min_slot, max_slot)


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


class AddressSet:
    """virDomainPCIAddressSet."""

    __slots__ = ("buses", "dry_run", "groups", "multiple_roots", "pcie_to_pci")

    def __init__(self, buses: list[Bus], dry_run: bool, multiple_roots: bool,
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

    def _claim(self, bus: Bus, a: PCIAddress, flags: int, from_config: bool,
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
            plug = next((m for m, f in CONTROLLER_PLUG.items() if flags & f & ~AGGREGATE),
                        None)
            if plug is not None:
                raise ConfigError(f"a PCI slot is needed to connect a PCI controller "
                                  f"model='{plug}', but none is available, and it cannot "
                                  "be automatically added", code="internal error")
            raise ConfigError("Cannot automatically add a new PCI bus for a device with "
                              f"connect flags {flags:02x}", code="internal error")
        new: list[Bus] = []
        if need_dmi:
            new.append(new_bus("dmi-to-pci-bridge", False))
        if need_pcie_to_pci:
            # Only the bridge may take this root port: a dummy device
            # reserving a hot-plug slot must get a port of its own.
            port = new_bus("pcie-root-port")
            port.flags = PCIE_TO_PCI
            new += [port, new_bus("pcie-to-pci-bridge")]
        new += [new_bus(model) for _ in range(add - len(new))]
        self.buses += new

    def _free_on_bus(self, b: int, bus: Bus, flags: int, function: int | None
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
