"""Parsing of <disk> (virDomainDiskDefParseXML of libvirt 1.3.1; a 9.0 set
adds 9.0's source types, source details and <driver> attributes, with
its messages)."""

from __future__ import annotations

import functools

from ..errors import ConfigError, XMLError
from ..limits import INT_MAX
from ..model.address import DriveAddress
from ..model.disk import (
    CACHE_MODES,
    DETECT_ZEROES_MODES,
    DISCARD_MODES,
    DISK_BUSES,
    DISK_DEVICES,
    DISK_MODELS,
    DISK_TYPES,
    ERROR_POLICIES,
    GEOMETRY_TRANS,
    IO_MODES,
    IOTUNE_FIELDS,
    IOTUNE_MAX_LENGTH_FIELDS,
    MODERN_DISK_TYPES,
    MODERN_IO_MODES,
    MODERN_NET_PROTOCOLS,
    NET_DEFAULT_PORTS,
    NET_PROTOCOLS,
    NET_TRANSPORTS,
    POOL_MODES,
    SGIO_MODES,
    SNAPSHOT_MODES,
    STARTUP_POLICIES,
    STORAGE_FORMATS,
    TRAY_STATES,
    VIRTIO_OPTIONS,
    Disk,
    DiskAuth,
    Encryption,
    Mirror,
    NetHost,
    NVMeSource,
    PoolSource,
    StorageSource,
    VhostUserSource,
)
from ..xmlreader import Element, child, children, elements, scale
from .context import ParseContext
from .device_info import parse_device_info, parse_pci_address
from .prop_errors import invalid_uint, invalid_value
from .seclabel import parse_device_seclabels


def _enum(value: str | None, choices: tuple[str, ...], message: str) -> str | None:
    """A libvirt enum attribute; the first choice ("default") is not allowed."""
    if value is None:
        return None
    if value not in choices or (value == choices[0] and choices[0] == "default"):
        raise XMLError(message % value)
    return value


def _on_off(value: str | None, message: str) -> bool | None:
    if value is None:
        return None
    if value not in ("on", "off"):
        raise XMLError(message % value)
    return value == "on"


def _uint(value: str | None, message: str) -> int | None:
    if value is None:
        return None
    try:
        number = int(value, 10)
    except ValueError:
        raise XMLError(message % value) from None
    if number < 0:
        raise XMLError(message % value)
    return number


# -- disk names --------------------------------------------------------------

_NAME_PREFIXES = ("fd", "hd", "vd", "sd", "xvd", "ubd")


@functools.lru_cache(maxsize=1024)
def disk_name_to_index(name: str) -> int:
    """virDiskNameToIndex: 'hda' -> 0, 'sdz' -> 25, 'sdaa' -> 26; -1 if invalid."""
    for prefix in _NAME_PREFIXES:
        if name.startswith(prefix):
            rest = name[len(prefix):]
            break
    else:
        return -1
    idx = 0
    count = 0
    for ch in rest:
        if not "a" <= ch <= "z":
            break
        idx = (idx + (count > 0)) * 26 + ord(ch) - ord("a")
        if idx > INT_MAX:  # an index must fit an int, as in later libvirt
            return -1
        count += 1
    tail = rest[count:]
    if tail and not tail.isdigit():
        return -1
    return idx


def assign_drive_address(disk: Disk) -> None:
    """virDomainDiskDefAssignAddress: the default drive address from the
    target name."""
    idx = disk_name_to_index(disk.dst)
    if idx < 0:
        raise XMLError(f"Unknown disk name '{disk.dst}' and no address specified")
    address = drive_address_for(disk.bus, idx)
    if address is not None:
        disk.info.address = address


def drive_address_for(bus: str | None, idx: int) -> DriveAddress | None:
    """The drive address of the disk with target index ``idx`` on ``bus``
    (QEMU has narrow SCSI buses: 7 units per bus); None for other buses."""
    if bus == "scsi":
        return DriveAddress(idx // 7, 0, 0, idx % 7)
    if bus == "ide":
        return DriveAddress(idx // 4, (idx % 4) // 2, 0, idx % 2)
    if bus == "sata":
        return DriveAddress(idx // 6, 0, 0, idx % 6)
    if bus == "fdc":
        return DriveAddress(idx // 2, 0, 0, idx % 2)
    return None


# -- <source> ----------------------------------------------------------------


def _parse_hosts(src_el: Element, src: StorageSource) -> None:
    for h in children(src_el, "host"):
        host = NetHost(name=h.get("name"), port=h.get("port"))
        transport = h.get("transport")
        if transport is not None:
            if transport not in NET_TRANSPORTS:
                raise XMLError(f"unknown protocol transport type '{transport}'")
            host.transport = transport
        host.socket = h.get("socket")
        if host.transport == "unix" and host.socket is None:
            raise XMLError("missing socket for unix transport")
        if host.transport != "unix" and host.socket is not None:
            raise XMLError(
                f"transport '{host.transport}' does not support socket attribute"
            )
        if host.transport != "unix" and host.name is None:
            raise XMLError("missing name for host")
        src.hosts.append(host)


def parse_source(src_el: Element, src: StorageSource, ctx: ParseContext) -> str | None:
    """virDomainDiskSourceParse; returns the startupPolicy attribute."""
    if src.type == "file":
        src.path = src_el.get("file")
        if ctx.modern:
            src.fdgroup = src_el.get("fdgroup")
    elif src.type == "block":
        src.path = src_el.get("dev")
    elif src.type == "dir":
        src.path = src_el.get("dir")
    elif src.type == "network":
        protocol = src_el.get("protocol")
        if protocol is None:
            raise XMLError("missing network source protocol type")
        if protocol not in (MODERN_NET_PROTOCOLS if ctx.modern else NET_PROTOCOLS):
            raise XMLError(f"unknown protocol type '{protocol}'")
        src.protocol = protocol
        name = src_el.get("name")
        if name is None and protocol != "nbd":
            raise XMLError("missing name for disk source")
        src.path = name
        _parse_hosts(src_el, src)
        if ctx.modern:
            _parse_network_modern(src_el, src)
    elif src.type == "nvme":
        src.nvme = _parse_nvme(src_el)
    elif src.type == "vhostuser":
        src.vhostuser = _parse_vhostuser(src_el)
    elif src.type == "volume":
        pool, volume = src_el.get("pool"), src_el.get("volume")
        if pool is None and volume is None:
            return src_el.get("startupPolicy")
        if pool is None or volume is None:
            raise XMLError("'pool' and 'volume' must be specified together for 'pool' type source")
        mode = src_el.get("mode")
        if mode is not None and (mode not in POOL_MODES or mode == "default"):
            raise XMLError(f"unknown source mode '{mode}' for volume type disk")
        src.pool = PoolSource(pool, volume, mode)
    src.seclabels = parse_device_seclabels(src_el, ctx)
    if ctx.modern:
        src.slice_storage = _parse_storage_slice(src_el)
    if ctx.modern and src.type in ("file", "block", "dir", "volume"):
        reservations = child(src_el, "reservations")
        if reservations is not None:
            src.reservations = _parse_reservations(reservations)
    return src_el.get("startupPolicy")


def _index(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise XMLError(f"invalid disk index '{value}'") from None


def _tristate(el: Element, name: str) -> bool | None:
    value = el.get(name)
    if value is None:
        return None
    if value not in ("yes", "no"):
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{value}'. Expected 'yes' or 'no'")
    return value == "yes"


def _ull(el: Element | None, name: str, message: str) -> int | None:
    if el is None or el.get(name) is None:
        return None
    value = _uint(el.get(name), message)
    return value


def _parse_nvme(el: Element) -> NVMeSource:
    """virDomainDiskSourceNVMeParse."""
    type_ = el.get("type")
    if type_ is None:
        raise XMLError("missing 'type' attribute to disk source")
    if type_ != "pci":
        raise XMLError(f"unsupported source type '{type_}'")
    namespace = el.get("namespace")
    if namespace is None:
        raise XMLError("missing 'namespace' attribute to disk source")
    number = _uint(namespace, "malformed namespace '%s'")
    address = child(el, "address")
    if address is None:
        raise XMLError("NVMe disk source is missing address")
    return NVMeSource(parse_pci_address(address), number or 0, _tristate(el, "managed"))


def _parse_vhostuser(el: Element) -> VhostUserSource:
    """virDomainDiskSourceVHostUserParse."""
    type_, path = el.get("type"), el.get("path")
    if type_ is None:
        raise XMLError("missing 'type' attribute for vhostuser disk source")
    if type_ != "unix":
        raise XMLError("invalid 'type' attribute for vhostuser disk source")
    if path is None:
        raise XMLError("missing 'path' attribute for vhostuser disk source")
    source = VhostUserSource(path)
    reconnect = child(el, "reconnect")
    if reconnect is not None:
        source.reconnect = _tristate(reconnect, "enabled")
        timeout = reconnect.get("timeout")
        if timeout is not None:
            source.reconnect_timeout = _uint(timeout, "invalid reconnect timeout '%s'")
    return source


def _parse_storage_slice(src_el: Element) -> tuple[int, int] | None:
    """virDomainStorageSourceParseSlices: the 'storage' slice."""
    slices = child(src_el, "slices")
    if slices is None:
        return None
    for slice_el in children(slices, "slice"):
        if slice_el.get("type") != "storage":
            continue
        offset, size = slice_el.get("offset"), slice_el.get("size")
        if offset is None or size is None:
            raise XMLError("missing offset or size attribute of slice")
        return (_uint(offset, "malformed value '%s' of 'offset' attribute of slice") or 0,
                _uint(size, "malformed value '%s' of 'size' attribute of slice") or 0)
    return None


def _parse_reservations(el: Element) -> tuple[bool, str | None]:
    """virStoragePRDefParseXML."""
    managed = _tristate(el, "managed")
    if managed is None:
        raise XMLError("missing 'managed' attribute for <reservations/>")
    source = child(el, "source")
    if managed or source is None:
        return managed, None
    type_, path, mode = source.get("type"), source.get("path"), source.get("mode")
    if type_ is None:
        raise XMLError("missing connection type for <reservations/>")
    if path is None:
        raise XMLError("missing path for <reservations/>")
    if mode is None:
        raise XMLError("missing connection mode for <reservations/>")
    if type_ != "unix":
        raise XMLError(f"unsupported connection type for <reservations/>: {type_}")
    if mode != "client":
        raise XMLError(f"unsupported connection mode for <reservations/>: {mode}")
    return managed, path


def _parse_network_modern(src_el: Element, src: StorageSource) -> None:
    """libvirt 9.0's virDomainDiskSourceNetworkParse additions: TLS, HTTP
    options, and the default port of each TCP host."""
    protocol = src.protocol or ""
    if protocol in ("gluster", "rbd") and src.path is not None:
        volume, sep, _ = src.path.partition("/")
        if not sep or not volume:
            raise XMLError(f"can't split path '{src.path}' into pool name and image name")
    src.tls = _tristate(src_el, "tls")
    src.tls_hostname = src_el.get("tlsHostname")
    snapshot, config = child(src_el, "snapshot"), child(src_el, "config")
    src.snapshot = snapshot.get("name") if snapshot is not None else None
    src.config_file = config.get("file") if config is not None else None
    if protocol in ("http", "https"):
        src.query = src_el.get("query")
    if protocol == "nfs":
        identity = child(src_el, "identity")
        if identity is not None:
            src.nfs_user, src.nfs_group = identity.get("user"), identity.get("group")
    initiator = child(src_el, "initiator")
    iqn = child(initiator, "iqn") if initiator is not None else None
    if iqn is not None:
        src.initiator_iqn = iqn.get("name")
    port = NET_DEFAULT_PORTS.get(protocol)
    for host in src.hosts:
        if host.transport == "tcp" and not host.port and port:
            host.port = str(port)
    if protocol == "iscsi" and src.path is not None and "/" not in src.path:
        # virDomainPostParseCheckISCSIPath: the LUN defaults to 0
        src.path += "/0"
    ssl = child(src_el, "ssl")
    if protocol in ("https", "ftps") and ssl is not None:
        src.sslverify = _tristate(ssl, "verify")
    cookies = child(src_el, "cookies")
    if protocol in ("http", "https") and cookies is not None:
        for cookie in children(cookies, "cookie"):
            name = cookie.get("name")
            if not name:
                raise XMLError("missing cookie name")
            src.cookies.append((name, cookie.text or ""))
    if protocol in ("http", "https", "ftp", "ftps"):
        message = "invalid readahead size or timeout"
        src.readahead = _ull(child(src_el, "readahead"), "size", message)
        src.timeout = _ull(child(src_el, "timeout"), "seconds", message)



def _parse_backing(el: Element, parent: StorageSource, ctx: ParseContext) -> None:
    """virDomainDiskBackingStoreParse (live documents only)."""
    node = child(el, "backingStore")
    if node is None:
        return
    type_ = node.get("type")
    if type_ is None:
        parent.backing_terminated = True
        return
    if type_ not in DISK_TYPES:
        raise XMLError(f"unknown disk backing store type '{type_}'")
    idx = None if ctx.modern and ctx.inactive else _index(node.get("index"))
    fmt = child(node, "format")
    if fmt is None or fmt.get("type") is None:
        raise XMLError("missing disk backing store format")
    fmt_type = fmt.get("type")
    if fmt_type not in STORAGE_FORMATS or fmt_type == "none":
        raise XMLError(f"unknown disk backing store format '{fmt_type}'")
    src_el = child(node, "source")
    if src_el is None:
        raise XMLError("missing disk backing store source")
    backing = StorageSource(type=type_, format=fmt_type)
    if ctx.modern:
        backing.metadata_cache_max_size = _metadata_cache(fmt)
    parse_source(src_el, backing, ctx)
    if ctx.modern:
        auth, enc = child(src_el, "auth"), child(src_el, "encryption")
        backing.auth = parse_auth(auth, modern=True) if auth is not None else None
        backing.encryption = _parse_encryption(enc, ctx) if enc is not None else None
        if backing.encryption is not None and backing.encryption.engine is None:
            backing.encryption.engine = "qemu"  # qemuDomainDeviceDiskDefPostParse
    backing.source_index = idx
    parent.backing = backing
    parent.backing_index = idx
    _parse_backing(node, backing, ctx)


def _parse_mirror(el: Element, disk: Disk, ctx: ParseContext) -> None:
    job = el.get("job") or "copy"
    if job not in ("copy", "active-commit"):
        raise XMLError(f"unknown mirror job type '{job}'")
    mirror = Mirror(job=job)
    mtype = el.get("type")
    if mtype is None:
        # the old format: <mirror file= format=>
        path = el.get("file")
        if path is None:
            raise XMLError("mirror requires file name")
        mirror.src = StorageSource(type="file", path=path, format=el.get("format"))
        mirror.legacy_file = True
    else:
        if mtype not in DISK_TYPES:
            raise XMLError(f"unknown mirror backing store type '{mtype}'")
        mirror.src = StorageSource(type=mtype)
        fmt = child(el, "format")
        if fmt is not None:
            mirror.src.format = fmt.get("type")
        src_el = child(el, "source")
        if src_el is None:
            raise XMLError("mirror requires source element")
        parse_source(src_el, mirror.src, ctx)
        if ctx.modern:
            mirror.src.source_index = _index(src_el.get("index"))
            if fmt is not None:
                mirror.src.metadata_cache_max_size = _metadata_cache(fmt)
            _parse_backing(el, mirror.src, ctx)
    if mirror.src.format is not None and mirror.src.format not in STORAGE_FORMATS:
        raise XMLError(f"unknown mirror format value '{mirror.src.format}'")
    ready = el.get("ready")
    if ready is not None:
        if ready not in ("yes", "abort", "pivot"):
            raise XMLError(f"unknown mirror ready state {ready}")
        mirror.ready = ready
    disk.mirror = mirror


def parse_auth(el: Element, *, modern: bool = False) -> DiskAuth:
    """virStorageAuthDefParse: <auth> of a network disk or iSCSI hostdev.
    libvirt 9.0 leaves the secret's type to validation."""
    auth = DiskAuth(username=el.get("username"))
    if auth.username is None:
        raise XMLError("missing username for auth")
    secret = child(el, "secret")
    if secret is None:
        raise XMLError("Missing <secret> element in auth")
    auth.secret_type = secret.get("type")
    auth.uuid = secret.get("uuid")
    auth.usage = secret.get("usage")
    if modern:
        if auth.uuid is None and auth.usage is None:
            raise XMLError("missing secret uuid or usage attribute")
        if auth.uuid is not None and auth.usage is not None:
            raise XMLError("either secret uuid or usage expected")
        return auth
    if auth.uuid and auth.usage:
        raise XMLError("either auth secret uuid or usage expected")
    if not auth.uuid and not auth.usage:
        raise XMLError("missing auth secret uuid or usage attribute")
    if auth.secret_type is None:
        raise XMLError("missing auth secret type")
    if auth.secret_type not in ("iscsi", "ceph", "volume", "none"):
        raise XMLError(f"invalid secret type {auth.secret_type}")
    return auth


def _parse_encryption(el: Element, ctx: ParseContext) -> Encryption:
    fmt = el.get("format")
    if fmt is None:
        raise XMLError("unknown volume encryption format")
    formats = ("default", "qcow", "luks", "luks2") if ctx.modern else ("default", "qcow")
    if fmt not in formats:
        raise XMLError(f"unknown volume encryption format type {fmt}")
    enc = Encryption(format=fmt)
    if ctx.modern:
        engine = el.get("engine")
        if engine is not None and engine not in ("qemu", "librbd"):
            raise XMLError(f"unknown volume encryption engine type {engine}")
        enc.engine = engine
        if child(el, "cipher") is not None or child(el, "ivgen") is not None:
            enc.has_cipher = True
    for s in children(el, "secret"):
        stype = s.get("type")
        if stype != "passphrase":
            raise XMLError(f"unknown volume encryption secret type {stype}")
        uuid, usage = s.get("uuid"), s.get("usage")
        if ctx.modern:
            # virSecretLookupParseSecret: a secret by UUID or by usage
            if uuid is None and usage is None:
                raise XMLError("missing secret uuid or usage attribute")
            if uuid is not None and usage is not None:
                raise XMLError("either secret uuid or usage expected")
        elif uuid is None:
            raise XMLError("missing volume encryption uuid")
        enc.secrets.append((stype, "uuid", str(uuid)) if uuid is not None
                           else (stype, "usage", str(usage)))
    return enc


def _parse_iotune(el: Element, disk: Disk, ctx: ParseContext) -> None:
    fields = IOTUNE_FIELDS + IOTUNE_MAX_LENGTH_FIELDS if ctx.modern else IOTUNE_FIELDS
    if ctx.modern:
        group = child(el, "group_name")
        if group is not None:
            disk.iotune_group = group.text or ""
    for name in fields:
        node = child(el, name)
        if node is None:
            continue
        raw = (node.text or "").strip()
        try:
            value = int(raw, 10)
            if value < 0:
                raise ValueError(raw)
        except ValueError:
            raise XMLError(f"disk iotune field '{name}' must be an integer") from None
        disk.iotune[name] = value
    t = disk.iotune
    if t.get("total_bytes_sec") and (t.get("read_bytes_sec") or t.get("write_bytes_sec")):
        raise XMLError("total and read/write bytes_sec cannot be set at the same time")
    if t.get("total_iops_sec") and (t.get("read_iops_sec") or t.get("write_iops_sec")):
        raise XMLError("total and read/write iops_sec cannot be set at the same time")
    if t.get("total_bytes_sec_max") and (
        t.get("read_bytes_sec_max") or t.get("write_bytes_sec_max")
    ):
        raise XMLError("total and read/write bytes_sec_max cannot be set at the same time")
    if t.get("total_iops_sec_max") and (
        t.get("read_iops_sec_max") or t.get("write_iops_sec_max")
    ):
        raise XMLError("total and read/write iops_sec_max cannot be set at the same time")


def _metadata_cache(el: Element) -> int:
    """<metadata_cache><max_size unit=...> in bytes."""
    cache = child(el, "metadata_cache")
    size = child(cache, "max_size") if cache is not None else None
    if size is None:
        return 0
    what = "./metadata_cache/max_size"
    try:
        number = int((size.text or "").strip(), 10)
    except ValueError:
        raise XMLError(f"could not parse element {what}") from None
    return scale(number, size.get("unit"), 1, what)


def _prop_enum(el: Element, name: str, choices: tuple[str, ...]) -> str | None:
    """virXMLPropEnum with VIR_XML_PROP_NONZERO: 'default' is no value."""
    value = el.get(name)
    if value is not None and (value not in choices or value == "default"):
        raise invalid_value(name, el.tag, value)
    return value


def _prop_switch(el: Element, name: str) -> bool | None:
    """virXMLPropTristateSwitch."""
    value = _prop_enum(el, name, ("on", "off"))
    return None if value is None else value == "on"


def _prop_uint(el: Element, name: str, *, nonzero: bool = False) -> int:
    """virXMLPropUInt; 0 when absent."""
    value = el.get(name)
    if value is None:
        return 0
    if not value.isdigit():
        raise invalid_uint(name, el.tag, value)
    number = int(value)
    if nonzero and number == 0:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       "Zero is not permitted")
    return number


def _parse_driver_modern(el: Element, disk: Disk) -> None:
    """virDomainDiskDefDriverParseXML (libvirt 9.0), with its messages."""
    disk.driver_name = el.get("name")
    fmt = el.get("type")
    if fmt is not None:
        if fmt == "aio":
            fmt = "raw"  # old configurations named the raw format 'aio'
        if fmt not in STORAGE_FORMATS or fmt == "none":
            raise XMLError(f"unknown driver format value '{fmt}'", code="unsupported configuration")
        disk.src.format = fmt
    disk.cache = _prop_enum(el, "cache", CACHE_MODES)
    disk.error_policy = _prop_enum(el, "error_policy", ERROR_POLICIES)
    disk.rerror_policy = _prop_enum(el, "rerror_policy", ERROR_POLICIES)
    if disk.rerror_policy == "enospace":
        raise ConfigError(f"Invalid disk read error policy: '{disk.rerror_policy}'")
    disk.io = _prop_enum(el, "io", MODERN_IO_MODES)
    disk.ioeventfd = _prop_switch(el, "ioeventfd")
    disk.event_idx = _prop_switch(el, "event_idx")
    disk.copy_on_read = _prop_switch(el, "copy_on_read")
    disk.discard = _prop_enum(el, "discard", DISCARD_MODES)
    disk.iothread = _prop_uint(el, "iothread", nonzero=True)
    disk.detect_zeroes = _prop_enum(el, "detect_zeroes", DETECT_ZEROES_MODES)
    disk.queues = _prop_uint(el, "queues")
    disk.queue_size = _prop_uint(el, "queue_size")
    for name in VIRTIO_OPTIONS:
        switch = _prop_switch(el, name)
        if switch is not None:
            disk.virtio[name] = switch
    disk.src.metadata_cache_max_size = _metadata_cache(el)


def _parse_driver(el: Element, disk: Disk, ctx: ParseContext) -> None:
    if ctx.modern:
        _parse_driver_modern(el, disk)
        return
    disk.driver_name = el.get("name")
    fmt = el.get("type")
    if fmt is not None:
        if fmt == "aio":
            fmt = "raw"  # old configurations named the raw format 'aio'
        if fmt not in STORAGE_FORMATS or fmt == "none":
            raise XMLError(f"unknown driver format value '{fmt}'")
        disk.src.format = fmt
    disk.cache = _enum(el.get("cache"), CACHE_MODES, "unknown disk cache mode '%s'")
    disk.error_policy = _enum(
        el.get("error_policy"), ERROR_POLICIES, "unknown disk error policy '%s'"
    )
    rerror = el.get("rerror_policy")
    if rerror is not None and rerror not in ERROR_POLICIES[1:4]:
        raise XMLError(f"unknown disk read error policy '{rerror}'")
    disk.rerror_policy = rerror
    disk.io = _enum(el.get("io"), IO_MODES, "unknown disk io mode '%s'")
    disk.ioeventfd = _on_off(el.get("ioeventfd"), "unknown disk ioeventfd mode '%s'")
    disk.event_idx = _on_off(el.get("event_idx"), "unknown disk event_idx mode '%s'")
    disk.copy_on_read = _on_off(el.get("copy_on_read"), "unknown disk copy_on_read mode '%s'")
    disk.discard = _enum(el.get("discard"), DISCARD_MODES, "unknown disk discard mode '%s'")
    iothread = el.get("iothread")
    if iothread is not None:
        value = _uint(iothread, "Invalid iothread attribute in disk driver element: %s")
        if not value:
            raise XMLError(f"Invalid iothread attribute in disk driver element: {iothread}")
        disk.iothread = value


def _missing_target(src: StorageSource) -> XMLError:
    """9.0's VIR_ERR_NO_TARGET, whose text names the source if it has one."""
    if src.pool is not None:
        named = f" pool = '{src.pool.pool}', volume = '{src.pool.volume}'"
    else:
        named = f" {src.path}" if src.path else ""
    return XMLError(f"missing target information for device{named}", code="")


def parse_disk(el: Element, ctx: ParseContext) -> Disk:
    disk = Disk()
    type_ = el.get("type")
    if type_ is not None:
        if type_ not in (MODERN_DISK_TYPES if ctx.modern else DISK_TYPES):
            raise XMLError(f"unknown disk type '{type_}'")
        disk.type = type_
    disk.src.type = disk.type
    device = el.get("device")
    if device is not None:
        if device not in DISK_DEVICES:
            raise XMLError(f"unknown disk device '{device}'")
        disk.device = device
    if ctx.modern:
        model = el.get("model")
        if model is not None and model not in DISK_MODELS:
            raise XMLError(f"Invalid value for attribute 'model' in element 'disk': '{model}'.")
        disk.model = model
    disk.snapshot = _enum(el.get("snapshot"), SNAPSHOT_MODES, "unknown disk snapshot setting '%s'")
    rawio = el.get("rawio")
    if rawio is not None:
        if rawio not in ("yes", "no"):
            raise XMLError(f"unknown disk rawio setting '{rawio}'")
        disk.rawio = rawio == "yes"
    disk.sgio = _enum(el.get("sgio"), SGIO_MODES, "unknown disk sgio mode '%s'")

    source_seen = False
    source_el: Element | None = None
    target = None
    startup = None
    for c in elements(el):
        name = c.tag
        if name == "source" and not source_seen:
            source_seen = True
            source_el = c
            startup = parse_source(c, disk.src, ctx)
            if ctx.modern and not ctx.inactive:
                disk.src.source_index = _index(c.get("index"))
        elif name == "target" and target is None:
            target = c
        elif name == "geometry":
            disk.cyls = _uint(c.get("cyls"), "invalid geometry settings (cyls) '%s'") or 0
            disk.heads = _uint(c.get("heads"), "invalid geometry settings (heads) '%s'") or 0
            disk.secs = _uint(c.get("secs"), "invalid geometry settings (secs) '%s'") or 0
            trans = c.get("trans")
            if trans is not None:
                if trans not in GEOMETRY_TRANS or trans == "default":
                    raise XMLError(f"invalid translation value '{trans}'")
                disk.trans = trans
        elif name == "blockio":
            disk.logical_block_size = (
                _uint(c.get("logical_block_size"), "invalid logical block size '%s'") or 0
            )
            disk.physical_block_size = (
                _uint(c.get("physical_block_size"), "invalid physical block size '%s'") or 0
            )
        elif name == "driver" and disk.driver_name is None:
            _parse_driver(c, disk, ctx)
        elif name == "mirror" and disk.mirror is None and not ctx.inactive:
            _parse_mirror(c, disk, ctx)
        elif name == "auth" and disk.auth is None:
            disk.auth = parse_auth(c, modern=ctx.modern)
        elif name == "iotune":
            _parse_iotune(c, disk, ctx)
        elif name == "readonly":
            disk.readonly = True
        elif name == "shareable":
            disk.shared = True
        elif name == "transient":
            disk.transient = True
            if ctx.modern:
                disk.transient_share_backing = _tristate(c, "shareBacking") is True
        elif name == "encryption" and disk.encryption is None:
            disk.encryption = _parse_encryption(c, ctx)
        elif name == "serial" and disk.serial is None:
            disk.serial = c.text or None
        elif name == "wwn" and disk.wwn is None:
            disk.wwn = c.text or None
            if disk.wwn is not None and not _valid_wwn(disk.wwn):
                raise XMLError("Malformed wwn")
        elif name == "vendor" and disk.vendor is None:
            disk.vendor = c.text or ""
            if len(disk.vendor) > 8:
                raise XMLError("disk vendor is more than 8 characters")
            if not disk.vendor.isprintable() or not disk.vendor.isascii():
                raise XMLError("disk vendor is not printable string")
        elif name == "product" and disk.product is None:
            disk.product = c.text or ""
            if len(disk.product) > 16:
                raise XMLError("disk product is more than 16 characters")
            if not disk.product.isprintable() or not disk.product.isascii():
                raise XMLError("disk product is not printable string")
        elif name == "backenddomain":
            disk.backend_domain = c.get("name")
    if ctx.modern and source_el is None:
        # virDomainDiskDefParseSourceXML: no <source>, no storage type
        disk.type = disk.src.type = "file"
    if not ctx.inactive or ctx.modern:
        _parse_backing(el, disk.src, ctx)
    if ctx.modern and source_el is not None:
        _parse_source_secrets(source_el, disk, ctx)

    src = disk.src
    if ctx.modern:
        _check_target_and_source_modern(disk, target)
    elif (
        src.path is None
        and not src.hosts
        and src.pool is None
        and disk.device not in ("cdrom", "floppy", "lun")
        and not (disk.type == "network" and src.protocol)
    ):
        raise XMLError(f"no source device {target.get('dev') if target is not None else ''}")

    if target is None or target.get("dev") is None:
        if src.pool is not None:
            raise XMLError(
                f"missing target definition for disk with pool '{src.pool.pool}' "
                f"volume '{src.pool.volume}'"
            )
        raise XMLError(f"missing target definition for disk {src.path or ''}")
    disk.dst = str(target.get("dev"))
    if disk.device == "floppy" and not disk.dst.startswith("fd"):
        raise XMLError(f"Invalid floppy device name: {disk.dst}")
    if disk.device in ("disk", "lun", "cdrom") and disk.dst.startswith("fd"):
        raise XMLError(f"Invalid harddisk device name: {disk.dst}")
    _parse_target(target, disk)

    if disk.rawio is not None and disk.device != "lun":
        raise XMLError("rawio can be used only with device='lun'")
    if disk.sgio is not None and disk.device != "lun":
        raise XMLError("sgio can be used only with device='lun'")

    parse_device_info(el, ctx, disk.info, allow_boot=True)
    if startup is not None:
        if startup not in STARTUP_POLICIES or startup == "default":
            raise XMLError(f"unknown startupPolicy value '{startup}'")
        if ctx.modern:
            _check_startup_policy_modern(disk, startup)
        elif disk.type not in ("file", "volume"):
            raise XMLError(
                f"Setting disk {startup} is allowed only for file or volume disk types"
            )
        if (not ctx.modern and disk.device != "floppy" and disk.device != "cdrom"
                and startup == "requisite"):
            raise XMLError("Setting disk 'requisite' is allowed only for cdrom or floppy")
        disk.startup_policy = startup
    if disk.info.address is None:
        assign_drive_address(disk)
        disk.address_from_target = True
    if ctx.modern:
        _validate_source_modern(disk)
    return disk


def _parse_source_secrets(source_el: Element, disk: Disk, ctx: ParseContext) -> None:
    """libvirt 9.0 reads <auth> and <encryption> inside <source> too, but
    only one of the two places (virDomainDiskDefParseSourceXML)."""
    auth = child(source_el, "auth")
    if auth is not None:
        if disk.auth is not None:
            raise ConfigError("an <auth> definition already found for disk source")
        disk.auth = parse_auth(auth, modern=True)
        disk.auth_in_source = True
    enc = child(source_el, "encryption")
    if enc is not None:
        if disk.encryption is not None:
            raise ConfigError("an <encryption> definition already found for disk source")
        disk.encryption = _parse_encryption(enc, ctx)
        disk.encryption_in_source = True


# virSecretUsageType names
_SECRET_USAGES = ("none", "volume", "ceph", "iscsi", "tls", "vtpm")
_AUTH_PROTOCOLS = ("iscsi", "http", "https", "ftp", "ftps", "ssh", "rbd")


def _validate_source_modern(disk: Disk) -> None:
    """virDomainDiskDefValidateSourceChainOne of the top image: auth fits the
    protocol, LUKS needs no cipher, snapshots and config files are rbd's."""
    src = disk.src
    auth = disk.auth
    if src.type == "network" and auth is not None:
        if src.protocol not in _AUTH_PROTOCOLS:
            raise ConfigError(f"authentication is not supported for protocol '{src.protocol}'")
        if auth.secret_type not in _SECRET_USAGES:
            raise ConfigError(f"unknown secret type '{auth.secret_type or '<null>'}'")
        wanted = {"iscsi": "iscsi", "rbd": "ceph"}.get(src.protocol or "")
        if wanted is not None and auth.secret_type != wanted:
            raise ConfigError(f"invalid secret type '{auth.secret_type}'")
    enc = disk.encryption
    if enc is not None and enc.format == "luks" and enc.has_cipher:
        raise ConfigError("supplying <cipher> for domain disk definition is unnecessary")
    if src.type != "network":
        if src.snapshot is not None:
            raise XMLError("<snapshot> element is currently supported only with 'rbd' disks")
        if src.config_file is not None:
            raise XMLError("<config> element is currently supported only with 'rbd' disks")


def _check_target_and_source_modern(disk: Disk, target: Element | None) -> None:
    """virDomainDiskDefValidate (libvirt 9.0): a target first, then a source
    unless the device may be empty (CD-ROM, floppy, LUN)."""
    src = disk.src
    if target is None or target.get("dev") is None:
        raise _missing_target(src)
    empty = src.type in ("file", "block", "dir") and not src.path
    if empty and disk.device == "disk":
        raise XMLError(f"missing source information for device {target.get('dev')}", code="")


def _check_startup_policy_modern(disk: Disk, startup: str) -> None:
    """virDomainDiskDefValidateStartupPolicy (libvirt 9.0): local storage or
    a pool volume only."""
    if disk.type not in ("file", "block", "dir", "volume"):
        raise XMLError(f"disk startupPolicy '{startup}' is not allowed for disk of "
                       f"'{disk.type}' type")
    if disk.device not in ("cdrom", "floppy") and startup == "requisite":
        raise XMLError("disk startupPolicy 'requisite' is allowed only for cdrom or floppy")


def _parse_target(target: Element, disk: Disk) -> None:
    bus = target.get("bus")
    if bus is not None:
        if bus not in DISK_BUSES:
            raise XMLError(f"unknown disk bus type '{bus}'")
        disk.bus = bus
    elif disk.device == "floppy":
        disk.bus = "fdc"
    else:
        for prefix, b in (("hd", "ide"), ("sd", "scsi"), ("vd", "virtio"), ("xvd", "xen"),
                          ("ubd", "uml")):
            if disk.dst.startswith(prefix):
                disk.bus = b
                break
        else:
            disk.bus = "ide"
    if disk.device == "floppy" and disk.bus != "fdc":
        raise XMLError(f"Invalid bus type '{disk.bus}' for floppy disk")
    if disk.device != "floppy" and disk.bus == "fdc":
        raise XMLError(f"Invalid bus type '{disk.bus}' for disk")
    tray = target.get("tray")
    if tray is not None:
        if tray not in TRAY_STATES:
            raise XMLError(f"unknown disk tray status '{tray}'")
        if disk.device not in ("floppy", "cdrom"):
            raise XMLError("tray is only valid for cdrom and floppy")
        disk.tray = tray
    removable = target.get("removable")
    if removable is not None:
        if removable not in ("on", "off"):
            raise XMLError(f"unknown disk removable status '{removable}'")
        if disk.bus != "usb":
            raise XMLError("removable is only valid for usb disks")
        disk.removable = removable == "on"
    rotation = target.get("rotation_rate")
    if rotation is not None:
        disk.rotation_rate = _uint(
            rotation, "Invalid value for attribute 'rotation_rate' in element 'target': '%s'."
        ) or 0


def _valid_wwn(wwn: str) -> bool:
    text = wwn[2:] if wwn[:2].lower() == "0x" else wwn
    return len(text) == 16 and all(c in "0123456789abcdefABCDEF" for c in text)
