"""The connect flags of libvirt 9.0's PCI assignment (virDomainPCIConnectFlags of
domain_addr.h): what each device and controller plugs into (a PCI or a PCIe
slot, a root port, a bridge...) and whether it may be placed automatically,
and whether a device wants a PCI address or already has one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..model.address import DeviceInfo, PCIAddress
from ..model.controller import Controller
from ..model.hostdev import Hostdev

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

# virDomainPCIControllerModelToConnectType: what a PCI controller plugs into.
CONTROLLER_PLUG = {
    "pci-bridge": PCI_BRIDGE,
    "pci-expander-bus": PCI_EXPANDER,
    "pcie-expander-bus": PCIE_EXPANDER,
    "dmi-to-pci-bridge": DMI_BRIDGE,
    "pcie-to-pci-bridge": PCIE_TO_PCI,
    "pcie-root-port": ROOT_PORT | AGGREGATE,
    "pcie-switch-upstream-port": SWITCH_UP,
    "pcie-switch-downstream-port": SWITCH_DOWN,
}


def pci_wanted(info: DeviceInfo | None) -> bool:
    """virDeviceInfoPCIAddressIsWanted: no address, or a PCI one left empty."""
    if info is None:
        return False
    a = info.address
    return a is None or (isinstance(a, PCIAddress) and not (a.domain or a.bus or a.slot))


def pci_present(info: DeviceInfo) -> bool:
    a = info.address
    return isinstance(a, PCIAddress) and bool(a.domain or a.bus or a.slot)


class ConnectFlags(NamedTuple):
    """The connect flags of a PCI device, a PCIe device and a virtio one."""

    pci: int
    pcie: int
    virtio: int


def connect_flags(pcie_root: bool, caps: Any) -> ConnectFlags:
    """qemuDomainFillDevicePCIConnectFlagsIterInit."""
    pci = PCI_DEVICE | AUTOASSIGN
    pcie = (PCIE_DEVICE | AUTOASSIGN) if pcie_root else pci
    virtio = pcie if caps.has("virtio-pci-non-transitional") else pci
    return ConnectFlags(pci, pcie, virtio)


def controller_flags(cont: Controller, f: ConnectFlags) -> int:
    if cont.type == "pci":
        return CONTROLLER_PLUG.get(cont.model or "", 0)
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


def device_flags(kind: str, dev: Any, f: ConnectFlags) -> int:
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


def _hostdev_flags(hd: Hostdev, f: ConnectFlags) -> int:
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
