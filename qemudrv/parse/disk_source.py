"""A disk's storage as <disk> describes it: <source> of every type, the
<backingStore> chain, <mirror>, <auth> and <encryption> (libvirt 1.3.1,
with the additions and messages of a 9.0 set)."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.disk import (
    DISK_TYPES,
    MODERN_NET_PROTOCOLS,
    NET_DEFAULT_PORTS,
    NET_PROTOCOLS,
    NET_TRANSPORTS,
    POOL_MODES,
    STORAGE_FORMATS,
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
from ..xmlreader import Element, child, children, scale
from .context import ParseContext
from .device_info import parse_pci_address
from .general_values import uint_or_none
from .seclabel import parse_device_seclabels


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


def disk_index(value: str | None) -> int | None:
    """The index attribute of a <source> or <backingStore>."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise XMLError(f"invalid disk index '{value}'") from None


def yes_no_attr(el: Element, name: str) -> bool | None:
    """A yes/no attribute (virTristateBool), None when absent."""
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
    value = uint_or_none(el.get(name), message)
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
    number = uint_or_none(namespace, "malformed namespace '%s'")
    address = child(el, "address")
    if address is None:
        raise XMLError("NVMe disk source is missing address")
    return NVMeSource(parse_pci_address(address), number or 0, yes_no_attr(el, "managed"))


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
        source.reconnect = yes_no_attr(reconnect, "enabled")
        timeout = reconnect.get("timeout")
        if timeout is not None:
            source.reconnect_timeout = uint_or_none(timeout, "invalid reconnect timeout '%s'")
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
        return (uint_or_none(offset, "malformed value '%s' of 'offset' attribute of slice") or 0,
                uint_or_none(size, "malformed value '%s' of 'size' attribute of slice") or 0)
    return None


def _parse_reservations(el: Element) -> tuple[bool, str | None]:
    """virStoragePRDefParseXML."""
    managed = yes_no_attr(el, "managed")
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
    src.tls = yes_no_attr(src_el, "tls")
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
        src.sslverify = yes_no_attr(ssl, "verify")
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



def parse_backing(el: Element, parent: StorageSource, ctx: ParseContext) -> None:
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
    idx = None if ctx.modern and ctx.inactive else disk_index(node.get("index"))
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
        backing.metadata_cache_max_size = metadata_cache_size(fmt)
    parse_source(src_el, backing, ctx)
    if ctx.modern:
        auth, enc = child(src_el, "auth"), child(src_el, "encryption")
        backing.auth = parse_auth(auth, modern=True) if auth is not None else None
        backing.encryption = parse_encryption(enc, ctx) if enc is not None else None
        if backing.encryption is not None and backing.encryption.engine is None:
            backing.encryption.engine = "qemu"  # qemuDomainDeviceDiskDefPostParse
    backing.source_index = idx
    parent.backing = backing
    parent.backing_index = idx
    parse_backing(node, backing, ctx)


def parse_mirror(el: Element, disk: Disk, ctx: ParseContext) -> None:
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
            mirror.src.source_index = disk_index(src_el.get("index"))
            if fmt is not None:
                mirror.src.metadata_cache_max_size = metadata_cache_size(fmt)
            parse_backing(el, mirror.src, ctx)
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


def parse_encryption(el: Element, ctx: ParseContext) -> Encryption:
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


def metadata_cache_size(el: Element) -> int:
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


def parse_source_secrets(source_el: Element, disk: Disk, ctx: ParseContext) -> None:
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
        disk.encryption = parse_encryption(enc, ctx)
        disk.encryption_in_source = True
