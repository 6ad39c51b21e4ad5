"""Command line arguments for <disk> (libvirt 1.3.1's qemuBuildDriveStr,
qemuBuildDriveDevStr and the disk loop of qemuBuildCommandLine)."""

from __future__ import annotations

import base64
import re

from ..caps import QemuCaps
from ..defaults import controllers as ctl
from ..defaults.addresses import scsi_controller_model
from ..defaults.storage import secret_value
from ..errors import UnsupportedError
from ..model.address import CCWAddress, DriveAddress, VirtioMMIOAddress, VirtioS390Address
from ..model.disk import Disk, StorageSource
from ..model.domain import Domain
from ..parse.disk import disk_name_to_index
from .address import controller_alias, device_address
from .command import CommandLine
from .controller import check_ccw_s390
from .general import emit_bootindex

_DEFAULT_PORTS = {
    "http": 80, "https": 443, "ftp": 21, "ftps": 990, "tftp": 69, "iscsi": 3260,
    "gluster": 24007, "nbd": 10809,
}

_IOTUNE_OPTS = (
    ("total_bytes_sec", "bps"), ("read_bytes_sec", "bps_rd"), ("write_bytes_sec", "bps_wr"),
    ("total_iops_sec", "iops"), ("read_iops_sec", "iops_rd"), ("write_iops_sec", "iops_wr"),
    ("total_bytes_sec_max", "bps_max"), ("read_bytes_sec_max", "bps_rd_max"),
    ("write_bytes_sec_max", "bps_wr_max"), ("total_iops_sec_max", "iops_max"),
    ("read_iops_sec_max", "iops_rd_max"), ("write_iops_sec_max", "iops_wr_max"),
    ("size_iops_sec", "iops_size"),
)


# -- sources -------------------------------------------------------------------


def actual_type(src: StorageSource) -> str:
    """virStorageSourceGetActualType: a volume resolves to what it holds."""
    if src.type == "volume" and src.pool is not None and src.pool.actual_type:
        return src.pool.actual_type
    return src.type


def _uri_host(name: str | None) -> str:
    if name and ":" in name:
        return f"[{name}]"
    return name or ""


def _port(protocol: str, port: str | None) -> int:
    if port:
        try:
            return int(port)
        except ValueError:
            raise UnsupportedError(f"failed to parse port number '{port}'") from None
    return _DEFAULT_PORTS.get(protocol, 0)


def _uri(src: StorageSource, user: str | None, secret: str | None) -> str:
    if len(src.hosts) != 1:
        raise UnsupportedError(f"protocol '{src.protocol}' accepts only one host")
    host = src.hosts[0]
    scheme = src.protocol or ""
    if host.transport != "tcp":
        scheme += f"+{host.transport}"
    out = f"{scheme}://"
    if user:
        out += f"{user}:{secret}@" if secret else f"{user}@"
    out += _uri_host(host.name)
    port = _port(src.protocol or "", host.port)
    if port and host.name:
        out += f":{port}"
    if src.path:
        out += src.path if src.path.startswith("/") else "/" + src.path
    if host.socket:
        out += f"?socket={host.socket}"
    return out


def network_drive_uri(src: StorageSource, user: str | None, secret: str | None) -> str:
    """qemuBuildNetworkDriveURI."""
    proto = src.protocol
    if proto == "nbd":
        if len(src.hosts) != 1:
            raise UnsupportedError("protocol 'nbd' accepts only one host")
        h = src.hosts[0]
        if not (
            (h.name and ":" in h.name)
            or (h.transport == "tcp" and not h.name)
            or (h.transport == "unix" and h.socket and not h.socket.startswith("/"))
        ):
            if h.transport == "tcp":
                out = f"nbd:{h.name}:{h.port or 10809}"
            elif h.transport == "unix":
                if not h.socket:
                    raise UnsupportedError("socket attribute required for unix transport")
                out = f"nbd:unix:{h.socket}"
            else:
                raise UnsupportedError(f"nbd does not support transport '{h.transport}'")
            if src.path:
                out += f":exportname={src.path}"
            return out
        return _uri(src, user, secret)
    if proto in ("http", "https", "ftp", "ftps", "tftp", "iscsi", "gluster"):
        return _uri(src, user, secret)
    if proto == "sheepdog":
        if not src.path:
            raise UnsupportedError("missing disk source for 'sheepdog' protocol")
        if not src.hosts:
            return f"sheepdog:{src.path}"
        if len(src.hosts) == 1:
            h = src.hosts[0]
            return f"sheepdog:{h.name}:{h.port or '7000'}:{src.path}"
        raise UnsupportedError("protocol 'sheepdog' accepts up to one host")
    if proto == "rbd":
        path = src.path or ""
        if ":" in path:
            raise UnsupportedError(f"':' not allowed in RBD source volume name '{path}'")
        out = f"rbd:{path}"
        if user:
            out += ":id=" + user.replace(":", "\\:")
            out += ":key=" + (secret or "").replace(":", "\\:") + ":auth_supported=cephx\\;none"
        else:
            out += ":auth_supported=none"
        if src.hosts:
            parts = []
            for h in src.hosts:
                name = h.name or ""
                part = "[" + name.replace(":", "\\:") + "]" if ":" in name else name
                if h.port:
                    part += f"\\:{h.port}"
                parts.append(part)
            out += ":mon_host=" + "\\;".join(parts)
        return out
    raise UnsupportedError(f"Unexpected network protocol '{proto}'")


def drive_source(disk: Disk, caps: QemuCaps) -> str | None:
    """qemuGetDriveSourceString."""
    src = disk.src
    kind = actual_type(src)
    if kind in ("file", "block", "dir"):
        return src.path
    if kind == "network":
        user = secret = None
        if disk.auth is not None and src.protocol in ("iscsi", "rbd"):
            user = disk.auth.username
            usage_type = "iscsi" if src.protocol == "iscsi" else "ceph"
            value = secret_value(caps, disk.auth, usage_type)
            secret = base64.b64encode(value.encode()).decode() if src.protocol == "rbd" else value
        return network_drive_uri(src, user, secret)
    return None


# -- -drive --------------------------------------------------------------------


def _qemu_bus(bus: str) -> str:
    return {"fdc": "floppy"}.get(bus, bus)


def build_drive_str(
    disk: Disk, bootable: bool, caps: QemuCaps, device: bool, pseries: bool = False
) -> str:
    """qemuBuildDriveStr; ``device`` says whether a -device accompanies it."""
    idx = disk_name_to_index(disk.dst)
    if idx < 0:
        raise UnsupportedError(f"unsupported disk type '{disk.dst}'")
    bus = disk.bus or "ide"
    addr = disk.info.address
    busid = unitid = -1
    if bus == "scsi":
        if not isinstance(addr, DriveAddress):
            raise UnsupportedError("unexpected address type for scsi disk")
        if addr.bus != 0:
            raise UnsupportedError("SCSI controller only supports 1 bus")
        busid, unitid = addr.controller, addr.unit
    elif bus == "ide":
        if not isinstance(addr, DriveAddress):
            raise UnsupportedError("unexpected address type for ide disk")
        if addr.controller != 0:
            raise UnsupportedError("Only 1 ide controller is supported")
        busid, unitid = addr.bus, addr.unit
    elif bus == "fdc":
        if pseries:
            raise UnsupportedError("PowerPC pseries machines do not support floppy device")
        if not isinstance(addr, DriveAddress):
            raise UnsupportedError("unexpected address type for fdc disk")
        if addr.controller != 0:
            raise UnsupportedError("Only 1 fdc controller is supported")
        if addr.bus != 0:
            raise UnsupportedError("Only 1 fdc bus is supported")
        if addr.target != 0:
            raise UnsupportedError("target must be 0 for controller fdc")
        unitid = addr.unit
    elif bus == "virtio":
        idx = -1

    opts: list[str] = []
    source = drive_source(disk, caps)
    kind = actual_type(disk.src)
    tray_open = disk.device in ("floppy", "cdrom") and disk.tray == "open"
    if source is not None and not tray_open:
        prefix = ""
        if kind == "dir":
            if disk.src.format and disk.src.format != "fat":
                raise UnsupportedError(
                    f"unsupported disk driver type for '{disk.driver_name}:{disk.src.format}'"
                )
            if not disk.readonly:
                raise UnsupportedError("cannot create virtual FAT disks in read-write mode")
            prefix = "fat:floppy:" if disk.device == "floppy" else "fat:"
        opts.append("file=" + prefix + source.replace(",", ",,"))
    elif kind == "block" and tray_open:
        raise UnsupportedError(
            "tray status 'open' is invalid for block type volume"
            if disk.src.type == "volume" else "tray status 'open' is invalid for block type disk"
        )
    opts.append("if=none" if device else f"if={_qemu_bus(bus)}")
    if disk.device == "cdrom":
        if bus == "scsi":
            if not caps.has("scsi-cd"):
                opts.append("media=cdrom")
        elif bus == "ide":
            if not caps.has("ide-cd"):
                opts.append("media=cdrom")
        else:
            opts.append("media=cdrom")
    if device:
        opts.append(f"id=drive-{disk.info.alias}")
    elif busid == -1 and unitid == -1:
        if idx != -1:
            opts.append(f"index={idx}")
    else:
        if busid != -1:
            opts.append(f"bus={busid}")
        if unitid != -1:
            opts.append(f"unit={unitid}")
    if bootable and caps.has("drive-boot") and disk.device in ("disk", "lun") and bus != "ide":
        opts.append("boot=on")
    if disk.readonly and caps.has("drive-readonly"):
        if disk.device == "disk" and bus in ("ide", "sata"):
            raise UnsupportedError(f"readonly {bus} disks are not supported")
        opts.append("readonly=on")
    if disk.transient:
        raise UnsupportedError("transient disks not supported yet")
    if disk.src.format and kind != "dir":
        opts.append(f"format={disk.src.format}")
    if disk.cyls > 0 and disk.heads > 0 and disk.secs > 0:
        opts.append(f"cyls={disk.cyls},heads={disk.heads},secs={disk.secs}")
        if disk.trans:
            opts.append(f"trans={disk.trans}")
    if disk.serial and caps.has("drive-serial"):
        if not re.fullmatch(r"[A-Za-z0-9_ .+-]*", disk.serial):
            raise UnsupportedError("driver serial '%s' contains unsafe characters" % disk.serial)
        if bus == "scsi" and disk.device == "lun":
            raise UnsupportedError("scsi-block 'lun' devices do not support the serial property")
        opts.append("serial=" + disk.serial.replace(" ", "\\ "))
    if disk.cache:
        if disk.cache == "directsync" and not caps.has("cache-directsync"):
            raise UnsupportedError("disk cache mode 'directsync' is not supported by this QEMU")
        if disk.cache == "unsafe" and not caps.has("cache-unsafe"):
            raise UnsupportedError("disk cache mode 'unsafe' is not supported by this QEMU")
        opts.append(f"cache={disk.cache}")
    elif disk.shared and not disk.readonly:
        opts.append("cache=none")
    if disk.copy_on_read is not None:
        if not caps.has("drive-copy-on-read"):
            raise UnsupportedError("copy_on_read is not supported by this QEMU binary")
        opts.append(f"copy-on-read={'on' if disk.copy_on_read else 'off'}")
    if disk.discard:
        if not caps.has("drive-discard"):
            raise UnsupportedError("discard is not supported by this QEMU binary")
        opts.append(f"discard={disk.discard}")
    if caps.has("monitor-json"):
        wpolicy = disk.error_policy
        rpolicy = disk.rerror_policy
        if wpolicy == "enospace":
            wpolicy = "enospc"
        elif not rpolicy:
            rpolicy = wpolicy
        if wpolicy:
            opts.append(f"werror={wpolicy}")
        if rpolicy:
            opts.append(f"rerror={rpolicy}")
    if disk.io:
        if not caps.has("drive-aio"):
            raise UnsupportedError("disk aio mode not supported with this QEMU binary")
        opts.append(f"aio={disk.io}")
    _iotune(disk, caps, opts)
    return ",".join(opts)


def _iotune(disk: Disk, caps: QemuCaps, opts: list[str]) -> None:
    t = disk.iotune
    if any(t.get(k) for k, _ in _IOTUNE_OPTS[:6]) and not caps.has("drive-iotune"):
        raise UnsupportedError("block I/O throttling not supported with this QEMU binary")
    if any(t.get(k) for k, _ in _IOTUNE_OPTS[6:]) and not caps.has("drive-iotune-max"):
        raise UnsupportedError(
            "there are some block I/O throttling parameters that are not supported with "
            "this QEMU binary"
        )
    for key, opt in _IOTUNE_OPTS:
        value = t.get(key)
        if value:
            if value > 2**63 - 1:
                raise UnsupportedError(
                    f"block I/O throttle limit must be less than {2**63 - 1} using QEMU"
                )
            opts.append(f"{opt}={value}")


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
    count = _iothread_count(dom)
    ids = _iothread_ids(dom)
    if disk.iothread not in ids and not (not ids and disk.iothread <= count):
        raise UnsupportedError(
            f"Disk iothread '{disk.iothread}' not defined in iothreadid"
        )


def _iothread_ids(dom: Domain) -> set[int]:
    ids = set()
    for t in dom.iothreads:
        value = getattr(t, "id", None)
        if value is not None:
            ids.add(int(value))
    return ids


def _iothread_count(dom: Domain) -> int:
    count = getattr(dom, "niothreads", None)
    if isinstance(count, int):
        return count
    return len(dom.iothreads)


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
        model = scsi_controller_model(dom, cont, caps) if cont else scsi_controller_model(
            dom, _empty_scsi(), caps
        )
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


def _empty_scsi():  # type: ignore[no-untyped-def]
    from ..model.controller import Controller

    return Controller(type="scsi")


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
        key = {"cdrom": "cdrom", "floppy": "fd"}.get(disk.device, "hd")
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


def _build_legacy(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """Without -drive: -hda, -cdrom, -fda..."""
    for disk in dom.devices.disks:
        if disk.src.type == "block" and disk.tray == "open":
            raise UnsupportedError("tray status 'open' is invalid for block type disk")
        if disk.bus == "usb":
            if disk.device != "disk":
                raise UnsupportedError(f"unsupported usb disk type for '{disk.src.path}'")
            cmd.add("-usbdevice", f"disk:{disk.src.path}")
            continue
        if disk.dst == "hdc" and disk.device == "cdrom":
            if not disk.src.path:
                continue
            dev = "-cdrom"
        elif disk.dst.startswith(("hd", "fd")):
            dev = f"-{disk.dst}"
        else:
            raise UnsupportedError(f"unsupported disk type '{disk.dst}'")
        if disk.src.type == "dir":
            if disk.src.format and disk.src.format != "fat":
                raise UnsupportedError(
                    f"unsupported disk driver type for '{disk.driver_name}:{disk.src.format}'"
                )
            if not disk.readonly:
                raise UnsupportedError("cannot create virtual FAT disks in read-write mode")
            prefix = "fat:floppy:" if disk.device == "floppy" else "fat:"
            file = prefix + (disk.src.path or "")
        elif disk.src.type == "network":
            raise UnsupportedError("network disks are only supported with -drive")
        else:
            file = disk.src.path or ""
        if not (disk.device in ("floppy", "cdrom") and disk.tray == "open"):
            cmd.add(dev, file)
