"""Command line arguments for <disk> (libvirt 1.3.1's qemuBuildDriveDevStr and
the disk loop of qemuBuildCommandLine); -drive itself is in ``disk_drive``."""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults import controllers as ctl
from ..defaults.addresses import scsi_controller_model
from ..errors import UnsupportedError
from ..model.address import CCWAddress, DriveAddress, VirtioMMIOAddress, VirtioS390Address
from ..model.controller import Controller
from ..model.disk import Disk
from ..model.domain import Domain
from ..parse.disk_names import disk_name_to_index
from .address import controller_alias, device_address
from .command import CommandLine
from .controller import check_ccw_s390
from .disk_drive import actual_type, build_drive_str
from .general import emit_bootindex

# -- -device -------------------------------------------------------------------


def _check_disk_config(disk: Disk) -> None:
    """qemuCheckDiskConfig."""
    if disk_name_to_index(disk.dst) < 0:
        raise UnsupportedError(f"unsupported disk type '{disk.dst}'")
    if disk.wwn and disk.bus not in ("ide", "scsi"):
        raise UnsupportedError("Only ide and scsi disk support wwn")
    if (disk.vendor or disk.product) and disk.bus != "scsi":
        raise UnsupportedError("Only scsi disk supports vendor and product")
    if disk.device == "lun":
        if disk.bus not in ("virtio", "scsi"):
            raise UnsupportedError("disk device='lun' is only valid for bus='virtio' or 'scsi'")
        if actual_type(disk.src) not in ("block", "network") or (
            actual_type(disk.src) == "network" and disk.src.protocol != "iscsi"
        ):
            raise UnsupportedError(
                "disk device='lun' is only valid for block type disk source"
            )
        if disk.wwn:
            raise UnsupportedError("Setting wwn is not supported for lun device")
        if disk.vendor or disk.product:
            raise UnsupportedError("Setting vendor or product is not supported for lun device")


def _check_iothread(dom: Domain, disk: Disk, caps: QemuCaps) -> None:
    if not caps.has("iothread"):
        raise UnsupportedError("IOThreads not supported for this QEMU")
    if disk.bus != "virtio" or not (
        disk.info.address is None or isinstance(disk.info.address, CCWAddress)
        or disk.info.is_type("pci")
    ):
        raise UnsupportedError(
            "IOThreads only available for virtio pci and virtio ccw disk"
        )
    count = len(dom.iothreads)
    ids = {t.id for t in dom.iothreads}
    if disk.iothread not in ids and not (not ids and disk.iothread <= count):
        raise UnsupportedError(
            f"Disk iothread '{disk.iothread}' not defined in iothreadid"
        )


def build_drive_dev_str(dom: Domain, disk: Disk, bootindex: int, caps: QemuCaps) -> str:
    """qemuBuildDriveDevStr."""
    _check_disk_config(disk)
    check_ccw_s390(dom, disk.info, caps, disk.dst)
    if disk.iothread:
        _check_iothread(dom, disk, caps)
    addr = disk.info.address
    bus = disk.bus
    if bus == "ide":
        assert isinstance(addr, DriveAddress)
        if addr.target != 0:
            raise UnsupportedError("target must be 0 for ide controller")
        if disk.wwn and not caps.has("ide-drive.wwn"):
            raise UnsupportedError("Setting wwn for ide disk is not supported by this QEMU")
        name = _ide_name(disk, caps)
        alias = controller_alias(dom, "ide", addr.controller)
        out = f"{name},bus={alias}.{addr.bus},unit={addr.unit}"
    elif bus == "scsi":
        assert isinstance(addr, DriveAddress)
        if disk.device == "lun" and not caps.has("scsi-block"):
            raise UnsupportedError("This QEMU doesn't support scsi-block for lun passthrough")
        if disk.wwn and not caps.has("scsi-disk.wwn"):
            raise UnsupportedError("Setting wwn for scsi disk is not supported by this QEMU")
        if (disk.vendor or disk.product) and not caps.has("scsi-disk.wwn"):
            raise UnsupportedError(
                "Setting vendor or product for scsi disk is not supported by this QEMU"
            )
        cont = ctl.find_controller(dom, "scsi", addr.controller)
        model = scsi_controller_model(dom, cont or Controller(type="scsi"), caps)
        if disk.device == "lun":
            name = "scsi-block"
        elif caps.has("scsi-cd"):
            name = "scsi-cd" if disk.device == "cdrom" else "scsi-hd"
        else:
            name = "scsi-disk"
        alias = controller_alias(dom, "scsi", addr.controller)
        if model == "lsilogic":
            if addr.target != 0:
                raise UnsupportedError("target must be 0 for controller model 'lsilogic'")
            out = f"{name},bus={alias}.{addr.bus},scsi-id={addr.unit}"
        else:
            if not caps.has("scsi-disk.channel"):
                if addr.target > 7:
                    raise UnsupportedError("This QEMU doesn't support target greater than 7")
                if addr.bus != addr.unit and addr.bus != 0:
                    raise UnsupportedError("This QEMU only supports both bus and unit equal to 0")
            out = (
                f"{name},bus={alias}.0,channel={addr.bus},scsi-id={addr.target},lun={addr.unit}"
            )
    elif bus == "sata":
        assert isinstance(addr, DriveAddress)
        if addr.bus != 0:
            raise UnsupportedError("bus must be 0 for ide controller")
        if addr.target != 0:
            raise UnsupportedError("target must be 0 for ide controller")
        name = _ide_name(disk, caps)
        alias = controller_alias(dom, "sata", addr.controller)
        out = f"{name},bus={alias}.{addr.unit}"
    elif bus == "virtio":
        if isinstance(addr, CCWAddress):
            out = "virtio-blk-ccw"
            if disk.iothread:
                out += f",iothread=iothread{disk.iothread}"
        elif isinstance(addr, VirtioS390Address):
            out = "virtio-blk-s390"
        elif isinstance(addr, VirtioMMIOAddress):
            out = "virtio-blk-device"
        else:
            out = "virtio-blk-pci"
            if disk.iothread:
                out += f",iothread=iothread{disk.iothread}"
        if disk.ioeventfd is not None and caps.has("virtio-blk-pci.ioeventfd"):
            out += f",ioeventfd={'on' if disk.ioeventfd else 'off'}"
        if disk.event_idx is not None and caps.has("virtio-blk-pci.event_idx"):
            out += f",event_idx={'on' if disk.event_idx else 'off'}"
        if caps.has("virtio-blk-pci.scsi"):
            out += ",scsi=" + ("on" if disk.device == "lun" else "off")
        out += device_address(dom, disk.info, caps)
    elif bus == "usb":
        if disk.removable is not None and not caps.has("usb-storage.removable"):
            raise UnsupportedError("usb-storage removable is not supported by this QEMU binary")
        out = "usb-storage" + device_address(dom, disk.info, caps)
    else:
        raise UnsupportedError(f"unsupported disk bus '{bus}' with device setup")
    out += f",drive=drive-{disk.info.alias},id={disk.info.alias}"
    if bootindex and caps.has("boot-index"):
        out += f",bootindex={bootindex}"
    if caps.has("blockio"):
        if disk.logical_block_size:
            out += f",logical_block_size={disk.logical_block_size}"
        if disk.physical_block_size:
            out += f",physical_block_size={disk.physical_block_size}"
    if disk.wwn:
        out += f",wwn={disk.wwn}" if disk.wwn.startswith("0x") else f",wwn=0x{disk.wwn}"
    if disk.vendor:
        out += f",vendor={disk.vendor}"
    if disk.product:
        out += f",product={disk.product}"
    if bus == "usb" and caps.has("usb-storage.removable"):
        out += ",removable=on" if disk.removable else ",removable=off"
    return out


def _ide_name(disk: Disk, caps: QemuCaps) -> str:
    if caps.has("ide-cd"):
        return "ide-cd" if disk.device == "cdrom" else "ide-hd"
    return "ide-drive"


# -- the disk section ----------------------------------------------------------


def _boot_positions(dom: Domain, caps: QemuCaps, bootindex: bool) -> dict[str, int]:
    if not (caps.has("drive-boot") or bootindex):
        return {}
    out: dict[str, int] = {}
    for i, dev in enumerate(dom.os.boot_devs):
        out[dev] = i + 1
    return out


def _check_disks(dom: Domain) -> None:
    seen: dict[str, Disk] = {}
    for disk in dom.devices.disks:
        if disk.driver_name is not None and disk.driver_name != "qemu":
            raise UnsupportedError(
                f"unsupported driver name '{disk.driver_name}' for disk '{disk.src.path}'"
            )
        if disk.dst in seen:
            raise UnsupportedError(
                f"target '{disk.dst}' duplicated for disk sources "
                f"'{seen[disk.dst].src.path}' and '{disk.src.path}'"
            )
        seen[disk.dst] = disk


# The <boot dev> kind of a disk device (any other boots as 'hd').
_BOOT_KINDS = {"cdrom": "cdrom", "floppy": "fd"}


def build_disks(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    _check_disks(dom)
    bootindex_mode = emit_bootindex(dom, caps)
    boot = _boot_positions(dom, caps, bootindex_mode)
    fdc_opts: list[str] = []
    for disk in dom.devices.disks:
        if disk.bus == "usb" and not caps.has("device"):
            if disk.device != "disk":
                raise UnsupportedError(f"unsupported usb disk type for '{disk.src.path}'")
            cmd.add("-usbdevice", f"disk:{disk.src.path}")
            continue
        key = _BOOT_KINDS.get(disk.device, "hd")
        bootindex = boot.pop(key, 0)
        with_device = caps.has("device") and disk.bus not in ("xen", "sd")
        drive = build_drive_str(
            disk, False if bootindex_mode else bool(bootindex), caps, with_device,
            ctl.is_ppc64(dom) and (dom.os.machine or "").startswith("pseries"),
        )
        cmd.add("-drive", drive)
        if not bootindex_mode:
            bootindex = 0
        elif disk.info.boot_order:
            bootindex = disk.info.boot_order
        if not with_device:
            continue
        if disk.bus == "fdc":
            addr = disk.info.address
            letter = "B" if isinstance(addr, DriveAddress) and addr.unit else "A"
            opts = [f"drive{letter}=drive-{disk.info.alias}"]
            if bootindex:
                opts.append(f"bootindex{letter}={bootindex}")
            for opt in opts:
                if _machine_needs_fdc(dom):
                    fdc_opts.append(opt)
                else:
                    cmd.add("-global", f"isa-fdc.{opt}")
        else:
            cmd.add("-device", build_drive_dev_str(dom, disk, bootindex, caps))
    if fdc_opts:
        cmd.add("-device", "isa-fdc," + ",".join(fdc_opts))


def _machine_needs_fdc(dom: Domain) -> bool:
    """qemuDomainMachineNeedsFDC: q35 machines from 2.4 on have no implicit FDC."""
    m = dom.os.machine or ""
    if not m.startswith("pc-q35-"):
        return False
    version = m[len("pc-q35-"):]
    return not (version.startswith("1.") or version in ("2.0", "2.1", "2.2", "2.3"))


