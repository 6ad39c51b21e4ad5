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
from ...model.disk import Disk, NetHost, StorageSource
from ...model.domain import Domain
from ..address import controller_alias
from ..command import CommandLine
from .address import address_props, virtio_driver
from .platform import add_ext_device
from .props import Props, add_blockdev, add_device

# qemuDomainDiskCachemodeFlags: mode -> (write-cache, direct, no-flush)
_CACHE_FLAGS = {
    "writeback": (True, False, False),
    "writethrough": (False, False, False),
    "none": (True, True, False),
    "directsync": (False, True, False),
    "unsafe": (True, False, True),
}

# The storage drivers of local sources (qemuBlockStorageSourceGetBackendProps).
_LOCAL_DRIVERS = {"file": "file", "block": "host_device", "dir": "vvfat"}


def _has_source(src: StorageSource) -> bool:
    return bool(src.path) or src.type == "network"


def node_indexes(dom: Domain) -> dict[int, int]:
    """The libvirt-N index of each disk's top image.

    qemuProcessPrepareDomainStorage walks the disks from the last one, so the
    first disk gets the highest number.
    """
    indexes: dict[int, int] = {}
    counter = 0
    for disk in reversed(dom.devices.disks):
        if not _has_source(disk.src):
            continue
        counter += 1
        indexes[id(disk)] = counter
    return indexes


def _cache_props(disk: Disk) -> Props:
    if disk.cache is None or disk.cache == "default":
        return {}
    _, direct, no_flush = _CACHE_FLAGS[disk.cache]
    return {"cache": {"direct": direct, "no-flush": no_flush}}


# virStorageSourceNetworkDefaultPort.
_DEFAULT_PORTS = {"nbd": "10809", "gluster": "24007", "iscsi": "3260", "http": "80",
                  "https": "443", "ftp": "21", "ftps": "990", "ssh": "22"}


def _inet(host: NetHost, protocol: str) -> Props:
    if host.transport == "unix":
        return {"type": "unix", "path": host.socket}
    return {"type": "inet", "host": host.name,
            "port": host.port or _DEFAULT_PORTS.get(protocol, "")}


def _network_props(disk: Disk, caps: QemuCaps) -> Props:
    """qemuBlockStorageSourceGetBackendProps for network protocols."""
    src = disk.src
    protocol = src.protocol or ""
    if disk.auth is not None:
        raise UnsupportedError(f"authenticated '{protocol}' disks are not written in the "
                               "9.0 dialect yet")
    name = src.path or ""
    hosts = src.hosts
    if protocol == "nbd":
        props: Props = {"driver": "nbd", "server": _inet(hosts[0], protocol)}
        if name:
            props["export"] = name
        return props
    if protocol == "gluster":
        volume, _, path = name.partition("/")
        return {"driver": "gluster", "volume": volume, "path": path,
                "server": [_inet(h, protocol) for h in hosts],
                "debug": int(caps.conf("gluster_debug_level", 4))}
    if protocol == "iscsi":
        target, _, lun = name.rpartition("/") if "/" in name else (name, "", "0")
        host = hosts[0]
        addr = f"[{host.name}]" if host.name and ":" in host.name else (host.name or "")
        return {"driver": "iscsi",
                "portal": f"{addr}:{host.port or _DEFAULT_PORTS['iscsi']}",
                "target": target, "lun": int(lun or 0), "transport": "tcp"}
    if protocol == "rbd":
        pool, _, image = name.partition("/")
        props = {"driver": "rbd", "pool": pool, "image": image}
        if hosts:
            props["server"] = [{"host": h.name, "port": h.port} if h.port else {"host": h.name}
                               for h in hosts]
        return props
    if protocol in ("http", "https", "ftp", "ftps"):
        host = hosts[0]
        port = host.port or _DEFAULT_PORTS[protocol]
        return {"driver": protocol,
                "url": f"{protocol}://{host.name}:{port}/{name.lstrip('/')}"}
    raise UnsupportedError(f"network disk protocol '{protocol}' is not written in the "
                           "9.0 dialect yet")


def _storage_props(dom: Domain, disk: Disk, caps: QemuCaps, node: str) -> Props:
    src = disk.src
    kind = src.type
    props: Props
    if kind == "network":
        props = _network_props(disk, caps)
        props["node-name"] = node
        props.update(_cache_props(disk))
        props["auto-read-only"] = True
        props["discard"] = "unmap"
        return props
    if kind not in _LOCAL_DRIVERS:
        raise UnsupportedError(f"unsupported disk source type '{kind}'")
    driver = _LOCAL_DRIVERS[kind]
    cdrom_path = caps.host.get("host_cdrom_path")
    if (disk.device == "cdrom" and kind == "block" and src.path == cdrom_path
            and (src.format or "raw") == "raw"):
        driver = "host_cdrom"
    props = {"driver": driver, "filename": src.path, "node-name": node}
    props.update(_cache_props(disk))
    props["auto-read-only"] = True
    props["discard"] = "unmap"
    return props


def _format_props(disk: Disk, index: int) -> Props:
    # A CD-ROM is read-only whatever the XML says.
    readonly = disk.readonly or disk.device == "cdrom"
    props: Props = {"node-name": f"libvirt-{index}-format", "read-only": readonly}
    props.update(_cache_props(disk))
    if disk.discard is not None:
        props["discard"] = disk.discard
    props["driver"] = disk.src.format or "raw"
    props["file"] = f"libvirt-{index}-storage"
    return props


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
    if disk.bus == "virtio":
        return virtio_driver("virtio-blk", disk.info)
    if disk.bus == "usb":
        return "usb-storage"
    if disk.bus == "fdc":
        return "floppy"
    raise UnsupportedError(f"unsupported disk bus '{disk.bus}' with device setup")


def disk_device_props(dom: Domain, disk: Disk, caps: QemuCaps, drive: str | None,
                      bootindex: int) -> Props:
    """qemuBuildDiskDeviceProps."""
    props: Props = {"driver": _device_driver(disk)}
    if disk.bus == "virtio":
        if disk.iothread:
            props["iothread"] = f"iothread{disk.iothread}"
        if disk.ioeventfd is not None:
            props["ioeventfd"] = disk.ioeventfd
        if disk.event_idx is not None:
            props["event_idx"] = disk.event_idx
        if (caps.has("virtio-blk-pci.scsi") and disk.device != "lun"
                and not caps.has("virtio-blk-pci.scsi.default.disabled")):
            props["scsi"] = False
    props.update(_drive_address_props(dom, disk, caps) or address_props(dom, disk.info, caps))
    if disk.bus == "scsi" and disk.device != "lun":
        props["device_id"] = disk.serial or f"drive-{disk.info.alias}"
    if disk.shared:
        props["share-rw"] = True
    if drive is not None:
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
    if disk.vendor:
        props["vendor"] = disk.vendor
    if disk.product:
        props["product"] = disk.product
    if disk.bus == "usb" and caps.has("usb-storage.removable"):
        props["removable"] = bool(disk.removable)
    if disk.cache not in (None, "default") and disk.device != "lun":
        props["write-cache"] = "on" if _CACHE_FLAGS[disk.cache][0] else "off"
    for key, value in (("cyls", disk.cyls), ("heads", disk.heads), ("secs", disk.secs)):
        if value:
            props[key] = value
    if disk.trans and disk.trans != "default":
        props["bios-chs-trans"] = disk.trans
    if disk.serial:
        props["serial"] = disk.serial.replace(" ", "\\ ")
    error = disk.error_policy
    if error is not None and error != "default":
        props["werror"] = "enospc" if error == "enospace" else error
        read = disk.rerror_policy or error
        if read not in ("enospace",):
            props["rerror"] = read
    elif disk.rerror_policy not in (None, "default"):
        props["rerror"] = disk.rerror_policy
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
                boot: dict[int, int]) -> None:
    _floppy_controller(cmd, dom, caps, boot)
    indexes = node_indexes(dom)
    for disk in dom.devices.disks:
        drive: str | None = None
        index = indexes.get(id(disk))
        if index is not None:
            storage = f"libvirt-{index}-storage"
            add_blockdev(cmd, _storage_props(dom, disk, caps, storage))
            add_blockdev(cmd, _format_props(disk, index))
            drive = f"libvirt-{index}-format"
        add_ext_device(cmd, disk.info, caps)
        add_device(cmd, disk_device_props(dom, disk, caps, drive, boot.get(id(disk), 0)), caps)
