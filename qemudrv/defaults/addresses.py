"""Device address assignment (qemuDomainAssignAddresses of libvirt 1.3.1).

In libvirt's order: virtio-serial ports, spapr-vio registers (pseries),
CCW or virtio-s390 addresses (s390), virtio-mmio (ARM), then PCI slots.
PCI assignment first runs "dry" to learn how many buses (pci-bridges) the
devices need, adds the missing bridges, then assigns for real. Device
families whose models are not complete are read through ``getattr`` so a
missing attribute only means "no PCI address needed".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError, XMLError
from ..model.address import (
    CCWAddress,
    DeviceInfo,
    PCIAddress,
    SpaprVioAddress,
    VirtioMMIOAddress,
    VirtioS390Address,
)
from ..model.controller import PCI_DEFAULT_MODEL_NAME, Controller
from ..model.disk import Disk
from ..model.domain import Domain
from . import controllers as ctl

# -- iterating devices ---------------------------------------------------------


def iter_devices(dom: Domain) -> Iterator[tuple[str, Any]]:
    """(kind, device) in virDomainDeviceInfoIterate's order."""
    d = dom.devices
    for kind, items in (
        ("disk", d.disks),
        ("net", d.interfaces),
        ("sound", d.sounds),
        ("hostdev", d.hostdevs),
        ("video", d.videos),
        ("controller", d.controllers),
        ("smartcard", d.smartcards),
        ("serial", d.serials),
        ("parallel", d.parallels),
        ("channel", d.channels),
        ("console", d.consoles),
        ("input", d.inputs),
        ("fs", d.filesystems),
    ):
        for dev in items:
            yield kind, dev
    if d.watchdog is not None:
        yield "watchdog", d.watchdog
    if d.memballoon is not None:
        yield "memballoon", d.memballoon
    for dev in d.hubs:
        yield "hub", dev
    for dev in d.shmems:
        yield "shmem", dev
    for dev in d.rngs:
        yield "rng", dev
    if d.nvram is not None:
        yield "nvram", d.nvram
    for dev in d.redirdevs:
        yield "redirdev", dev
    if d.tpm is not None:
        yield "tpm", d.tpm
    for dev in d.panics:
        yield "panic", dev
    for dev in d.memories:
        yield "memory", dev


def _info(dev: Any) -> DeviceInfo | None:
    info = getattr(dev, "info", None)
    return info if isinstance(info, DeviceInfo) else None


def _infos(dom: Domain) -> Iterator[tuple[str, Any, DeviceInfo]]:
    for kind, dev in iter_devices(dom):
        info = _info(dev)
        if info is None:
            continue
        if kind == "console" and _console_is_serial_alias(dom, dev):
            continue
        yield kind, dev, info


def _console_is_serial_alias(dom: Domain, dev: Any) -> bool:
    """The first console of a serial type mirrors serial 0 (same info)."""
    consoles = dom.devices.consoles
    return bool(
        consoles and consoles[0] is dev and dom.devices.serials
        and getattr(dev, "target_type", None) == "serial"
    )


# -- virtio-serial, spapr-vio ----------------------------------------------------


def _assign_virtio_serial(dom: Domain) -> None:
    try:
        from . import chardev
    except ImportError:  # the chardev family is not there yet
        return
    func = getattr(chardev, "assign_virtio_serial_ports", None)
    if func is not None:
        func(dom)


VIO_ADDR_NET = 0x1000
VIO_ADDR_SCSI = 0x2000
VIO_ADDR_SERIAL = 0x30000000
VIO_ADDR_NVRAM = 0x3000


def _is_pseries(dom: Domain) -> bool:
    return ctl.is_ppc64(dom) and (dom.os.machine or "").startswith("pseries")


def _spapr_reg_in_use(dom: Domain, info: DeviceInfo) -> bool:
    reg = info.address.reg if isinstance(info.address, SpaprVioAddress) else None
    for _, _, other in _infos(dom):
        if other is info:
            continue
        a = other.address
        if isinstance(a, SpaprVioAddress) and a.reg is not None and a.reg == reg:
            return True
    return False


def _assign_spapr_reg(dom: Domain, info: DeviceInfo, default_reg: int) -> None:
    addr = info.address
    if not isinstance(addr, SpaprVioAddress):
        return
    user_reg = addr.reg is not None
    if not user_reg:
        addr.reg = default_reg
    while _spapr_reg_in_use(dom, info):
        if user_reg:
            raise XMLError(f"spapr-vio address {addr.reg:#x} already in use")
        addr.reg += 0x1000


def scsi_controller_model(dom: Domain, cont: Controller, caps: Any) -> str:
    """qemuSetSCSIControllerModel: the model of a SCSI controller without one."""
    if cont.model and cont.model != "auto":
        return cont.model
    if _is_pseries(dom):
        return "ibmvscsi"
    if caps is not None and caps.has("lsi"):
        return "lsilogic"
    if caps is not None and caps.has("virtio-scsi-pci"):
        return "virtio-scsi"
    raise ConfigError("Unable to determine model for scsi controller")


def _assign_spapr_vio(dom: Domain, caps: Any) -> None:
    for net in dom.devices.interfaces:
        info = _info(net)
        if info is None:
            continue
        if getattr(net, "model", None) == "spapr-vlan" and info.address is None:
            info.address = SpaprVioAddress(None)
        _assign_spapr_reg(dom, info, VIO_ADDR_NET)
    for cont in dom.devices.controllers:
        if cont.type == "scsi":
            model = scsi_controller_model(dom, cont, caps)
            if model == "ibmvscsi" and cont.info.address is None:
                cont.info.address = SpaprVioAddress(None)
        _assign_spapr_reg(dom, cont.info, VIO_ADDR_SCSI)
    for serial in dom.devices.serials:
        info = _info(serial)
        if info is None:
            continue
        if _is_pseries(dom) and info.address is None:
            info.address = SpaprVioAddress(None)
        _assign_spapr_reg(dom, info, VIO_ADDR_SERIAL)
    nvram = dom.devices.nvram
    if nvram is not None and _info(nvram) is not None:
        if _is_pseries(dom) and nvram.info.address is None:
            nvram.info.address = SpaprVioAddress(None)
        _assign_spapr_reg(dom, nvram.info, VIO_ADDR_NVRAM)


# -- virtio devices on s390 and ARM ---------------------------------------------


def _prime_virtio(dom: Domain, make: Any) -> None:
    """qemuDomainPrimeVirtioDeviceAddresses: address-less virtio devices get
    an address of the given kind."""
    d = dom.devices
    for disk in d.disks:
        if disk.bus == "virtio" and disk.info.address is None:
            disk.info.address = make()
    for net in d.interfaces:
        info = _info(net)
        if info is not None and getattr(net, "model", None) == "virtio" and info.address is None:
            info.address = make()
    for cont in d.controllers:
        if (
            cont.type == "virtio-serial" or (cont.type == "scsi" and cont.model == "virtio-scsi")
        ) and cont.info.address is None:
            cont.info.address = make()
    bal = d.memballoon
    if bal is not None and _info(bal) is not None:
        if getattr(bal, "model", None) == "virtio" and bal.info.address is None:
            bal.info.address = make()
    for rng in d.rngs:
        if getattr(rng, "model", None) == "virtio" and rng.info.address is None:
            rng.info.address = make()


def _ccw_key(a: CCWAddress) -> tuple[int, int, int]:
    return (a.cssid, a.ssid, a.devno)


def _assign_s390(dom: Domain, caps: Any) -> None:
    if (dom.os.machine or "").startswith("s390-ccw") and caps.has("virtio-ccw"):
        _prime_virtio(dom, lambda: CCWAddress(-1, -1, -1))
        used: set[tuple[int, int, int]] = set()
        for _, _, info in _infos(dom):
            a = info.address
            if isinstance(a, CCWAddress) and a.devno >= 0:
                key = _ccw_key(a)
                if key in used:
                    raise XMLError(
                        f"The CCW devno '{a.cssid:x}.{a.ssid:x}.{a.devno:04x}' is in use already "
                    )
                used.add(key)
        nxt = [0xFE, 0, 0]
        for _, _, info in _infos(dom):
            a = info.address
            if isinstance(a, CCWAddress) and a.devno < 0:
                while tuple(nxt) in used:
                    nxt[2] += 1
                    if nxt[2] > 0xFFFF:
                        nxt[2] = 0
                        nxt[1] += 1
                        if nxt[1] > 3:
                            raise ConfigError("There are no more free CCW devnos.")
                info.address = CCWAddress(*nxt)
                used.add(tuple(nxt))  # type: ignore[arg-type]
    elif caps.has("virtio-s390"):
        _prime_virtio(dom, VirtioS390Address)


def _assign_virtio_mmio(dom: Domain, caps: Any) -> None:
    m = dom.os.machine or ""
    if (
        dom.os.arch in ("armv7l", "aarch64")
        and (m.startswith("vexpress-") or m == "virt" or m.startswith("virt-"))
        and caps.has("virtio-mmio")
    ):
        _prime_virtio(dom, VirtioMMIOAddress)


# -- PCI -----------------------------------------------------------------------

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


@dataclass
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
        return all(self.slots[i] for i in range(self.min_slot, self.max_slot + 1))


def _flags_compatible(
    addr: PCIAddress, bus_flags: int, dev_flags: int, report: bool, from_config: bool
) -> bool:
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
                    f"The device information for {_addr_str(addr)} has no PCI connection types listed"
                )
            raise ConfigError(
                f"PCI bus is not compatible with the device at {_addr_str(addr)}. "
                f"Device requires {need}, which is not provided by bus {where}"
            )
        return False
    if dev_flags & HOTPLUGGABLE and not bus_flags & HOTPLUGGABLE:
        if report:
            where = f"{addr.domain:04x}:{addr.bus:02x}"
            raise ConfigError(
                f"PCI bus is not compatible with the device at {_addr_str(addr)}. "
                f"Device requires hot-plug capability, which is not provided by bus {where}"
            )
        return False
    return True


class PCIAddressSet:
    """virDomainPCIAddressSet: buses with a bitmap of used functions per slot."""

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
        if not self.buses:
            raise ConfigError("No PCI buses available")
        if addr.domain != 0:
            raise ConfigError(f"Invalid PCI address {s(addr)}. Only PCI domain 0 is available")
        if addr.bus >= len(self.buses):
            raise ConfigError(
                f"Invalid PCI address {s(addr)}. "
                f"Only PCI buses up to {len(self.buses) - 1} are available"
            )
        bus = self.buses[addr.bus]
        _flags_compatible(addr, bus.flags, flags, True, from_config)
        if bus.min_slot and addr.slot < bus.min_slot:
            raise ConfigError(f"Invalid PCI address {s(addr)}. slot must be >= {bus.min_slot}")
        if addr.slot > bus.max_slot:
            raise ConfigError(f"Invalid PCI address {s(addr)}. slot must be <= {bus.max_slot}")
        if addr.function > 7:
            raise ConfigError(f"Invalid PCI address {s(addr)}. function must be <= 7")

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

    def reserve_slot(self, addr: PCIAddress, flags: int) -> None:
        self.reserve_addr(addr, flags, True, False)

    def slot_in_use(self, addr: PCIAddress) -> bool:
        return bool(self.buses[addr.bus].slots[addr.slot])

    def next_slot(self, flags: int) -> PCIAddress:
        """virDomainPCIAddressGetNextSlot."""
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
                        return a
                    a.slot += 1
            a.bus += 1
            a.slot = self.buses[a.bus].min_slot if a.bus < len(self.buses) else 1
        if self.dry_run:
            self.grow(a, flags)
            return a
        if flags == self.last_flags:
            for bus in range(0, self.last_addr.bus + 1):
                b = PCIAddress(0, bus, 1)
                if not _flags_compatible(b, self.buses[bus].flags, flags, False, False):
                    continue
                for slot in range(self.buses[bus].min_slot, self.buses[bus].max_slot + 1):
                    b.slot = slot
                    if not self.slot_in_use(b):
                        return b
        raise ConfigError("No more available PCI slots")

    def reserve_next_slot(self, info: DeviceInfo | None, flags: int) -> None:
        addr = self.next_slot(flags)
        self.reserve_slot(addr, flags)
        if not self.dry_run and info is not None:
            info.address = PCIAddress(addr.domain, addr.bus, addr.slot, 0)
        self.last_addr = addr
        self.last_flags = flags


def _controller_flags(cont: Controller) -> int:
    """The slot a controller with an address from the config may use."""
    if cont.type == "pci":
        return {
            "pci-bridge": TYPE_PCI,
            "dmi-to-pci-bridge": TYPE_PCIE,
            "pcie-root-port": TYPE_PCIE,
            "pcie-switch-upstream-port": TYPE_PCIE_PORT,
            "pcie-switch-downstream-port": TYPE_PCIE_SWITCH,
        }.get(cont.model or "", PCI_DEVICE)
    if cont.type == "sata":
        return TYPE_PCI | TYPE_PCIE
    if cont.type == "usb":
        if cont.model in ("ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3",
                          "vt82c686b-uhci"):
            return TYPE_PCI | EITHER_IF_CONFIG
        if cont.model == "nec-xhci":
            return TYPE_PCI | TYPE_PCIE
    return PCI_DEVICE


def _collect_flags(kind: str, dev: Any) -> int:
    if kind == "controller":
        return _controller_flags(dev)
    if kind == "sound" and getattr(dev, "model", None) in ("ich6", "ich9"):
        return TYPE_PCI | EITHER_IF_CONFIG
    if kind == "video":
        return TYPE_PCI | TYPE_PCIE
    return PCI_DEVICE


def _has_parent(dev: Any) -> bool:
    return getattr(dev, "parent", None) is not None


def _collect(dom: Domain, addrs: PCIAddressSet) -> None:
    """qemuCollectPCIAddress: reserve the addresses the config gives."""
    for kind, dev, info in _infos(dom):
        addr = info.address
        if not isinstance(addr, PCIAddress):
            continue
        if kind == "hostdev" and _has_parent(dev):
            continue
        flags = _collect_flags(kind, dev)
        if kind == "controller" and addr.domain == 0 and addr.bus == 0 and addr.slot == 1:
            cont: Controller = dev
            if (cont.type == "ide" and cont.index == 0 and addr.function == 1) or (
                cont.type == "usb" and cont.index == 0
                and cont.model in (None, "piix3-uhci") and addr.function == 2
            ):
                if addrs.buses and not addrs.buses[0].flags & TYPE_PCI:
                    raise ConfigError(
                        "Bus 0 must be PCI for integrated PIIX3 USB or IDE controllers"
                    )
                continue
        entire = addr.function == 0 and addr.multifunction is not True
        addrs.reserve_addr(addr, flags, entire, True)


def _set_fixed(info: DeviceInfo, slot: int, function: int) -> None:
    info.address = PCIAddress(0, 0, slot, function)


def _is_fixed(info: DeviceInfo, slot: int, function: int) -> bool:
    a = info.address
    return (
        isinstance(a, PCIAddress)
        and (a.domain, a.bus, a.slot, a.function) == (0, 0, slot, function)
    )


def _validate_piix3(dom: Domain, caps: Any, addrs: PCIAddressSet) -> None:
    video_usable = caps.has("device-video-primary")
    for cont in dom.devices.controllers:
        if cont.type == "ide" and cont.index == 0:
            if isinstance(cont.info.address, PCIAddress):
                if not _is_fixed(cont.info, 1, 1):
                    raise ConfigError("Primary IDE controller must have PCI address 0:0:1.1")
            else:
                _set_fixed(cont.info, 1, 1)
        elif cont.type == "usb" and cont.index == 0 and cont.model in (None, "piix3-uhci"):
            if isinstance(cont.info.address, PCIAddress):
                if not _is_fixed(cont.info, 1, 2):
                    raise ConfigError("PIIX3 USB controller must have PCI address 0:0:1.2")
            else:
                _set_fixed(cont.info, 1, 2)
    if addrs.buses:
        addrs.reserve_slot(PCIAddress(0, 0, 1, 0), PCI_DEVICE)
    _primary_video(dom, addrs, video_usable, 2, PCI_DEVICE)


def _primary_video(
    dom: Domain, addrs: PCIAddressSet, video_usable: bool, slot: int, flags: int
) -> None:
    videos = dom.devices.videos
    if videos:
        primary = videos[0]
        info = primary.info
        if info.address is None:
            tmp = PCIAddress(0, 0, slot, 0)
            addrs.validate(tmp, flags, False)
            if addrs.slot_in_use(tmp):
                if video_usable:
                    addrs.reserve_next_slot(info, flags)
                else:
                    raise ConfigError(
                        f"PCI address 0:0:{slot}.0 is in use, QEMU needs it for primary video"
                    )
            else:
                addrs.reserve_slot(tmp, flags)
                info.address = tmp
        elif isinstance(info.address, PCIAddress):
            if not _is_fixed(info, slot, 0):
                raise ConfigError(f"Primary video card must have PCI address 0:0:{slot}.0")
    elif addrs.buses and not video_usable:
        tmp = PCIAddress(0, 0, slot, 0)
        if not addrs.slot_in_use(tmp):
            addrs.reserve_slot(tmp, flags)


def _validate_q35(dom: Domain, caps: Any, addrs: PCIAddressSet) -> None:
    video_usable = caps.has("device-video-primary")
    flags = TYPE_PCIE
    for cont in dom.devices.controllers:
        if cont.type == "sata" and cont.index == 0:
            if isinstance(cont.info.address, PCIAddress):
                if not _is_fixed(cont.info, 0x1F, 2):
                    raise ConfigError("Primary SATA controller must have PCI address 0:0:1f.2")
            else:
                _set_fixed(cont.info, 0x1F, 2)
        elif cont.type == "usb" and cont.model == "ich9-ehci1" and cont.info.address is None:
            for slot in (0x1D, 0x1A):
                tmp = PCIAddress(0, 0, slot, 0)
                if not addrs.slot_in_use(tmp):
                    addrs.reserve_addr(tmp, flags, False, True)
                    _set_fixed(cont.info, slot, 7)
                    break
        elif (
            cont.type == "pci" and cont.model == "dmi-to-pci-bridge"
            and cont.info.address is None
        ):
            tmp = PCIAddress(0, 0, 0x1E, 0)
            if not addrs.slot_in_use(tmp):
                addrs.reserve_addr(tmp, flags, True, False)
                _set_fixed(cont.info, 0x1E, 0)
    if addrs.buses:
        addrs.reserve_addr(PCIAddress(0, 0, 0x1F, 0, True), flags, False, False)
        addrs.reserve_addr(PCIAddress(0, 0, 0x1F, 3), flags, False, False)
    _primary_video(dom, addrs, video_usable, 1, flags)


def _validate_chipsets(dom: Domain, caps: Any, addrs: PCIAddressSet) -> None:
    if ctl.machine_is_i440fx(dom):
        _validate_piix3(dom, caps, addrs)
    elif ctl.machine_is_q35(dom):
        _validate_q35(dom, caps, addrs)


_USB2_MODELS = ("ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3")
_USB2_FUNCTION = {
    "ich9-ehci1": (7, None), "ich9-uhci1": (0, True), "ich9-uhci2": (1, None),
    "ich9-uhci3": (2, None),
}


def _is_usb2(cont: Controller) -> bool:
    return cont.type == "usb" and cont.model in _USB2_MODELS


def _pci_controller_flags(cont: Controller) -> int:
    return {
        "pci-bridge": TYPE_PCI,
        "dmi-to-pci-bridge": TYPE_PCIE,
        "pcie-root-port": TYPE_PCIE,
        "pcie-switch-upstream-port": TYPE_PCIE_PORT,
        "pcie-switch-downstream-port": TYPE_PCIE_SWITCH,
    }.get(cont.model or "", PCI_DEVICE)


def _needs(info: DeviceInfo | None) -> bool:
    return info is not None and info.address is None


def _assign_slots(dom: Domain, caps: Any, addrs: PCIAddressSet) -> None:
    """qemuAssignDevicePCISlots: every device kind, in libvirt's order."""
    d = dom.devices
    for cont in d.controllers:
        if cont.type == "pci" and cont.info.address is None:
            if cont.model in ("pci-root", "pcie-root"):
                continue
            addrs.reserve_next_slot(cont.info, _pci_controller_flags(cont))
    flags = PCI_DEVICE
    for fs in d.filesystems:
        if _needs(_info(fs)):
            addrs.reserve_next_slot(fs.info, flags)
    for net in d.interfaces:
        info = _info(net)
        if not _needs(info) or getattr(net, "type", None) == "hostdev":
            continue
        addrs.reserve_next_slot(info, flags)
    for sound in d.sounds:
        if _needs(sound.info) and sound.model not in ("sb16", "pcspk", "usb"):
            addrs.reserve_next_slot(sound.info, flags)
    for cont in d.controllers:
        if cont.type in ("pci", "fdc", "ccid"):
            continue
        if cont.type == "usb" and cont.model == "none":
            continue
        if cont.type == "ide" and cont.index == 0:
            continue
        if cont.info.address is not None:
            continue
        if _is_usb2(cont):
            _assign_usb2(d.controllers, cont, addrs, flags)
        else:
            addrs.reserve_next_slot(cont.info, flags)
    for disk in d.disks:
        if disk.bus != "virtio":
            continue
        a = disk.info.address
        if isinstance(a, (PCIAddress, VirtioS390Address, CCWAddress, VirtioMMIOAddress)):
            continue
        if a is not None:
            raise ConfigError(f"virtio disk cannot have an address of type '{a.type}'")
        addrs.reserve_next_slot(disk.info, flags)
    for hd in d.hostdevs:
        info = _info(hd)
        if not _needs(info):
            continue
        mode = getattr(hd, "mode", "subsystem") or "subsystem"
        kind = getattr(hd, "subsys_type", None) or getattr(hd, "type", None)
        if mode != "subsystem" or kind != "pci":
            continue
        addrs.reserve_next_slot(info, flags)
    bal = d.memballoon
    if bal is not None and getattr(bal, "model", None) == "virtio" and _needs(_info(bal)):
        addrs.reserve_next_slot(bal.info, flags)
    for rng in d.rngs:
        if getattr(rng, "model", None) == "virtio" and _needs(rng.info):
            addrs.reserve_next_slot(rng.info, flags)
    wd = d.watchdog
    if wd is not None and getattr(wd, "model", None) == "i6300esb" and _needs(_info(wd)):
        addrs.reserve_next_slot(wd.info, flags)
    if d.videos and d.videos[0].info.address is None:
        addrs.reserve_next_slot(d.videos[0].info, flags)
    for video in d.videos[1:]:
        if video.type != "qxl":
            raise ConfigError("non-primary video device must be type of 'qxl'")
        if video.info.address is None:
            addrs.reserve_next_slot(video.info, flags)
    for shmem in d.shmems:
        if _needs(_info(shmem)):
            addrs.reserve_next_slot(shmem.info, flags)
    for inp in d.inputs:
        if getattr(inp, "bus", None) == "virtio" and _needs(inp.info):
            addrs.reserve_next_slot(inp.info, flags)
    for serial in d.serials:
        if getattr(serial, "target_type", None) == "pci-serial" and _needs(serial.info):
            addrs.reserve_next_slot(serial.info, flags)


def _assign_usb2(
    controllers: list[Controller], cont: Controller, addrs: PCIAddressSet, flags: int
) -> None:
    """All ICH9 EHCI/UHCI controllers of one index share a slot."""
    base: PCIAddress | None = None
    for other in controllers:
        if _is_usb2(other) and other.index == cont.index and isinstance(
            other.info.address, PCIAddress
        ):
            base = other.info.address
            break
    function, multi = _USB2_FUNCTION[cont.model or ""]
    if base is None:
        tmp = addrs.next_slot(flags)
        addr = PCIAddress(0, tmp.bus, tmp.slot, function, multi)
        addrs.last_addr = PCIAddress(0, tmp.bus, tmp.slot, 0)
        found = False
    else:
        addr = PCIAddress(base.domain, base.bus, base.slot, function, multi)
        found = True
    addrs.reserve_addr(addr, flags, False, found)
    cont.info.address = addr


def supports_pci(dom: Domain, caps: Any) -> bool:
    if dom.os.arch not in ("armv7l", "aarch64"):
        return True
    if dom.os.machine == "versatilepb":
        return True
    return ctl.machine_is_virt(dom) and caps.has("gpex-pcihost")


def _make_set(dom: Domain, nbuses: int, dry_run: bool) -> PCIAddressSet:
    addrs = PCIAddressSet(nbuses, dry_run)
    for cont in dom.devices.controllers:
        if cont.type != "pci":
            continue
        if cont.index >= len(addrs.buses):
            raise ConfigError(
                f"Inappropriate new pci controller index {cont.index} not found in addrs"
            )
        addrs.buses[cont.index].set_model(cont.model)
    _collect(dom, addrs)
    return addrs


def assign_pci_addresses(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignPCIAddresses."""
    pci_indexes = [c.index for c in dom.devices.controllers if c.type == "pci"]
    max_idx = max(pci_indexes, default=-1)
    nbuses = max_idx + 1
    if nbuses > 0 and caps.has("pci-bridge"):
        addrs = _make_set(dom, nbuses, True)
        _validate_chipsets(dom, caps, addrs)
        reserved = all(bus.fully_reserved() for bus in addrs.buses)
        if not reserved:
            addrs.reserve_next_slot(None, PCI_DEVICE)
        _assign_slots(dom, caps, addrs)
        for i in range(1, len(addrs.buses)):
            if ctl.find_controller(dom, "pci", i) is None:
                ctl.add_controller(dom, "pci", i, addrs.buses[i].model)
                addrs.reserve_next_slot(None, PCI_DEVICE)
        nbuses = len(addrs.buses)
    elif max_idx > 0:
        raise ConfigError("PCI bridges are not supported by this QEMU binary")
    addrs = _make_set(dom, nbuses, False)
    if not supports_pci(dom, caps):
        return
    _validate_chipsets(dom, caps, addrs)
    _assign_slots(dom, caps, addrs)
    for cont in dom.devices.controllers:
        if cont.type == "pci":
            _pci_controller_defaults(cont)


def _pci_controller_defaults(cont: Controller) -> None:
    if cont.model_name is None:
        cont.model_name = PCI_DEFAULT_MODEL_NAME.get(cont.model or "")
    addr = cont.info.address
    slot = addr.slot if isinstance(addr, PCIAddress) else 0
    function = addr.function if isinstance(addr, PCIAddress) else 0
    if cont.model == "pci-bridge" and cont.chassis_nr is None:
        cont.chassis_nr = cont.index
    elif cont.model == "pcie-root-port":
        if cont.chassis is None:
            cont.chassis = cont.index
        if cont.port is None:
            cont.port = (slot << 3) + function
    elif cont.model == "pcie-switch-downstream-port":
        if cont.chassis is None:
            cont.chassis = cont.index
        if cont.port is None:
            cont.port = slot
    if cont.model == "pci-bridge" and isinstance(addr, PCIAddress) and cont.index <= addr.bus:
        raise ConfigError(
            f"PCI controller at index {cont.index} (0x{cont.index:02x}) has bus='0x{addr.bus:02x}', "
            "but index must be larger than bus"
        )


# -- entry points ----------------------------------------------------------------


def assign_addresses(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignAddresses (xml2argv with the 'device' flag)."""
    _assign_virtio_serial(dom)
    _assign_spapr_vio(dom, caps)
    _assign_s390(dom, caps)
    _assign_virtio_mmio(dom, caps)
    assign_pci_addresses(dom, caps)


def disk_alias(dom: Domain, disk: Disk, caps: Any) -> str:
    """qemuAssignDeviceDiskAliasCustom."""
    from ..parse.disk import disk_name_to_index

    prefix = disk.bus or "ide"
    addr = disk.info.address
    if disk.info.is_type("drive"):
        model = None
        if disk.bus == "scsi":
            cont = ctl.find_controller(dom, "scsi", addr.controller)  # type: ignore[union-attr]
            model = scsi_controller_model(dom, cont, caps) if cont else scsi_controller_model(
                dom, Controller(type="scsi"), caps
            )
        if disk.bus != "scsi" or model == "lsilogic":
            return f"{prefix}{addr.controller}-{addr.bus}-{addr.unit}"  # type: ignore[union-attr]
        return (
            f"{prefix}{addr.controller}-{addr.bus}-{addr.target}-{addr.unit}"  # type: ignore[union-attr]
        )
    return f"{prefix}-disk{disk_name_to_index(disk.dst)}"


def assign_aliases(dom: Domain, caps: Any) -> None:
    """The controller and disk part of qemuAssignDeviceAliases."""
    ctl.assign_aliases(dom, caps)
    if caps.has("device"):
        for disk in dom.devices.disks:
            disk.info.alias = disk_alias(dom, disk, caps)
