"""Disks: ``-drive``, ``-hda``..``-hdd``, ``-sdX``, ``-fda``/``-fdb``,
``-cdrom`` and ``-usbdevice disk:``, with the network sources QEMU names in
its ``file=`` (nbd, rbd, sheepdog, gluster, iscsi).

After qemuParseCommandLineDisk and friends (libvirt 1.3.1).
"""

from __future__ import annotations

from ..defaults.disk import insert_disk_sorted
from ..errors import ArgvError
from ..limits import CONTROLLERS_MAX, INT_MAX
from ..model.disk import STORAGE_FORMATS, Disk, DiskAuth, NetHost
from ..model.domain import Domain
from ..parse.disk_names import disk_name_to_index, drive_address_for
from .options import parse_keywords
from .state import ArgvState
from .uri import URI, parse_uri

_CACHE = {
    "off": "none",
    "none": "none",
    "writeback": "writeback",
    "on": "writeback",
    "writethrough": "writethrough",
    "directsync": "directsync",
    "unsafe": "unsafe",
}
_WERROR = {"stop": "stop", "report": "report", "ignore": "ignore", "enospc": "enospace"}
_RERROR = {"stop": "stop", "report": "report", "ignore": "ignore"}
_IF_BUS = {"ide": "ide", "scsi": "scsi", "virtio": "virtio", "xen": "xen", "sd": "sd"}
_GEOMETRY_TRANS = ("default", "none", "auto", "lba")
_IO_MODES = ("native", "threads")
# The target name prefix of each bus; the drive index picks the letter.
_DST_PREFIX = {"ide": "hd", "scsi": "sd", "sd": "sd", "virtio": "vd", "xen": "xvd", "fdc": "fd"}


def is_pseries(dom: Domain) -> bool:
    return dom.os.arch == "ppc64" and dom.os.machine == "pseries"


def index_to_dst(prefix: str, idx: int) -> str:
    """virIndexToDiskName: 0 -> 'a', 25 -> 'z', 26 -> 'aa'."""
    if idx < 0:
        raise ArgvError(f"invalid disk index {idx}")
    letters = ""
    i = idx
    while True:
        letters = chr(ord("a") + i % 26) + letters
        i = i // 26 - 1
        if i < 0:
            break
    return prefix + letters


def assign_drive_address(disk: Disk) -> None:
    """virDomainDiskDefAssignAddress for the buses with drive addresses."""
    idx = disk_name_to_index(disk.dst)
    if idx < 0:
        raise ArgvError(f"invalid device name '{disk.dst}'")
    address = drive_address_for(disk.bus, idx)
    if address is not None:
        disk.info.address = address


def insert_disk(dom: Domain, disk: Disk) -> None:
    """virDomainDiskInsert, as the XML parser orders disks."""
    insert_disk_sorted(dom.devices.disks, disk)


# -- network sources ---------------------------------------------------------


def _set_local_path(disk: Disk, path: str) -> None:
    disk.src.path = path
    disk.type = disk.src.type = "block" if path.startswith("/dev/") else "file"


def set_source(disk: Disk, path: str, rbd_from_env: bool = False) -> None:
    """The ``file=`` of a drive: a local path or a network source."""
    if path.startswith(("nbd:", "nbd+")):
        _network(disk, "nbd")
        _parse_nbd(disk, path)
    elif path.startswith("rbd:"):
        _network(disk, "rbd")
        disk.src.path = path[len("rbd:"):]
        if not rbd_from_env:
            _parse_rbd(disk)
    elif path.startswith(("gluster:", "gluster+")):
        _network(disk, "gluster")
        _parse_drive_uri(disk, parse_uri(path), "gluster")
    elif path.startswith("iscsi:"):
        _network(disk, "iscsi")
        _parse_iscsi(disk, path)
    elif path.startswith("sheepdog:"):
        _network(disk, "sheepdog")
        _parse_sheepdog(disk, path[len("sheepdog:"):])
    else:
        _set_local_path(disk, path)


def _network(disk: Disk, protocol: str) -> None:
    disk.type = "network"
    disk.src.type = "network"
    disk.src.protocol = protocol


def _parse_drive_uri(disk: Disk, uri: URI, scheme: str) -> None:
    """qemuParseDriveURIString: host, transport, image name and user."""
    base, plus, transport = uri.scheme.partition("+")
    if base != scheme:
        raise ArgvError(f"Invalid transport/scheme '{uri.scheme}'")
    host = NetHost()
    if plus:
        if transport not in ("tcp", "unix", "rdma"):
            raise ArgvError(f"Invalid {scheme} transport type '{transport}'")
        host.transport = transport
    if host.transport != "unix":
        host.name = uri.server
        host.port = str(uri.port) if uri.port is not None else None
    elif uri.query:
        if not uri.query.startswith("socket="):
            raise ArgvError(f"Invalid query parameter '{uri.query}'")
        host.socket = uri.query[len("socket="):]
    disk.src.path = uri.path[1:] if uri.path else None
    if disk.src.path == "":
        disk.src.path = None
    if uri.user:
        # the secret itself cannot be told from the URI
        disk.auth = DiskAuth(
            username=uri.user.split(":", 1)[0],
            secret_type="iscsi" if scheme == "iscsi" else None,
        )
    disk.src.hosts = [host]


def _parse_iscsi(disk: Disk, path: str) -> None:
    """``iscsi://[user[:pw]@]host[:port]/target[/lun]``: the LUN stays part
    of the name, a trailing slash goes."""
    uri = parse_uri(path)
    if uri.path and "/" in uri.path[1:]:
        target, _, lun = uri.path[1:].partition("/")
        if not lun:
            uri.path = "/" + target
        elif not lun.isdigit():
            raise ArgvError(f"invalid name '{path}' for iSCSI disk")
    _parse_drive_uri(disk, uri, "iscsi")


def _parse_nbd(disk: Disk, path: str) -> None:
    """qemuParseNBDString: ``nbd:HOST:PORT[:exportname=NAME]`` or
    ``nbd:unix:SOCKET[:exportname=NAME]``, or an nbd URI."""
    if "://" in path:
        _parse_drive_uri(disk, parse_uri(path), "nbd")
        return
    rest = path[len("nbd:"):]
    host = NetHost()
    export: str | None
    if rest.startswith("unix:/"):
        sock, _, export = rest[len("unix:"):].partition(":")
        host.transport = "unix"
        host.socket = sock
    else:
        name, colon, after = rest.partition(":")
        if not colon:
            raise ArgvError(f"cannot parse nbd filename '{path}'")
        port, _, export = after.partition(":")
        host.name = name
        host.port = port
    disk.src.path = export[len("exportname="):] if export.startswith("exportname=") else None
    disk.src.hosts = [host]


def _parse_sheepdog(disk: Disk, rest: str) -> None:
    """``[host:port:]vdiname``."""
    if ":" not in rest:
        disk.src.path = rest
        return
    name, _, after = rest.partition(":")
    port, colon, vdi = after.partition(":")
    if not colon:
        raise ArgvError(f"cannot parse sheepdog filename '{rest}'")
    disk.src.hosts = [NetHost(name=name, port=port)]
    disk.src.path = vdi


def _split_escaped(text: str, sep: str) -> list[str]:
    """Split at ``sep`` not preceded by a backslash (escapes are kept)."""
    parts: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if c == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def _rbd_host(entry: str) -> NetHost:
    """virStorageRBDAddHost: ``host\\:port`` or ``[v6\\:addr]\\:port``."""
    port: str | None = None
    if "]" in entry:
        end = entry.index("]")
        name, rest = entry[1:end], entry[end + 1:]
        if rest.startswith("\\:"):
            port = rest[2:]
    else:
        name, sep, rest = entry.partition("\\:")
        if sep:
            port = rest
    return NetHost(name=name.replace("\\:", ":"), port=port)


def _parse_rbd(disk: Disk) -> None:
    """virStorageSourceParseRBDColonString: ``pool/image[@snap][:opt=val...]``."""
    text = disk.src.path or ""
    head, _, options = text.partition(":")
    disk.src.path = head.split("@", 1)[0]
    if not options:
        return
    for opt in _split_escaped(options, ":"):
        if opt.startswith("id="):
            disk.auth = DiskAuth(username=opt[len("id="):], secret_type="ceph")
        elif opt.startswith("mon_host="):
            hosts = opt[len("mon_host="):]
            for entry in _split_mon_hosts(hosts):
                if entry:
                    disk.src.hosts.append(_rbd_host(entry))


def _split_mon_hosts(text: str) -> list[str]:
    """Monitor hosts are separated by an escaped ``;``, ``,`` or space."""
    out: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ",; ":
            out.append("".join(cur))
            cur = []
            i += 2
            continue
        cur.append(text[i])
        i += 1
    out.append("".join(cur))
    return out


def apply_ceph_args(dom: Domain, ceph_args: str) -> None:
    """Old libvirt passed the monitor hosts of the first rbd disk in the
    CEPH_ARGS environment variable: ``-m host[:port][,host[:port]]...``."""
    first = next(
        (d for d in dom.devices.disks if d.type == "network" and d.src.protocol == "rbd"),
        None,
    )
    if first is None:
        raise ArgvError("CEPH_ARGS was set without an rbd disk")
    if not ceph_args.startswith("-m "):
        raise ArgvError(f"could not parse CEPH_ARGS '{ceph_args}'")
    first.src.hosts = []
    for token in ceph_args.split(" ", 1)[1].split(","):
        if not token:
            continue
        name, colon, port = token.partition(":")
        first.src.hosts.append(NetHost(name=name, port=port if colon else None))
    if not first.src.hosts:
        raise ArgvError(f"found no rbd hosts in CEPH_ARGS '{ceph_args}'")


# -- -drive ------------------------------------------------------------------


def _int(value: str | None, what: str, opt: str) -> int:
    try:
        number = int(value or "", 10)
    except ValueError:
        raise ArgvError(f"cannot parse drive {what} '{opt}'") from None
    if not 0 <= number <= INT_MAX:  # QEMU reads these as int
        raise ArgvError(f"-drive '{opt}': {what} {value} is out of range (0 to {INT_MAX})")
    return number


def parse_drive(st: ArgvState, val: str) -> Disk:
    """One ``-drive`` option string."""
    dom = st.dom
    disk = Disk(type="file", device="disk", bus="ide")
    idx = bus_id = unit_id = -1
    rbd_from_env = st.getenv("CEPH_ARGS") is not None
    for key, value in parse_keywords(val, allow_empty=True):
        if key == "readonly":
            if value is None or value == "on":
                disk.readonly = True
            continue
        if value is None:
            raise ArgvError(f"malformed keyword arguments in '{val}'")
        if key == "file":
            if value:
                set_source(disk, value, rbd_from_env)
        elif key == "if":
            if value == "floppy":
                disk.bus = "fdc"
                disk.device = "floppy"
            elif value in _IF_BUS:
                disk.bus = _IF_BUS[value]
                if value == "ide" and is_pseries(dom):
                    disk.bus = "scsi"
        elif key == "media":
            if value == "cdrom":
                disk.device = "cdrom"
                disk.readonly = True
            elif value == "floppy":
                disk.device = "floppy"
        elif key == "format":
            disk.driver_name = "qemu"
            if value not in STORAGE_FORMATS:
                raise ArgvError(f"unknown driver format value '{value}'")
            disk.src.format = value
        elif key == "cache":
            if value in _CACHE:
                disk.cache = _CACHE[value]
        elif key == "werror":
            disk.error_policy = _WERROR.get(value, disk.error_policy)
        elif key == "rerror":
            disk.rerror_policy = _RERROR.get(value, disk.rerror_policy)
        elif key == "index":
            idx = _int(value, "index", val)
        elif key == "bus":
            bus_id = _int(value, "bus", val)
        elif key == "unit":
            unit_id = _int(value, "unit", val)
        elif key == "aio":
            if value not in _IO_MODES:
                raise ArgvError(f"cannot parse io mode '{value}'")
            disk.io = value
        elif key in ("cyls", "heads", "secs"):
            try:
                setattr(disk, key, int(value, 10))
            except ValueError:
                raise ArgvError(f"cannot parse {key} value '{value}'") from None
        elif key == "trans":
            if value not in _GEOMETRY_TRANS:
                raise ArgvError(f"cannot parse translation value '{value}'")
            disk.trans = value
        elif key == "serial":
            disk.serial = value
    if disk.rerror_policy == disk.error_policy:
        disk.rerror_policy = None
    if disk.src.path is None and disk.device == "disk" and disk.type != "network":
        raise ArgvError(f"missing file parameter in drive '{val}'")
    if idx == -1 and disk.bus == "virtio":
        idx = st.nvirtio_disks
    if idx == -1 and unit_id == -1 and bus_id == -1:
        raise ArgvError(f"missing index/unit/bus parameter in drive '{val}'")
    if idx == -1:
        unit_id = max(unit_id, 0)
        bus_id = max(bus_id, 0)
        if disk.bus == "ide":
            idx = bus_id * 2 + unit_id
        elif disk.bus == "scsi":
            idx = bus_id * 7 + unit_id
        else:
            idx = unit_id
    address = drive_address_for(disk.bus, idx)
    if address is not None and address.controller >= CONTROLLERS_MAX:
        raise ArgvError(
            f"-drive '{val}': drive index {idx} needs {disk.bus} controller "
            f"{address.controller}, above the limit of {CONTROLLERS_MAX - 1}"
        )
    disk.dst = index_to_dst(_DST_PREFIX.get(disk.bus or "ide", "hd"), idx)
    assign_drive_address(disk)
    return disk


def handle_drive(st: ArgvState, opt: str) -> bool:
    disk = parse_drive(st, st.value(opt))
    if disk.bus == "virtio":
        st.nvirtio_disks += 1
    st.dom.devices.disks.append(disk)
    return True


# -- -hda, -cdrom, -fda ... --------------------------------------------------


def handle_legacy_disk(st: ArgvState, opt: str) -> bool:
    """``-hdX``/``-sdX``/``-fdX FILE`` and ``-cdrom FILE``."""
    val = st.value(opt)
    dom = st.dom
    disk = Disk()
    if val.startswith("/dev/"):
        _set_local_path(disk, val)
    else:
        set_source(disk, val, st.getenv("CEPH_ARGS") is not None)
    if opt == "-cdrom":
        disk.device = "cdrom"
        disk.bus = "scsi" if is_pseries(dom) else "ide"
        disk.dst = "hdc"
        disk.readonly = True
    elif opt.startswith("-fd"):
        disk.device = "floppy"
        disk.bus = "fdc"
        disk.dst = opt[1:]
    else:
        disk.device = "disk"
        disk.bus = "ide" if opt.startswith("-hd") else "scsi"
        if is_pseries(dom):
            disk.bus = "scsi"
        disk.dst = opt[1:]
    if disk_name_to_index(disk.dst) < 0:
        raise ArgvError(f"invalid device name '{disk.dst}'")
    assign_drive_address(disk)
    insert_disk(dom, disk)
    return True


def usb_disk(path: str) -> Disk:
    """``-usbdevice disk:PATH``."""
    disk = Disk(device="disk", bus="usb", dst="sda")
    _set_local_path(disk, path)
    return disk


def finish_disks(st: ArgvState) -> None:
    ceph_args = st.getenv("CEPH_ARGS")
    if ceph_args is not None and st.dom.devices.disks:
        apply_ceph_args(st.dom, ceph_args)
