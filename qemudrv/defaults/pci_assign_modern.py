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

The connect flags are in pci_connect_flags and the buses with their slots in
pci_address_set_modern; this module orders the devices, reserves the
chipsets' fixed functions, runs the two passes and completes the controllers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import ConfigError
from ..model.address import CCWAddress, DeviceInfo, PCIAddress, VirtioMMIOAddress
from ..model.controller import PCI_DEFAULT_MODEL_NAME, Controller
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from . import controllers as ctl
from .device_infos import device_info, device_infos
from .hostdev import wants_pci_slot
from .pci_address_set_modern import AddressSet, Bus, new_bus
from .pci_connect_flags import (
    AUTOASSIGN,
    PCI_DEVICE,
    PCIE_DEVICE,
    ConnectFlags,
    connect_flags,
    controller_flags,
    device_flags,
    pci_present,
    pci_wanted,
)

_USB2_FUNCTIONS = {
    "ich9-ehci1": (7, None), "ich9-uhci1": (0, True), "ich9-uhci2": (1, None),
    "ich9-uhci3": (2, None),
}


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


def _assign_slots(dom: Domain, addrs: AddressSet, f: ConnectFlags, caps: Any) -> None:
    for kind, dev, info in _ordered(dom, caps):
        flags = device_flags(kind, dev, f)
        if kind == "controller" and _is_usb2(dev):
            _assign_usb2(dom, dev, addrs, flags)
        else:
            addrs.reserve_next(info, flags)


def _assign_usb2(dom: Domain, cont: Controller, addrs: AddressSet, flags: int) -> None:
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


def _reserve_on_slot(addrs: AddressSet, a: PCIAddress, flags: int, validated: bool) -> None:
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


def _primary_video(dom: Domain, addrs: AddressSet, slot: int, flags: int,
                   f: ConnectFlags) -> None:
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


def _piix3(dom: Domain, addrs: AddressSet, f: ConnectFlags) -> None:
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


def _q35(dom: Domain, addrs: AddressSet, f: ConnectFlags) -> None:
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


def _make_set(dom: Domain, caps: Any, nbuses: int, dry_run: bool, f: ConnectFlags,
              groups: dict[int, int], infos: list[tuple[str, Any, DeviceInfo]]
              ) -> AddressSet:
    """qemuDomainPCIAddressSetCreate, then the addresses the config gives."""
    models: list[Bus | None] = [None] * nbuses
    pcie_root = False  # any pcie-root, whatever its index
    for cont in dom.devices.controllers:
        if cont.type != "pci":
            continue
        if cont.index >= nbuses:
            raise ConfigError(f"Inappropriate new pci controller index {cont.index} exceeds "
                              "addrs array length", code="internal error")
        models[cont.index] = new_bus(cont.model or "", cont.hotplug != "off")
        pcie_root = pcie_root or cont.model == "pcie-root"
    if nbuses and models[0] is None:
        models[0] = new_bus("pci-root")
    pseries = ctl.is_pseries(dom)  # asked three times below
    if pseries:
        default = "pci-root"
    elif pcie_root:
        default = "pcie-root-port"
    else:
        default = "pci-bridge"
    buses = [bus if bus is not None else new_bus(default) for bus in models]
    if buses and pseries:
        # qemuDomainSetupIsolationGroups: no host device on the default PHB.
        buses[0].isolation_locked = True
    addrs = AddressSet(buses, dry_run, pseries, bool(caps.has("pcie-pci-bridge")),
                        groups)
    _collect(infos, addrs, f)
    return addrs


def _collect(infos: list[tuple[str, Any, DeviceInfo]], addrs: AddressSet, f: ConnectFlags) -> None:
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


def _chipset(dom: Domain, addrs: AddressSet, f: ConnectFlags) -> None:
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
    f = connect_flags(root_model == "pcie-root", caps)
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
