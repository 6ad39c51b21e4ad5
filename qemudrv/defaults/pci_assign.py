"""PCI slot assignment (qemuDomainAssignPCIAddresses of libvirt 1.3.1).

Assignment first runs "dry" to learn how many buses (pci-bridges) the
devices need, adds the missing bridges, then assigns for real."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..model.address import CCWAddress, DeviceInfo, PCIAddress, VirtioMMIOAddress, VirtioS390Address
from ..model.controller import PCI_DEFAULT_MODEL_NAME, Controller
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from . import controllers as ctl
from .device_infos import device_info, device_infos
from .hostdev import wants_pci_slot
from .memory import pci_memory_devices
from .pci_address_set import (
    EITHER_IF_CONFIG,
    PCI_DEVICE,
    TYPE_PCI,
    TYPE_PCIE,
    TYPE_PCIE_PORT,
    TYPE_PCIE_SWITCH,
    PCIAddressSet,
)
from .pci_assign_modern import assign_pci_addresses_modern


def _controller_flags(cont: Controller) -> int:
    """The slot a controller with an address from the config may use."""
    if cont.type == "pci":
        return _pci_controller_flags(cont)
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


def _collect(dom: Domain, addrs: PCIAddressSet,
             infos: list[tuple[str, Any, DeviceInfo]]) -> None:
    """qemuCollectPCIAddress: reserve the addresses the config gives."""
    for kind, dev, info in infos:
        addr = info.address
        if not isinstance(addr, PCIAddress):
            continue
        if isinstance(dev, Hostdev) and dev.parent is not None:
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
        if dom.modern:
            addrs.reserve_function(addr, flags, True)
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
    if dom.modern:
        _reserve_piix3_functions(dom, addrs)
    elif addrs.buses:
        addrs.reserve_slot(PCIAddress(0, 0, 1, 0), PCI_DEVICE)
    _primary_video(dom, addrs, video_usable, 2, PCI_DEVICE)


def _reserve_piix3_functions(dom: Domain, addrs: PCIAddressSet) -> None:
    """libvirt 9.0 reserves the PIIX3's functions one by one: the first IDE
    and USB controllers (which collecting skipped), the ISA bridge (1.0) and
    the bridge at 1.3, so a device the config puts on 1.1 clashes with the
    IDE controller and not with the slot."""
    if not addrs.buses:
        return
    for cont in dom.devices.controllers:
        if cont.index == 0 and (cont.type == "ide" or (
                cont.type == "usb" and cont.model in (None, "piix3-uhci"))):
            assert isinstance(cont.info.address, PCIAddress)
            addrs.reserve_function(cont.info.address, PCI_DEVICE, True)
    addrs.reserve_function(PCIAddress(0, 0, 1, 0), PCI_DEVICE, True)
    addrs.reserve_function(PCIAddress(0, 0, 1, 3), PCI_DEVICE, True)


def _primary_video(
    dom: Domain, addrs: PCIAddressSet, video_usable: bool, slot: int, flags: int
) -> None:
    videos = dom.devices.videos
    if videos and dom.modern and videos[0].type in ("none", "ramfb"):
        return  # libvirt 9.0: no PCI device
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
                addrs.reserve_checked_slot(tmp)
                info.address = tmp
        elif isinstance(info.address, PCIAddress) and not _is_fixed(info, slot, 0):
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


_PCI_CONTROLLER_FLAGS = {
    "pci-bridge": TYPE_PCI,
    "dmi-to-pci-bridge": TYPE_PCIE,
    "pcie-root-port": TYPE_PCIE,
    "pcie-switch-upstream-port": TYPE_PCIE_PORT,
    "pcie-switch-downstream-port": TYPE_PCIE_SWITCH,
}


def _pci_controller_flags(cont: Controller) -> int:
    return _PCI_CONTROLLER_FLAGS.get(cont.model or "", PCI_DEVICE)


def _needs(info: DeviceInfo | None) -> bool:
    return info is not None and info.address is None


def _assign_slots(dom: Domain, addrs: PCIAddressSet) -> None:
    """qemuAssignDevicePCISlots: every device kind, in libvirt's order."""
    d = dom.devices
    for cont in d.controllers:
        if cont.type == "pci" and cont.info.address is None:
            if cont.model in ("pci-root", "pcie-root"):
                continue
            addrs.reserve_next_slot(cont.info, _pci_controller_flags(cont))
    flags = PCI_DEVICE
    for fs in d.filesystems:
        if _needs(device_info(fs)):
            addrs.reserve_next_slot(fs.info, flags)
    for net in d.interfaces:
        info = device_info(net)
        if not _needs(info) or net.type == "hostdev":
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
        info = device_info(hd)
        if not _needs(info):
            continue
        if not wants_pci_slot(hd):
            continue
        addrs.reserve_next_slot(info, flags)
    bal = d.memballoon
    if bal is not None and bal.model == "virtio" and _needs(device_info(bal)):
        addrs.reserve_next_slot(bal.info, flags)
    for rng in d.rngs:
        if rng.model == "virtio" and _needs(rng.info):
            addrs.reserve_next_slot(rng.info, flags)
    wd = d.watchdog
    if wd is not None and wd.model == "i6300esb" and _needs(device_info(wd)):
        addrs.reserve_next_slot(wd.info, flags)
    if dom.modern:
        # libvirt 9.0 gives any card but none and ramfb a slot.
        for video in d.videos:
            if video.type not in ("none", "ramfb") and video.info.address is None:
                addrs.reserve_next_slot(video.info, flags)
    else:
        if d.videos and d.videos[0].info.address is None:
            addrs.reserve_next_slot(d.videos[0].info, flags)
        for video in d.videos[1:]:
            if video.type != "qxl":
                raise ConfigError("non-primary video device must be type of 'qxl'")
            if video.info.address is None:
                addrs.reserve_next_slot(video.info, flags)
    for shmem in d.shmems:
        if _needs(device_info(shmem)):
            addrs.reserve_next_slot(shmem.info, flags)
    for inp in d.inputs:
        if inp.bus == "virtio" and _needs(inp.info):
            addrs.reserve_next_slot(inp.info, flags)
    for serial in d.serials:
        if serial.target_type == "pci-serial" and _needs(serial.info):
            addrs.reserve_next_slot(serial.info, flags)
    if d.iommu is not None and d.iommu.model == "virtio" and _needs(d.iommu.info):
        addrs.reserve_next_slot(d.iommu.info, flags)
    if d.vsock is not None and _needs(d.vsock.info):
        addrs.reserve_next_slot(d.vsock.info, flags)
    for mem in pci_memory_devices(dom):
        if _needs(mem.info):
            addrs.reserve_next_slot(mem.info, flags)


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
    if dom.modern and dom.os.arch in ("riscv32", "riscv64"):
        # qemuDomainSupportsPCI (libvirt 9.0): RISC-V virt boards as ARM's.
        m = dom.os.machine or ""
        return (m == "virt" or m.startswith("virt-")) and caps.has("gpex-pcihost")
    if dom.os.arch not in ("armv6l", "armv7l", "aarch64") if dom.modern else (
        dom.os.arch not in ("armv7l", "aarch64")
    ):
        return True
    if dom.os.machine == "versatilepb":
        return True
    return ctl.machine_is_virt(dom) and caps.has("gpex-pcihost")


def _make_set(dom: Domain, nbuses: int, dry_run: bool,
              infos: list[tuple[str, Any, DeviceInfo]]) -> PCIAddressSet:
    addrs = PCIAddressSet(nbuses, dry_run)
    for cont in dom.devices.controllers:
        if cont.type != "pci":
            continue
        if cont.index >= len(addrs.buses):
            raise ConfigError(
                f"Inappropriate new pci controller index {cont.index} not found in addrs"
            )
        addrs.buses[cont.index].set_model(cont.model)
    _collect(dom, addrs, infos)
    return addrs


def assign_pci_addresses(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignPCIAddresses."""
    if dom.modern:
        assign_pci_addresses_modern(dom, caps, supports_pci(dom, caps))
        return
    pci_indexes = [c.index for c in dom.devices.controllers if c.type == "pci"]
    max_idx = max(pci_indexes, default=-1)
    nbuses = max_idx + 1
    # The devices, listed once for both passes: the dry pass only adds PCI
    # controllers, without an address.
    infos = device_infos(dom)
    if nbuses > 0 and caps.has("pci-bridge"):
        addrs = _make_set(dom, nbuses, True, infos)
        _validate_chipsets(dom, caps, addrs)
        reserved = all(bus.fully_reserved() for bus in addrs.buses)
        if not reserved:
            addrs.reserve_next_slot(None, PCI_DEVICE)
        _assign_slots(dom, addrs)
        for i in range(1, len(addrs.buses)):
            if ctl.find_controller(dom, "pci", i) is None:
                ctl.add_controller(dom, "pci", i, addrs.buses[i].model)
                addrs.reserve_next_slot(None, PCI_DEVICE)
        nbuses = len(addrs.buses)
    elif max_idx > 0:
        raise ConfigError("PCI bridges are not supported by this QEMU binary")
    addrs = _make_set(dom, nbuses, False, infos)
    if not supports_pci(dom, caps):
        return
    _validate_chipsets(dom, caps, addrs)
    _assign_slots(dom, addrs)
    for cont in dom.devices.controllers:
        if cont.type == "pci":
            _pci_controller_defaults(cont)


def _pci_controller_defaults(cont: Controller) -> None:
    if cont.model_name is None:
        cont.model_name = PCI_DEFAULT_MODEL_NAME.get(cont.model or "")
    addr = cont.info.address
    ctl.set_port_defaults(cont)
    if cont.model == "pci-bridge" and isinstance(addr, PCIAddress) and cont.index <= addr.bus:
        raise ConfigError(
            f"PCI controller at index {cont.index} (0x{cont.index:02x}) "
            f"has bus='0x{addr.bus:02x}', "
            "but index must be larger than bus"
        )
