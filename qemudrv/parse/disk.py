"""Parsing of <disk> (virDomainDiskDefParseXML of libvirt 1.3.1; a 9.0 set
adds 9.0's <driver> attributes and checks, with its messages): the disk's
own attributes and elements, <driver>, <iotune> and <target>. Its storage
(<source>, backing chain, mirror, auth, encryption) is disk_source's; its
default drive address is disk_names'."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
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
    SGIO_MODES,
    SNAPSHOT_MODES,
    STARTUP_POLICIES,
    STORAGE_FORMATS,
    TRAY_STATES,
    VIRTIO_OPTIONS,
    Disk,
    StorageSource,
)
from ..xmlreader import Element, child, elements
from .context import ParseContext
from .device_info import parse_device_info
from .disk_names import assign_drive_address
from .disk_source import (
    disk_index,
    metadata_cache_size,
    parse_auth,
    parse_backing,
    parse_encryption,
    parse_mirror,
    parse_source,
    parse_source_secrets,
    yes_no_attr,
)
from .general_values import uint_or_none
from .prop_errors import invalid_uint, invalid_value


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


def _parse_driver_format(el: Element, disk: Disk) -> None:
    """The driver's name and image format, read alike by both dialects."""
    disk.driver_name = el.get("name")
    fmt = el.get("type")
    if fmt is not None:
        if fmt == "aio":
            fmt = "raw"  # old configurations named the raw format 'aio'
        if fmt not in STORAGE_FORMATS or fmt == "none":
            # libvirt 9.0 reports it as an unsupported configuration.
            raise XMLError(f"unknown driver format value '{fmt}'", code="unsupported configuration")
        disk.src.format = fmt


def _parse_driver_modern(el: Element, disk: Disk) -> None:
    """virDomainDiskDefDriverParseXML (libvirt 9.0), with its messages."""
    _parse_driver_format(el, disk)
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
    disk.src.metadata_cache_max_size = metadata_cache_size(el)


def _parse_driver(el: Element, disk: Disk, ctx: ParseContext) -> None:
    if ctx.modern:
        _parse_driver_modern(el, disk)
        return
    _parse_driver_format(el, disk)
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
        value = uint_or_none(iothread, "Invalid iothread attribute in disk driver element: %s")
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
                disk.src.source_index = disk_index(c.get("index"))
        elif name == "target" and target is None:
            target = c
        elif name == "geometry":
            disk.cyls = uint_or_none(c.get("cyls"), "invalid geometry settings (cyls) '%s'") or 0
            disk.heads = uint_or_none(c.get("heads"), "invalid geometry settings (heads) '%s'") or 0
            disk.secs = uint_or_none(c.get("secs"), "invalid geometry settings (secs) '%s'") or 0
            trans = c.get("trans")
            if trans is not None:
                if trans not in GEOMETRY_TRANS or trans == "default":
                    raise XMLError(f"invalid translation value '{trans}'")
                disk.trans = trans
        elif name == "blockio":
            disk.logical_block_size = (
                uint_or_none(c.get("logical_block_size"), "invalid logical block size '%s'") or 0
            )
            disk.physical_block_size = (
                uint_or_none(c.get("physical_block_size"), "invalid physical block size '%s'") or 0
            )
        elif name == "driver" and disk.driver_name is None:
            _parse_driver(c, disk, ctx)
        elif name == "mirror" and disk.mirror is None and not ctx.inactive:
            parse_mirror(c, disk, ctx)
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
                disk.transient_share_backing = yes_no_attr(c, "shareBacking") is True
        elif name == "encryption" and disk.encryption is None:
            disk.encryption = parse_encryption(c, ctx)
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
        parse_backing(el, disk.src, ctx)
    if ctx.modern and source_el is not None:
        parse_source_secrets(source_el, disk, ctx)

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
        disk.rotation_rate = uint_or_none(
            rotation, "Invalid value for attribute 'rotation_rate' in element 'target': '%s'."
        ) or 0


def _valid_wwn(wwn: str) -> bool:
    text = wwn[2:] if wwn[:2].lower() == "0x" else wwn
    return len(text) == 16 and all(c in "0123456789abcdefABCDEF" for c in text)
