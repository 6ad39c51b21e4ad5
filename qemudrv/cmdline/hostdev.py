"""Command line arguments for <hostdev> (libvirt 1.3.1's qemu_command.c):
USB (usb-host / -usbdevice), PCI (pci-assign, vfio-pci / -pcidevice) and
SCSI (a -drive of the sg device or iSCSI LUN plus scsi-generic)."""

from __future__ import annotations

from dataclasses import replace

from ..caps import QemuCaps
from ..defaults.addresses import scsi_controller_model
from ..defaults.storage import secret_value
from ..errors import UnsupportedError
from ..model.address import DeviceInfo, DriveAddress, PCIAddress
from ..model.disk import StorageSource
from ..model.domain import Domain
from ..model.hostdev import Hostdev
from .address import device_address
from .command import CommandLine
from .disk_drive import network_drive_uri
from .general import boot_device_indexes


def rom_options(info: DeviceInfo, caps: QemuCaps) -> str:
    """qemuBuildRomStr: ``,rombar=``/``,romfile=`` of a PCI device."""
    if info.rom_bar is None and info.rom_file is None:
        return ""
    if not isinstance(info.address, PCIAddress):
        raise UnsupportedError("rombar and romfile are supported only for PCI devices")
    if not caps.has("rombar"):
        raise UnsupportedError("rombar and romfile not supported in this QEMU binary")
    out = ""
    if info.rom_bar is not None:
        out += ",rombar=1" if info.rom_bar else ",rombar=0"
    if info.rom_file is not None:
        out += f",romfile={info.rom_file}"
    return out


def _check_boot(hd: Hostdev, caps: QemuCaps) -> None:
    if hd.mode != "subsystem":
        raise UnsupportedError(
            "booting from assigned devices is only supported for PCI, USB and SCSI devices"
        )
    if hd.type == "pci":
        if hd.backend == "vfio":
            if not caps.has("vfio-pci.bootindex"):
                raise UnsupportedError(
                    "booting from PCI devices assigned with VFIO is not supported with "
                    "this version of qemu"
                )
        elif not caps.has("pci-bootindex"):
            raise UnsupportedError(
                "booting from assigned PCI devices is not supported with this version of qemu"
            )
    elif hd.type == "usb" and not caps.has("usb-host.bootindex"):
        raise UnsupportedError(
            "booting from assigned USB devices is not supported with this version of qemu"
        )
    elif hd.type == "scsi" and not caps.has("scsi-generic.bootindex"):
        raise UnsupportedError(
            "booting from assigned SCSI devices is not supported with this version of qemu"
        )


def usb_host_device(dom: Domain, hd: Hostdev, caps: QemuCaps) -> str:
    """qemuBuildUSBHostdevDevStr."""
    if not hd.missing and not hd.bus and not hd.device:
        raise UnsupportedError("USB host device is missing bus/device information")
    opt = "usb-host"
    if not hd.missing:
        opt += f",hostbus={hd.bus},hostaddr={hd.device or 0}"
    opt += f",id={hd.info.alias}"
    if hd.info.boot_order:
        opt += f",bootindex={hd.info.boot_order}"
    return opt + device_address(dom, hd.info, caps)


def _usb_legacy(hd: Hostdev) -> str:
    if hd.missing:
        raise UnsupportedError("This QEMU doesn't not support missing USB devices")
    if not hd.bus and not hd.device:
        raise UnsupportedError("USB host device is missing bus/device information")
    return f"host:{hd.bus}.{hd.device or 0}"


def _host_pci_addr(hd: Hostdev, caps: QemuCaps) -> str:
    out = ""
    if hd.domain:
        if not caps.has("host-pci-multidomain"):
            raise UnsupportedError(
                f"non-zero domain='{hd.domain:04x}' in host device PCI address "
                "not supported in this QEMU binary"
            )
        out = f"{hd.domain:04x}:"
    return out + f"{hd.bus:02x}:{hd.slot:02x}.{hd.function:x}"


def pci_host_device(dom: Domain, hd: Hostdev, boot_index: int, caps: QemuCaps) -> str:
    """qemuBuildPCIHostdevDevStr (no config fd: the test host has none)."""
    if hd.backend == "kvm":
        opt = "pci-assign"
    elif hd.backend == "vfio":
        opt = "vfio-pci"
    else:
        raise UnsupportedError(f"invalid PCI passthrough type '{hd.backend}'")
    opt += f",host={_host_pci_addr(hd, caps)},id={hd.info.alias}"
    if hd.info.boot_order:
        boot_index = hd.info.boot_order
    if boot_index:
        opt += f",bootindex={boot_index}"
    opt += device_address(dom, hd.info, caps)
    return opt + rom_options(hd.info, caps)


def build_pci_hostdev_device(
    hd: Hostdev,
    dom: Domain,
    caps: QemuCaps,
    *,
    alias: str | None = None,
    bootindex: int = 0,
) -> str:
    """The ``-device vfio-pci``/``pci-assign`` value of a PCI host device,
    optionally under another alias (the one of its interface)."""
    if alias is not None and alias != hd.info.alias:
        hd = replace(hd, info=replace(hd.info, alias=alias))
    return pci_host_device(dom, hd, bootindex, caps)


def _scsi_drive(hd: Hostdev, caps: QemuCaps) -> str:
    """qemuBuildSCSIHostdevDrvStr."""
    if hd.protocol == "iscsi":
        user = secret = None
        if hd.iscsi_auth is not None:
            user = hd.iscsi_auth.username
            secret = secret_value(caps, hd.iscsi_auth)
        src = StorageSource(
            type="network", protocol="iscsi", path=hd.iscsi_path, hosts=hd.iscsi_hosts
        )
        opt = f"file={network_drive_uri(src, user, secret)},if=none,format=raw"
    else:
        sg = caps.host.get("scsi_sg_name", "sg0")
        opt = f"file=/dev/{sg},if=none"
    opt += f",id=drive-{hd.info.alias}"
    if hd.readonly:
        if not caps.has("drive-readonly"):
            raise UnsupportedError("this qemu doesn't support 'readonly' for -drive")
        opt += ",readonly=on"
    return opt


def _scsi_device(dom: Domain, hd: Hostdev, caps: QemuCaps) -> str:
    """qemuBuildSCSIHostdevDevStr."""
    addr = hd.info.address
    if not isinstance(addr, DriveAddress):
        raise UnsupportedError("SCSI host device must use 'drive' address type")
    cont = next(
        (c for c in dom.devices.controllers if c.type == "scsi" and c.index == addr.controller),
        None,
    )
    if cont is None or not cont.info.alias:
        raise UnsupportedError(
            f"Could not find scsi controller with index {addr.controller} required for device"
        )
    model = scsi_controller_model(dom, cont, caps)
    if model == "lsilogic":
        if addr.target != 0:
            raise UnsupportedError(
                "target must be 0 for scsi host device if its controller model is 'lsilogic'"
            )
        if addr.unit > 7:
            raise UnsupportedError(
                "unit must be not more than 7 for scsi host device if its controller model "
                "is 'lsilogic'"
            )
        opt = f"scsi-generic,bus={cont.info.alias}.{addr.bus},scsi-id={addr.unit}"
    else:
        opt = (
            f"scsi-generic,bus={cont.info.alias}.0,channel={addr.bus},"
            f"scsi-id={addr.target},lun={addr.unit}"
        )
    opt += f",drive=drive-{hd.info.alias},id={hd.info.alias}"
    if hd.info.boot_order:
        opt += f",bootindex={hd.info.boot_order}"
    return opt


def hostdev_net_boot_index(dom: Domain, caps: QemuCaps) -> int:
    """The network boot index left for a type='hostdev' interface: only the
    first interface gets <boot dev='network'/>'s index."""
    nets = dom.devices.interfaces
    if nets and nets[0].type == "hostdev" and not nets[0].info.boot_order:
        return boot_device_indexes(dom, caps).get("network", 0)
    return 0


def build_hostdevs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    boot_net = hostdev_net_boot_index(dom, caps)
    for hd in dom.devices.hostdevs:
        if hd.info.boot_order:
            _check_boot(hd, caps)
        if hd.mode != "subsystem":
            continue
        if hd.type == "usb":
            if caps.has("device"):
                cmd.add("-device", usb_host_device(dom, hd, caps))
            else:
                cmd.add("-usbdevice", _usb_legacy(hd))
        elif hd.type == "pci":
            if hd.backend == "vfio" and not caps.has("vfio-pci"):
                raise UnsupportedError(
                    "VFIO PCI device assignment is not supported by this version of qemu"
                )
            if caps.has("device"):
                boot = 0
                if hd.parent is not None and not hd.info.boot_order:
                    boot, boot_net = boot_net, 0
                cmd.add("-device", pci_host_device(dom, hd, boot, caps))
            elif caps.has("pci-device"):
                cmd.add("-pcidevice", f"host={_host_pci_addr(hd, caps)}")
            else:
                raise UnsupportedError(
                    "PCI device assignment is not supported by this version of qemu"
                )
        elif hd.type == "scsi":
            if not (caps.has("device") and caps.has("scsi-generic")):
                raise UnsupportedError("SCSI passthrough is not supported by this version of qemu")
            cmd.add("-drive", _scsi_drive(hd, caps))
            cmd.add("-device", _scsi_device(dom, hd, caps))
