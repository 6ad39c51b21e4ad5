"""The PCI buses of a domain and the slots in use (virDomainPCIAddressSet, libvirt 1.3.1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError
from ..model.address import DeviceInfo, PCIAddress

HOTPLUGGABLE = 1 << 0
TYPE_PCI = 1 << 1
TYPE_PCIE = 1 << 2
EITHER_IF_CONFIG = 1 << 3
TYPE_PCIE_PORT = 1 << 4
TYPE_PCIE_SWITCH = 1 << 5
TYPES_MASK = TYPE_PCI | TYPE_PCIE | TYPE_PCIE_PORT | TYPE_PCIE_SWITCH
PCI_DEVICE = HOTPLUGGABLE | TYPE_PCI
SLOT_LAST = 31


def _addr_str(a: PCIAddress) -> str:
    return f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function}"


@dataclass(slots=True)
class PCIBus:
    model: str = "pci-bridge"
    flags: int = 0
    min_slot: int = 1
    max_slot: int = SLOT_LAST
    slots: list[int] = field(default_factory=lambda: [0] * (SLOT_LAST + 1))

    def set_model(self, model: str | None) -> None:
        if model in ("pci-bridge", "pci-root"):
            self.flags, self.min_slot, self.max_slot = HOTPLUGGABLE | TYPE_PCI, 1, SLOT_LAST
        elif model == "pcie-root":
            self.flags, self.min_slot, self.max_slot = TYPE_PCIE | EITHER_IF_CONFIG, 1, SLOT_LAST
        elif model == "dmi-to-pci-bridge":
            self.flags, self.min_slot, self.max_slot = TYPE_PCI, 1, SLOT_LAST
        elif model in ("pcie-root-port", "pcie-switch-downstream-port"):
            self.flags = TYPE_PCIE | TYPE_PCIE_PORT | HOTPLUGGABLE
            self.min_slot, self.max_slot = 0, 0
        elif model == "pcie-switch-upstream-port":
            self.flags, self.min_slot, self.max_slot = TYPE_PCIE_SWITCH, 0, SLOT_LAST
        else:
            raise ConfigError(f"Invalid PCI controller model {model}")
        self.model = model or "pci-bridge"

    def fully_reserved(self) -> bool:
        return 0 not in self.slots[self.min_slot:self.max_slot + 1]


def _flags_compatible(
    addr: PCIAddress, bus_flags: int, dev_flags: int, report: bool, from_config: bool
) -> bool:
    # libvirt 9.0 words an address from the config as an XML error, one of
    # its own choosing as an internal error.
    code = "XML error" if from_config else "internal error"
    if from_config:
        # An address from the config may put a PCI device on a PCIe bus
        # (and vice versa) where the bus allows it, and hot-plug is not
        # required of it.
        if bus_flags & EITHER_IF_CONFIG:
            bus_flags |= TYPE_PCI | TYPE_PCIE
        dev_flags &= ~HOTPLUGGABLE
    mask = TYPES_MASK
    if not dev_flags & bus_flags & mask:
        if report:
            where = f"{addr.domain:04x}:{addr.bus:02x}"
            if dev_flags & TYPE_PCI:
                need = "a standard PCI slot"
            elif dev_flags & TYPE_PCIE:
                need = "a PCI Express slot"
            else:
                raise ConfigError(
                    f"The device information for {_addr_str(addr)} "
                    "has no PCI connection types listed", code=code)
            raise ConfigError(
                f"PCI bus is not compatible with the device at {_addr_str(addr)}. "
                f"Device requires {need}, which is not provided by bus {where}", code=code)
        return False
    if dev_flags & HOTPLUGGABLE and not bus_flags & HOTPLUGGABLE:
        if report:
            where = f"{addr.domain:04x}:{addr.bus:02x}"
            raise ConfigError(
                f"PCI bus is not compatible with the device at {_addr_str(addr)}. "
                f"Device requires hot-plug capability, which is not provided by bus {where}",
                code=code)
        return False
    return True


class PCIAddressSet:
    """virDomainPCIAddressSet: buses with a bitmap of used functions per slot."""

    __slots__ = ("buses", "dry_run", "last_addr", "last_flags")

    def __init__(self, nbuses: int, dry_run: bool) -> None:
        self.buses = [PCIBus() for _ in range(nbuses)]
        self.dry_run = dry_run
        self.last_addr = PCIAddress()
        self.last_flags = 0
        if nbuses:
            self.buses[0].set_model("pci-root")
        for bus in self.buses[1:]:
            bus.set_model("pci-bridge")

    def grow(self, addr: PCIAddress, flags: int) -> int:
        add = addr.bus - len(self.buses) + 1
        if add <= 0:
            return 0
        if not flags & TYPE_PCI:
            raise ConfigError(
                "Cannot automatically add a new PCI bus for a device requiring a slot "
                "other than standard PCI."
            )
        for _ in range(add):
            bus = PCIBus()
            bus.set_model("pci-bridge")
            self.buses.append(bus)
        return add

    def validate(self, addr: PCIAddress, flags: int, from_config: bool) -> None:
        s = _addr_str  # formatted only for an error: this runs for every device
        code = "XML error" if from_config else "internal error"
        if not self.buses:
            raise ConfigError("No PCI buses available", code=code)
        if addr.domain != 0:
            raise ConfigError(f"Invalid PCI address {s(addr)}. Only PCI domain 0 is available",
                              code=code)
        if addr.bus >= len(self.buses):
            raise ConfigError(
                f"Invalid PCI address {s(addr)}. "
                f"Only PCI buses up to {len(self.buses) - 1} are available", code=code)
        bus = self.buses[addr.bus]
        _flags_compatible(addr, bus.flags, flags, True, from_config)
        if bus.min_slot and addr.slot < bus.min_slot:
            raise ConfigError(f"Invalid PCI address {s(addr)}. slot must be >= {bus.min_slot}",
                              code=code)
        if addr.slot > bus.max_slot:
            raise ConfigError(f"Invalid PCI address {s(addr)}. slot must be <= {bus.max_slot}",
                              code=code)
        if addr.function > 7:
            raise ConfigError(f"Invalid PCI address {s(addr)}. function must be <= 7",
                              code=code)

    def reserve_addr(
        self, addr: PCIAddress, flags: int, entire_slot: bool, from_config: bool
    ) -> None:
        if self.dry_run:
            self.grow(addr, flags)
        self.validate(addr, flags, from_config)
        bus = self.buses[addr.bus]
        if entire_slot:
            if bus.slots[addr.slot]:
                raise ConfigError(
                    f"Attempted double use of PCI slot {_addr_str(addr)} "
                    "(may need \"multifunction='on'\" for device on function 0)"
                )
            bus.slots[addr.slot] = 0xFF
        else:
            if bus.slots[addr.slot] & (1 << addr.function):
                if addr.function == 0:
                    raise ConfigError(f"Attempted double use of PCI Address {_addr_str(addr)}")
                raise ConfigError(
                    f"Attempted double use of PCI Address {_addr_str(addr)} "
                    "(may need \"multifunction='on'\" for device on function 0)"
                )
            bus.slots[addr.slot] |= 1 << addr.function

    def reserve_function(self, addr: PCIAddress, flags: int, from_config: bool) -> None:
        """libvirt 9.0's virDomainPCIAddressReserveAddr: one function, never
        the whole slot; a clash is the config's fault (an XML error) or, for
        an address libvirt picked, an internal error."""
        if self.dry_run:
            self.grow(addr, flags)
        self.validate(addr, flags, from_config)
        bus = self.buses[addr.bus]
        if bus.slots[addr.slot] & (1 << addr.function):
            raise ConfigError(f"Attempted double use of PCI Address {_addr_str(addr)}",
                              code="XML error" if from_config else "internal error")
        bus.slots[addr.slot] |= 1 << addr.function

    def reserve_slot(self, addr: PCIAddress, flags: int) -> None:
        self.reserve_addr(addr, flags, True, False)

    def reserve_checked_slot(self, addr: PCIAddress) -> None:
        """``reserve_slot`` of an address that passed ``validate`` (not from
        the config) and whose slot is unused: nothing left to check."""
        self.buses[addr.bus].slots[addr.slot] = 0xFF

    def slot_in_use(self, addr: PCIAddress) -> bool:
        return bool(self.buses[addr.bus].slots[addr.slot])

    def next_slot(self, flags: int) -> PCIAddress:
        """virDomainPCIAddressGetNextSlot."""
        return self._next_slot(flags)[0]

    def _next_slot(self, flags: int) -> tuple[PCIAddress, bool]:
        """The next slot, and whether the search found it free on a bus
        that takes the device (else it is on a bus the dry run added)."""
        a = PCIAddress()
        if flags == self.last_flags:
            a = PCIAddress(self.last_addr.domain, self.last_addr.bus, self.last_addr.slot)
        if not self.buses:
            raise ConfigError("No PCI buses available")
        a.slot += 1
        while a.bus < len(self.buses):
            bus = self.buses[a.bus]
            if _flags_compatible(a, bus.flags, flags, False, False):
                a.slot = max(a.slot, bus.min_slot)
                while a.slot <= bus.max_slot:
                    if not self.slot_in_use(a):
                        return a, True
                    a.slot += 1
            a.bus += 1
            a.slot = self.buses[a.bus].min_slot if a.bus < len(self.buses) else 1
        if self.dry_run:
            self.grow(a, flags)
            return a, False
        if flags == self.last_flags:
            for bus_index in range(0, self.last_addr.bus + 1):
                b = PCIAddress(0, bus_index, 1)
                bus = self.buses[bus_index]
                if not _flags_compatible(b, bus.flags, flags, False, False):
                    continue
                for slot in range(bus.min_slot, bus.max_slot + 1):
                    b.slot = slot
                    if not self.slot_in_use(b):
                        return b, True
        raise ConfigError("No more available PCI slots")

    def reserve_next_slot(self, info: DeviceInfo | None, flags: int) -> None:
        addr, free = self._next_slot(flags)
        if free:
            # ``reserve_slot``'s checks would all pass: domain 0, function 0,
            # a compatible bus, a slot in its range and unused.
            self.reserve_checked_slot(addr)
        else:
            self.reserve_slot(addr, flags)
        if not self.dry_run and info is not None:
            info.address = PCIAddress(addr.domain, addr.bus, addr.slot, 0)
        self.last_addr = addr
        self.last_flags = flags
