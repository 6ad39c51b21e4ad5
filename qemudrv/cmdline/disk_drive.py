"""-drive for <disk>: the source and its options (libvirt 1.3.1's qemuBuildDriveStr
and qemuBuildNetworkDriveURI)."""

from __future__ import annotations

import base64
import re

from ..caps import QemuCaps
from ..defaults.storage import secret_value
from ..errors import UnsupportedError
from ..model.address import DriveAddress
from ..model.disk import Disk, StorageSource
from ..parse.disk_names import disk_name_to_index

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


# qemuSafeSerialParamValue: the characters a drive serial may hold.
_SAFE_SERIAL = re.compile(r"[A-Za-z0-9_ .+-]*")


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
            value = secret_value(caps, disk.auth)
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
        if not _SAFE_SERIAL.fullmatch(disk.serial):
            raise UnsupportedError(f"driver serial '{disk.serial}' contains unsafe characters")
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
    if not t:
        return  # most disks have no limits: skip the three scans
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
