"""Device address assignment (qemuDomainAssignAddresses of libvirt 1.3.1).

In libvirt's order: virtio-serial ports, spapr-vio registers (pseries),
CCW or virtio-s390 addresses (s390), virtio-mmio (ARM), then PCI slots
(``pci_assign``).
"""

from __future__ import annotations

from collections import Counter
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
from ..model.controller import Controller
from ..model.disk import Disk
from ..model.domain import Domain
from ..parse.disk_names import disk_name_to_index
from . import controllers as ctl
from .chardev import assign_virtio_serial_ports
from .device_infos import device_info, device_infos
from .pci_assign import assign_pci_addresses

# -- spapr-vio ------------------------------------------------------------------


VIO_ADDR_NET = 0x1000
VIO_ADDR_SCSI = 0x2000
VIO_ADDR_SERIAL = 0x30000000
VIO_ADDR_TPM = 0x4000
VIO_ADDR_NVRAM = 0x3000


def _is_pseries(dom: Domain) -> bool:
    return ctl.is_ppc64(dom) and (dom.os.machine or "").startswith("pseries")


class _SpaprRegs:
    """The spapr-vio regs in use, counted once for the whole domain (a
    device's own reg included) and kept up to date as regs are assigned:
    one scan of the devices instead of one per candidate reg."""

    def __init__(self, dom: Domain) -> None:
        self.dom = dom
        self._count: Counter[int] | None = None  # counted at the first spapr-vio device

    @property
    def count(self) -> Counter[int]:
        if self._count is None:
            self._count = Counter(
                a.reg for _, _, info in device_infos(self.dom)
                if isinstance(a := info.address, SpaprVioAddress) and a.reg is not None
            )
        return self._count

    def assign(self, info: DeviceInfo, default_reg: int) -> None:
        """A reg given in the definition must be free; a device without one
        gets the first free reg from ``default_reg`` on, 0x1000 apart."""
        addr = info.address
        if not isinstance(addr, SpaprVioAddress):
            return
        if addr.reg is not None:
            if self.count[addr.reg] > 1:  # another device has it too
                raise XMLError(f"spapr-vio address {addr.reg:#x} already in use")
            return
        reg = default_reg
        while self.count[reg]:
            reg += 0x1000
        addr.reg = reg
        self.count[reg] += 1


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


def _to_spapr_vio(info: DeviceInfo) -> None:
    if not isinstance(info.address, SpaprVioAddress):
        info.address = SpaprVioAddress(None)


def _assign_spapr_vio_modern(dom: Domain) -> None:
    """qemuDomainAssignSpaprVIOAddresses of libvirt 9.0: the spapr-vio
    devices by model (a serial by its target type), whatever address they
    had."""
    # (regs.assign is called only for a spapr-vio address, the one kind it
    # acts on: this runs twice a conversion, mostly for guests without any)
    regs = _SpaprRegs(dom)
    for net in dom.devices.interfaces:
        info = device_info(net)
        if info is None:
            continue
        if net.model == "spapr-vlan":
            _to_spapr_vio(info)
        if isinstance(info.address, SpaprVioAddress):
            regs.assign(info, VIO_ADDR_NET)
    for cont in dom.devices.controllers:
        if cont.type == "scsi" and cont.model == "ibmvscsi":
            _to_spapr_vio(cont.info)
        if isinstance(cont.info.address, SpaprVioAddress):
            regs.assign(cont.info, VIO_ADDR_SCSI)
    for serial in dom.devices.serials:
        if serial.target_type == "spapr-vio-serial":
            _to_spapr_vio(serial.info)
        if isinstance(serial.info.address, SpaprVioAddress):
            regs.assign(serial.info, VIO_ADDR_SERIAL)
    nvram = dom.devices.nvram
    if nvram is not None:
        if _is_pseries(dom):
            _to_spapr_vio(nvram.info)
        regs.assign(nvram.info, VIO_ADDR_NVRAM)
    for tpm in dom.devices.tpms:
        if tpm.model != "spapr-tpm-proxy" and _is_pseries(dom) and tpm.info.address is None:
            tpm.info.address = SpaprVioAddress(None)
        regs.assign(tpm.info, VIO_ADDR_TPM)


def _assign_spapr_vio(dom: Domain, caps: Any) -> None:
    if dom.modern:
        _assign_spapr_vio_modern(dom)
        return
    regs = _SpaprRegs(dom)
    for net in dom.devices.interfaces:
        info = device_info(net)
        if info is None:
            continue
        if net.model == "spapr-vlan" and info.address is None:
            info.address = SpaprVioAddress(None)
        regs.assign(info, VIO_ADDR_NET)
    for cont in dom.devices.controllers:
        if cont.type == "scsi":
            model = scsi_controller_model(dom, cont, caps)
            if model == "ibmvscsi" and cont.info.address is None:
                cont.info.address = SpaprVioAddress(None)
        regs.assign(cont.info, VIO_ADDR_SCSI)
    for serial in dom.devices.serials:
        info = device_info(serial)
        if info is None:
            continue
        if _is_pseries(dom) and info.address is None:
            info.address = SpaprVioAddress(None)
        regs.assign(info, VIO_ADDR_SERIAL)
    nvram = dom.devices.nvram
    if nvram is not None and device_info(nvram) is not None:
        if _is_pseries(dom) and nvram.info.address is None:
            nvram.info.address = SpaprVioAddress(None)
        regs.assign(nvram.info, VIO_ADDR_NVRAM)


# -- virtio devices on s390 and ARM ---------------------------------------------


def _prime_virtio(dom: Domain, make: Any) -> None:
    """qemuDomainPrimeVirtioDeviceAddresses: address-less virtio devices get
    an address of the given kind."""
    d = dom.devices
    for disk in d.disks:
        if disk.bus == "virtio" and disk.info.address is None:
            disk.info.address = make()
    for net in d.interfaces:
        info = device_info(net)
        if info is not None and net.model == "virtio" and info.address is None:
            info.address = make()
    for cont in d.controllers:
        if (
            cont.type == "virtio-serial" or (cont.type == "scsi" and cont.model == "virtio-scsi")
        ) and cont.info.address is None:
            cont.info.address = make()
    bal = d.memballoon
    if (
        bal is not None and device_info(bal) is not None
        and bal.model == "virtio" and bal.info.address is None
    ):
        bal.info.address = make()
    for rng in d.rngs:
        if rng.model == "virtio" and rng.info.address is None:
            rng.info.address = make()
    if d.vsock is not None and d.vsock.info.address is None:
        d.vsock.info.address = make()


_VIRTIO_NET_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")


def _prime_virtio_modern(dom: Domain, make: Any, ccw: bool = False) -> None:
    """qemuDomainPrimeVirtioDeviceAddresses of libvirt 9.0: address-less
    virtio devices (every SCSI controller, balloon and RNG the QEMU driver
    takes is virtio) get an address of the given kind; filesystems and
    vsock only on CCW."""
    d = dom.devices
    wanted: list[DeviceInfo | None] = [disk.info for disk in d.disks if disk.bus == "virtio"]
    wanted += [device_info(net) for net in d.interfaces if net.model in _VIRTIO_NET_MODELS]
    wanted += [video.info for video in d.videos if video.type == "virtio"]
    wanted += [inp.info for inp in d.inputs if inp.bus == "virtio"]
    wanted += [cont.info for cont in d.controllers if cont.type in ("virtio-serial", "scsi")]
    wanted += [device_info(hd) for hd in d.hostdevs
               if hd.mode == "subsystem" and hd.type == "scsi_host"]
    if d.memballoon is not None and d.memballoon.model != "none":
        wanted.append(device_info(d.memballoon))
    wanted += [rng.info for rng in d.rngs]
    wanted += [device_info(mem) for mem in d.memories
               if getattr(mem, "model", None) in ("virtio-pmem", "virtio-mem")]
    if ccw:
        wanted += [device_info(fs) for fs in d.filesystems]
        if d.vsock is not None:
            wanted.append(d.vsock.info)
    for info in wanted:
        if info is not None and info.address is None:
            info.address = make()


def _prime_vfio_ccw(dom: Domain) -> None:
    """qemuDomainPrimeVfioDeviceAddresses: a vfio-ccw mediated device sits
    on the channel subsystem; a vfio-ap one has no address."""
    for hd in dom.devices.hostdevs:
        info = device_info(hd)
        if info is None or hd.mode != "subsystem" or hd.type != "mdev":
            continue
        if hd.mdev_model == "vfio-ccw" and info.address is None:
            info.address = CCWAddress(-1, -1, -1)
        elif hd.mdev_model == "vfio-ap":
            info.address = None


def _has_virtio_mmio(dom: Domain) -> bool:
    return any(isinstance(info.address, VirtioMMIOAddress) for _, _, info in device_infos(dom))


def _ccw_key(a: CCWAddress) -> tuple[int, int, int]:
    return (a.cssid, a.ssid, a.devno)


def _assign_s390(dom: Domain, caps: Any) -> None:
    # libvirt 9.0 no longer asks QEMU: an s390-ccw machine has CCW.
    ccw = caps.has("virtio-ccw") or dom.modern
    if (dom.os.machine or "").startswith("s390-ccw") and ccw:
        if dom.modern:
            if caps.has("vfio-ccw"):
                _prime_vfio_ccw(dom)
            _prime_virtio_modern(dom, lambda: CCWAddress(-1, -1, -1), ccw=True)
        else:
            _prime_virtio(dom, lambda: CCWAddress(-1, -1, -1))
        used: set[tuple[int, int, int]] = set()
        for _, _, info in device_infos(dom):
            a = info.address
            if isinstance(a, CCWAddress) and a.devno >= 0:
                key = _ccw_key(a)
                if key in used:
                    # 1.3.1's message ended in a blank, 9.0's does not
                    raise XMLError(
                        f"The CCW devno '{a.cssid:x}.{a.ssid:x}.{a.devno:04x}' is in use already"
                        + ("" if dom.modern else " ")
                    )
                used.add(key)
        nxt = [0xFE, 0, 0]
        for _, _, info in device_infos(dom):
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
    elif caps.has("virtio-s390") and not dom.modern:
        _prime_virtio(dom, VirtioS390Address)


def _assign_virtio_mmio_modern(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignVirtioMMIOAddresses of libvirt 9.0: virtio-mmio on
    ARM and RISC-V boards only where PCIe root ports are missing, or where
    a device already asks for it."""
    machine = dom.os.machine or ""
    board = (dom.os.arch in ("armv6l", "armv7l", "aarch64", "riscv32", "riscv64")
             and (machine.startswith("vexpress-") or machine == "virt"
                  or machine.startswith("virt-")))
    if not board:
        return
    root = ctl.find_controller(dom, "pci", 0)
    pcie = (root is not None and root.model == "pcie-root"
            and (caps.has("pcie-root-port") or caps.has("ioh3420")))
    if pcie and not _has_virtio_mmio(dom):
        return  # PCI addresses come with the other PCI devices
    if caps.has("virtio-mmio"):
        _prime_virtio_modern(dom, VirtioMMIOAddress)


def _assign_virtio_mmio(dom: Domain, caps: Any) -> None:
    if dom.modern:
        _assign_virtio_mmio_modern(dom, caps)
        return
    m = dom.os.machine or ""
    if (
        dom.os.arch in ("armv7l", "aarch64")
        and (m.startswith("vexpress-") or m == "virt" or m.startswith("virt-"))
        and caps.has("virtio-mmio")
    ):
        _prime_virtio(dom, VirtioMMIOAddress)


# -- entry points ----------------------------------------------------------------


def assign_addresses(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignAddresses (xml2argv with the 'device' flag)."""
    assign_virtio_serial_ports(dom)
    _assign_spapr_vio(dom, caps)
    _assign_s390(dom, caps)
    _assign_virtio_mmio(dom, caps)
    zpci = dom.modern and ctl.is_s390(dom) and caps.has("zpci")
    # qemuDomainFillAllPCIExtensionFlags: the devices present before PCI
    # assignment (not the controllers it adds), character devices aside.
    zpci_infos = {id(info) for kind, _, info in device_infos(dom)
                  if kind not in ("serial", "parallel", "channel", "console")} if zpci else set()
    assign_pci_addresses(dom, caps)
    if zpci:
        _assign_zpci(dom, zpci_infos)


def _assign_zpci(dom: Domain, eligible: set[int]) -> None:
    """qemuDomainAssignPCIAddressExtension (libvirt 9.0): every PCI device
    of an s390 guest has a zPCI uid (from 1) and fid (from 0), unique.
    A device giving one of the two gets the other while its address is
    collected, before the devices giving neither get both."""
    pci = [a for _, _, info in device_infos(dom)
           if isinstance(a := info.address, PCIAddress) and id(info) in eligible]
    ids = _ZPCIIds()
    for a in pci:
        if a.zpci_uid is not None or a.zpci_fid is not None:
            ids.ensure(a)
    for a in pci:
        if a.zpci_uid is None or a.zpci_fid is None:
            ids.ensure(a)


class _ZPCIIds:
    """virDomainZPCIAddressIds: the uids and fids in use."""

    def __init__(self) -> None:
        self.uids: set[int] = set()
        self.fids: set[int] = set()

    def ensure(self, a: PCIAddress) -> None:
        """virDomainZPCIAddressEnsureAddr: the missing ids are the first
        free ones; both are then reserved."""
        if a.zpci_uid is None:
            a.zpci_uid = _next_free(self.uids, 1, 0xFFFF, "uid")
        if a.zpci_fid is None:
            a.zpci_fid = _next_free(self.fids, 0, 0xFFFFFFFF, "fid")
        for name, used, value in (("uid", self.uids, a.zpci_uid), ("fid", self.fids, a.zpci_fid)):
            if value in used:
                raise ConfigError(f"zPCI {name} {value:o} is already reserved",
                                  code="internal error")
            used.add(value)


def _next_free(used: set[int], first: int, last: int, name: str) -> int:
    value = first
    while value in used:
        value += 1
    if value > last:
        raise ConfigError(f"There is no more free {name}.", code="internal error")
    return value


def disk_alias(dom: Domain, disk: Disk, caps: Any) -> str:
    """qemuAssignDeviceDiskAliasCustom."""
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
            if not (dom.modern and disk.info.alias):  # 9.0 keeps a user's alias
                disk.info.alias = disk_alias(dom, disk, caps)
