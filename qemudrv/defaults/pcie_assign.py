"""PCI address assignment of libvirt 9.0 on machines whose bus 0 is a
pcie-root (q35, ARM and RISC-V virt): qemuDomainAssignPCIAddresses with
per-device connection types.

Every hot-pluggable PCIe device gets a pcie-root-port of its own (a root
port has one slot); root ports share the slots of pcie-root, eight
functions each. Conventional PCI devices go behind a pcie-to-pci-bridge.
A first, dry pass counts the buses the devices need, the missing
controllers are added, then the real pass assigns; a definition that left
all PCI controllers to libvirt gets one spare root port for hot-plug.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..model.address import DeviceInfo, PCIAddress
from ..model.controller import Controller
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from . import controllers as ctl
from .device_infos import device_info, device_infos
from .hostdev import wants_pci_slot
from .memory import pci_memory_devices

# virDomainPCIConnectFlags
HOTPLUG = 1 << 0
AGGREGATE = 1 << 1
PCI_DEVICE = 1 << 2
PCIE_DEVICE = 1 << 3
ROOT_PORT = 1 << 4
SWITCH_UP = 1 << 5
SWITCH_DOWN = 1 << 6
DMI_BRIDGE = 1 << 7
PCIE_TO_PCI = 1 << 8
PCI_BRIDGE = 1 << 9
TYPES = PCI_DEVICE | PCIE_DEVICE | ROOT_PORT | SWITCH_UP | SWITCH_DOWN | DMI_BRIDGE \
    | PCIE_TO_PCI | PCI_BRIDGE

PCIE = PCIE_DEVICE | HOTPLUG
PCI = PCI_DEVICE | HOTPLUG

# virDomainPCIAddressBusSetModel: (accepted types, min slot, max slot)
_BUS = {
    "pcie-root": (PCIE_DEVICE | ROOT_PORT | DMI_BRIDGE, 1, 31),
    "pcie-root-port": (PCIE_DEVICE | SWITCH_UP | HOTPLUG, 0, 0),
    "pcie-switch-downstream-port": (PCIE_DEVICE | SWITCH_UP | HOTPLUG, 0, 0),
    "pcie-switch-upstream-port": (SWITCH_DOWN, 0, 31),
    "pcie-to-pci-bridge": (PCI_DEVICE | HOTPLUG, 1, 31),
    "pci-bridge": (PCI_DEVICE | PCI_BRIDGE | HOTPLUG, 1, 31),
    "dmi-to-pci-bridge": (PCI_DEVICE | PCI_BRIDGE, 0, 31),
}

# The connection type of a PCI controller plugged somewhere.
_CONTROLLER_PLUG = {
    "pcie-root-port": ROOT_PORT | AGGREGATE,
    "pcie-switch-upstream-port": SWITCH_UP,
    "pcie-switch-downstream-port": SWITCH_DOWN,
    "dmi-to-pci-bridge": DMI_BRIDGE,
    "pcie-to-pci-bridge": PCIE_DEVICE,
    "pci-bridge": PCI_BRIDGE,
}


@dataclass
class _Bus:
    model: str
    accepts: int
    min_slot: int
    max_slot: int
    functions: list[int] = field(default_factory=lambda: [0] * 32)
    aggregate: list[bool] = field(default_factory=lambda: [False] * 32)


def _bus(model: str) -> _Bus:
    found = _BUS.get(model)
    if found is None:
        raise ConfigError(f"Invalid PCI controller model {model}")
    return _Bus(model, *found)


def _fits(bus: _Bus, flags: int, from_config: bool) -> bool:
    if not bus.accepts & flags & TYPES:
        return False
    return from_config or not flags & HOTPLUG or bool(bus.accepts & HOTPLUG)


class _AddressSet:
    def __init__(self, models: list[str], dry_run: bool, pci_bridge_model: str) -> None:
        self.buses = [_bus(m) for m in models]
        self.dry_run = dry_run
        self.pci_bridge_model = pci_bridge_model

    def reserve(self, addr: PCIAddress, flags: int, from_config: bool = False) -> None:
        if addr.bus >= len(self.buses):
            raise ConfigError(
                f"Invalid PCI address {addr.domain:04x}:{addr.bus:02x}:{addr.slot:02x}."
                f"{addr.function}. Only PCI buses up to {len(self.buses) - 1} are available")
        bus = self.buses[addr.bus]
        mask = 1 << addr.function
        if bus.functions[addr.slot] & mask:
            raise ConfigError(
                f"Attempted double use of PCI Address {addr.domain:04x}:{addr.bus:02x}:"
                f"{addr.slot:02x}.{addr.function}")
        bus.functions[addr.slot] |= mask
        if flags & AGGREGATE:
            bus.aggregate[addr.slot] = True

    def _free(self, flags: int) -> PCIAddress | None:
        if flags & AGGREGATE:
            for b, bus in enumerate(self.buses):
                if not _fits(bus, flags, False):
                    continue
                for slot in range(bus.min_slot, bus.max_slot + 1):
                    if bus.aggregate[slot] and bus.functions[slot] != 0xFF:
                        function = next(f for f in range(8) if not bus.functions[slot] >> f & 1)
                        return PCIAddress(0, b, slot, function)
        for b, bus in enumerate(self.buses):
            if not _fits(bus, flags, False):
                continue
            for slot in range(bus.min_slot, bus.max_slot + 1):
                if not bus.functions[slot]:
                    return PCIAddress(0, b, slot, 0)
        return None

    def grow(self, flags: int) -> None:
        """virDomainPCIAddressSetGrow: the bus a device without a slot needs."""
        if flags & PCI_DEVICE:
            if self.pci_bridge_model == "pcie-to-pci-bridge":
                # The bridge itself plugs into a root port.
                if self._free(PCIE_DEVICE | HOTPLUG) is None:
                    self.buses.append(_bus("pcie-root-port"))
                self.buses.append(_bus("pcie-to-pci-bridge"))
            else:
                if not any(b.model == "dmi-to-pci-bridge" for b in self.buses):
                    self.buses.append(_bus("dmi-to-pci-bridge"))
                self.buses.append(_bus("pci-bridge"))
        elif flags & (PCIE_DEVICE | SWITCH_UP):
            self.buses.append(_bus("pcie-root-port"))
        else:
            raise ConfigError("Cannot automatically add a new PCI bus for a device with "
                              f"connect flags 0x{flags:x}")

    def reserve_next(self, info: DeviceInfo | None, flags: int) -> None:
        addr = self._free(flags)
        if addr is None:
            if not self.dry_run:
                raise ConfigError("No more available PCI slots")
            self.grow(flags)
            addr = self._free(flags)
            if addr is None:
                raise ConfigError("No more available PCI slots")
        self.reserve(addr, flags)
        if not self.dry_run and info is not None:
            info.address = addr


def controller_flags(cont: Controller, caps: Any) -> int:
    if cont.type == "pci":
        return _CONTROLLER_PLUG.get(cont.model or "", PCI)
    if cont.type == "usb":
        if cont.model in ("qemu-xhci", "nec-xhci"):
            return PCIE
        if cont.model in ("ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3"):
            return PCI_DEVICE
        return PCI
    if cont.type == "sata":
        return PCIE_DEVICE
    if cont.type == "scsi":
        return PCIE if cont.model == "virtio-scsi" else PCI
    if cont.type == "virtio-serial":
        return PCIE
    return PCI


def device_flags(kind: str, dev: Any, caps: Any) -> int:
    """qemuDomainDeviceCalculatePCIConnectFlags on a PCIe machine: virtio
    devices and PCIe-native ones want a PCIe slot, the others a PCI one."""
    if kind == "controller":
        return controller_flags(dev, caps)
    if kind == "iommu":
        # Integrated: a virtio IOMMU sits on the root complex itself.
        return PCIE_DEVICE
    model = getattr(dev, "model", None)
    if kind == "net":
        return PCIE if model in ("virtio", "e1000e", "vmxnet3") else PCI
    if kind in ("disk", "memballoon", "rng", "input", "fs", "vsock", "memory"):
        return PCIE
    if kind == "sound":
        return PCIE if model == "ich9" else PCI
    if kind == "video":
        return PCIE if getattr(dev, "type", None) in ("virtio", "bochs") else PCI
    if kind == "hostdev":
        return PCIE
    return PCI


def _wants(info: DeviceInfo | None) -> bool:
    return info is not None and info.address is None


def _ordered(dom: Domain) -> Iterator[tuple[str, Any, DeviceInfo]]:
    """qemuDomainAssignDevicePCISlots: the devices that want a slot, in
    libvirt's order."""
    d = dom.devices
    for cont in d.controllers:
        if cont.type == "pci" and cont.model not in ("pci-root", "pcie-root") and _wants(cont.info):
            yield "controller", cont, cont.info
    for fs in d.filesystems:
        info = device_info(fs)
        if info is not None and _wants(info):
            yield "fs", fs, info
    for net in d.interfaces:
        info = device_info(net)
        if net.type != "hostdev" and info is not None and _wants(info):
            yield "net", net, info
    for sound in d.sounds:
        if sound.model not in ("sb16", "pcspk", "usb") and _wants(sound.info):
            yield "sound", sound, sound.info
    for cont in d.controllers:
        if cont.type in ("pci", "fdc", "ccid", "ide"):
            continue
        if cont.type == "usb" and cont.model == "none":
            continue
        if cont.type == "sata" and cont.index == 0:
            continue
        if _wants(cont.info):
            yield "controller", cont, cont.info
    for disk in d.disks:
        if disk.bus == "virtio" and _wants(disk.info):
            yield "disk", disk, disk.info
    for hd in d.hostdevs:
        info = device_info(hd)
        if wants_pci_slot(hd) and info is not None and _wants(info):
            yield "hostdev", hd, info
    bal = d.memballoon
    if bal is not None and bal.model == "virtio" and _wants(bal.info):
        yield "memballoon", bal, bal.info
    for rng in d.rngs:
        if rng.model == "virtio" and _wants(rng.info):
            yield "rng", rng, rng.info
    wd = d.watchdog
    if wd is not None and wd.model == "i6300esb" and _wants(wd.info):
        yield "watchdog", wd, wd.info
    for video in d.videos:
        if video.type not in ("none", "ramfb") and _wants(video.info):
            yield "video", video, video.info
    for shmem in d.shmems:
        if _wants(shmem.info):
            yield "shmem", shmem, shmem.info
    for inp in d.inputs:
        if inp.bus == "virtio" and _wants(inp.info):
            yield "input", inp, inp.info
    for serial in d.serials:
        if serial.target_type == "pci-serial" and _wants(serial.info):
            yield "serial", serial, serial.info
    if d.iommu is not None and d.iommu.model == "virtio" and _wants(d.iommu.info):
        yield "iommu", d.iommu, d.iommu.info
    if d.vsock is not None and _wants(d.vsock.info):
        yield "vsock", d.vsock, d.vsock.info
    for mem in pci_memory_devices(dom):
        if _wants(mem.info):
            yield "memory", mem, mem.info


def _collect(dom: Domain, addrs: _AddressSet, caps: Any) -> None:
    for kind, dev, info in device_infos(dom):
        addr = info.address
        if not isinstance(addr, PCIAddress):
            continue
        if isinstance(dev, Hostdev) and dev.parent is not None:
            continue
        if kind == "iommu" and addr.bus != 0:
            # virDomainPCIAddressFlagsCompatible: an integrated device sits
            # on the root bus itself.
            raise ConfigError(
                f"The device at PCI address {addr.domain:04x}:{addr.bus:02x}:"
                f"{addr.slot:02x}.{addr.function} needs to be an integrated device (bus=0)",
                code="XML error")
        addrs.reserve(addr, device_flags(kind, dev, caps), from_config=True)


def _q35_chipset(dom: Domain, addrs: _AddressSet) -> None:
    """qemuDomainValidateDevicePCISlotsQ35: SATA 0 at 1f.2 (with the LPC
    bridge and SMBus beside it) and the primary video card at 01.0."""
    for cont in dom.devices.controllers:
        if cont.type == "sata" and cont.index == 0 and cont.info.address is None:
            cont.info.address = PCIAddress(0, 0, 0x1F, 2)
            addrs.reserve(cont.info.address, PCIE_DEVICE)
    bus0 = addrs.buses[0]
    for function in (0, 3):
        bus0.functions[0x1F] |= 1 << function
    videos = dom.devices.videos
    primary = videos[0] if videos else None
    if (primary is not None and primary.type not in ("none", "ramfb")
            and primary.info.address is None and not bus0.functions[1]):
        primary.info.address = PCIAddress(0, 0, 1, 0)
        addrs.reserve(primary.info.address, PCIE_DEVICE)


def _make_set(dom: Domain, models: list[str], dry_run: bool, caps: Any) -> _AddressSet:
    bridge = "pcie-to-pci-bridge" if caps.has("pcie-pci-bridge") else "dmi-to-pci-bridge"
    addrs = _AddressSet(models, dry_run, bridge)
    _collect(dom, addrs, caps)
    if ctl.machine_is_q35(dom):
        _q35_chipset(dom, addrs)
    return addrs


def _models(dom: Domain) -> list[str]:
    by_index = {c.index: c.model or "" for c in dom.devices.controllers if c.type == "pci"}
    top = max(by_index, default=-1)
    missing = [i for i in range(top + 1) if i not in by_index]
    if missing:
        raise ConfigError(
            f"Inappropriate new pci controller index {missing[0]} not found in addrs")
    return [by_index[i] for i in range(top + 1)]


def assign_pcie_addresses(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignPCIAddresses for a pcie-root machine."""
    models = _models(dom)
    max_idx = len(models) - 1
    dry = _make_set(dom, models, True, caps)
    for kind, dev, info in _ordered(dom):
        dry.reserve_next(info, device_flags(kind, dev, caps))
    if max_idx <= 0 and len(dry.buses) > max_idx + 1:
        # A definition that leaves PCI to libvirt gets a spare root port.
        dry.reserve_next(None, PCIE)
    for index in range(1, len(dry.buses)):
        if ctl.find_controller(dom, "pci", index) is None:
            cont = ctl.add_controller(dom, "pci", index, dry.buses[index].model)
            dry.reserve_next(None, controller_flags(cont, caps))
    final = _make_set(dom, [b.model for b in dry.buses], False, caps)
    for kind, dev, info in _ordered(dom):
        final.reserve_next(info, device_flags(kind, dev, caps))
    _set_multifunction(dom)


def _set_multifunction(dom: Domain) -> None:
    """virDomainPCIAddressSetAllMulti: function 0 of a slot with other
    functions in use says multifunction='on' unless told otherwise."""
    used: dict[tuple[int, int, int], int] = {}
    for _, _, info in device_infos(dom):
        a = info.address
        if isinstance(a, PCIAddress):
            key = (a.domain, a.bus, a.slot)
            used[key] = used.get(key, 0) | 1 << a.function
    for _, _, info in device_infos(dom):
        a = info.address
        if (isinstance(a, PCIAddress) and a.function == 0 and a.multifunction is None
                and used[(a.domain, a.bus, a.slot)] != 1):
            a.multifunction = True
