"""Disks as libvirt 9.0 writes them: a -blockdev node graph and a -device.

Each image gets a storage node (libvirt-N-storage: where the bytes are) and a
format node (libvirt-N-format: how to read them); the frontend -device names
the top format node (qemuBuildDiskCommandLine, qemu_block.c).
"""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...defaults.addresses import scsi_controller_model
from ...errors import UnsupportedError
from ...model.address import DriveAddress
from ...model.disk import Disk
from ...model.domain import Domain
from ...parse.disk_names import disk_name_to_index
from ..address import controller_alias
from ..command import CommandLine
from .address import address_props
from .blockdev import (
    CACHE_FLAGS,
    Image,
    build_chain,
    detect_zeroes,
    disk_images,
    effective_cache,
    reserve_fdsets,
    vhost_user_chardev_alias,
)
from .props import Props, add_device, escape_comma
from .storage_checks import check_disk_at_start, check_image
from .virtio import virtio_device_props
from .zpci import add_ext_device


def _drive_address_props(dom: Domain, disk: Disk, caps: QemuCaps) -> Props:
    a = disk.info.address
    if not isinstance(a, DriveAddress):
        return {}
    if disk.bus == "ide":
        alias = "ide" if ctl.machine_has_builtin_ide(dom) else \
            controller_alias(dom, "ide", a.controller)
        return {"bus": f"{alias}.{a.bus}", "unit": a.unit}
    if disk.bus == "sata":
        alias = "ide" if ctl.machine_is_q35(dom) and a.controller == 0 else \
            controller_alias(dom, "sata", a.controller)
        return {"bus": f"{alias}.{a.unit}"}
    if disk.bus == "fdc":
        return {"unit": a.unit}
    if disk.bus == "scsi":
        cont = ctl.find_controller(dom, "scsi", a.controller)
        if cont is None:
            raise UnsupportedError(f"unable to find a SCSI controller for idx={a.controller}")
        model = scsi_controller_model(dom, cont, caps)
        if model in ("lsilogic", "ncr53c90", "dc390", "am53c974"):
            return {"bus": f"{cont.info.alias}.{a.bus}", "scsi-id": a.unit}
        return {"bus": f"{cont.info.alias}.0", "channel": a.bus, "scsi-id": a.target,
                "lun": a.unit}
    return {}


def _device_driver(disk: Disk) -> str:
    if disk.bus in ("ide", "sata"):
        return "ide-cd" if disk.device == "cdrom" else "ide-hd"
    if disk.bus == "scsi":
        if disk.device == "lun":
            return "scsi-block"
        return "scsi-cd" if disk.device == "cdrom" else "scsi-hd"
    if disk.bus == "usb":
        return "usb-storage"
    if disk.bus == "fdc":
        return "floppy"
    raise UnsupportedError(f"unsupported disk bus '{disk.bus}' with device setup",
                           code="internal error")


def _virtio_props(disk: Disk, caps: QemuCaps) -> Props:
    """The virtio-blk part of qemuBuildDiskDeviceProps."""
    base = "vhost-user-blk" if disk.src.type == "vhostuser" else "virtio-blk"
    props = virtio_device_props(base, disk.info.address, disk.model, disk.virtio, caps)
    if disk.iothread:
        props["iothread"] = f"iothread{disk.iothread}"
    if disk.ioeventfd is not None:
        props["ioeventfd"] = disk.ioeventfd
    if disk.event_idx is not None:
        props["event_idx"] = disk.event_idx
    if disk.src.type != "vhostuser" and caps.has("virtio-blk-pci.scsi"):
        if disk.device == "lun":
            props["scsi"] = True
        elif not caps.has("virtio-blk-pci.scsi.default.disabled"):
            props["scsi"] = False
    if disk.queues:
        props["num-queues"] = disk.queues
    if disk.queue_size:
        props["queue-size"] = disk.queue_size
    return props


def _error_policies(disk: Disk) -> Props:
    """qemuBuildDiskGetErrorPolicy: enospace is 'enospc' and only for writes."""
    write = disk.error_policy if disk.error_policy != "default" else None
    read = disk.rerror_policy if disk.rerror_policy != "default" else None
    if write == "enospace":
        write = "enospc"
    elif read is None:
        read = write
    props: Props = {}
    if write:
        props["werror"] = write
    if read:
        props["rerror"] = read
    return props


def sd_drive(disk: Disk) -> str:
    """qemuBuildDriveStr: the -drive of an SD card (local images only)."""
    src = disk.src
    if src.type not in ("file", "block", "dir") or disk.encryption is not None:
        raise UnsupportedError(f"'{src.type}' SD cards are not written in the 9.0 dialect yet")
    opts = []
    if src.path is not None:
        prefix = ("fat:floppy:" if disk.device == "floppy" else "fat:") if src.type == "dir" else ""
        opts.append(f"file={prefix}{escape_comma(src.path)}")
        if src.format and src.type != "dir":
            opts.append(f"format={src.format}")
    opts.append(f"if=sd,index={disk_name_to_index(disk.dst)}")
    if disk.readonly or disk.device == "cdrom":
        opts.append("readonly=on")
    if src.path is not None:
        if disk.cache not in (None, "default"):
            opts.append(f"cache={disk.cache}")
        if disk.copy_on_read is not None:
            opts.append(f"copy-on-read={'on' if disk.copy_on_read else 'off'}")
        if disk.discard not in (None, "default"):
            opts.append(f"discard={disk.discard}")
        if (zeroes := detect_zeroes(disk)) is not None:
            opts.append(f"detect-zeroes={zeroes}")
        if disk.io not in (None, "default"):
            opts.append(f"aio={disk.io}")
    return ",".join(opts)


def disk_device_props(dom: Domain, disk: Disk, caps: QemuCaps, drive: str | None,
                      bootindex: int) -> Props:
    """qemuBuildDiskDeviceProps."""
    virtio = disk.bus == "virtio"
    props: Props = _virtio_props(disk, caps) if virtio else {"driver": _device_driver(disk)}
    props.update(_drive_address_props(dom, disk, caps) or address_props(dom, disk.info, caps))
    if disk.bus == "scsi" and disk.device != "lun":
        # the VPD device id QEMU used to take from the -drive name
        props["device_id"] = disk.serial or f"drive-{disk.info.alias}"
    if disk.shared:
        props["share-rw"] = True
    if disk.src.type == "vhostuser":
        props["chardev"] = vhost_user_chardev_alias(disk)
    elif drive is not None:
        props["drive"] = drive
    props["id"] = disk.info.alias
    if bootindex and disk.device != "floppy":
        props["bootindex"] = bootindex
    if disk.logical_block_size:
        props["logical_block_size"] = disk.logical_block_size
    if disk.physical_block_size:
        props["physical_block_size"] = disk.physical_block_size
    if disk.wwn:
        props["wwn"] = int(disk.wwn, 16)
    if disk.rotation_rate:
        props["rotation_rate"] = disk.rotation_rate
    if disk.vendor:
        props["vendor"] = disk.vendor
    if disk.product:
        props["product"] = disk.product
    if disk.bus == "usb" and caps.has("usb-storage.removable"):
        props["removable"] = bool(disk.removable)
    cache = effective_cache(disk)
    if cache is not None and disk.device != "lun":
        props["write-cache"] = "on" if CACHE_FLAGS[cache][0] else "off"
    for key, value in (("cyls", disk.cyls), ("heads", disk.heads), ("secs", disk.secs)):
        if value:
            props[key] = value
    if disk.trans and disk.trans != "default":
        props["bios-chs-trans"] = disk.trans
    if disk.serial:
        props["serial"] = disk.serial.replace(" ", "\\ ")
    props.update(_error_policies(disk))
    return props


def effective_boot_indexes(dom: Domain) -> dict[int, int]:
    """qemuProcessPrepareDeviceBootorder: <os><boot dev> becomes the bootindex
    of the first device of each kind; otherwise a device's own <boot order>."""
    if not dom.os.boot_devs:
        return {id(d): d.info.boot_order for d in dom.devices.disks if d.info.boot_order}
    order = {dev: i + 1 for i, dev in enumerate(dom.os.boot_devs)}
    kinds = {"cdrom": "cdrom", "floppy": "fd", "disk": "hd", "lun": "hd"}
    out: dict[int, int] = {}
    for disk in dom.devices.disks:
        kind = kinds.get(disk.device, "hd")
        index = order.pop(kind, 0)
        if index:
            out[id(disk)] = index
    return out


def _floppy_controller(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                       boot: dict[int, int]) -> None:
    """qemuBuildFloppyCommandLineControllerOptions: a floppy boots through
    its controller, a -global of the machine's or an explicit isa-fdc on q35."""
    props: Props = {}
    for disk in dom.devices.disks:
        a = disk.info.address
        index = boot.get(id(disk), 0)
        if disk.bus != "fdc" or not index or not isinstance(a, DriveAddress):
            continue
        props[f"bootindex{'AB'[a.unit]}"] = index
    if not props:
        return
    if ctl.machine_is_q35(dom):
        add_device(cmd, {"driver": "isa-fdc", **props}, caps)
        return
    for key, value in props.items():
        cmd.add("-global", f"isa-fdc.{key}={value}")


def build_disks(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                boot: dict[int, int]) -> dict[int, list[Image]]:
    """The disks' arguments; returns their images (disk_images), which
    the command line needs again for the host SCSI devices."""
    _floppy_controller(cmd, dom, caps, boot)
    for disk in dom.devices.disks:
        check_disk_at_start(dom, disk, caps)
    images = disk_images(dom)
    # qemuProcessPrepareDomainStorage checks every image, last disk first
    for disk in reversed(dom.devices.disks):
        for image in images.get(id(disk), []):
            check_image(disk, image, caps)
    fdsets = reserve_fdsets(cmd, dom, images, caps)
    for disk in dom.devices.disks:
        # a transient disk sharing its backing image is hotplugged at start
        if disk.transient and disk.transient_share_backing:
            continue
        if disk.bus == "sd":
            # SD cards are still -drive if=sd, without a -device
            cmd.add("-drive", sd_drive(disk))
            continue
        drive = build_chain(cmd, dom, disk, images.get(id(disk), []), fdsets, caps)
        add_ext_device(cmd, disk.info, caps)
        add_device(cmd, disk_device_props(dom, disk, caps, drive, boot.get(id(disk), 0)), caps)
    return images
