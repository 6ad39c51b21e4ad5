"""Formatting of <disk> as libvirt 9.0 writes it (virDomainDiskDefFormat).

Beside 1.3.1's elements: the backing chain in inactive documents too, the
source's index in live ones, network source details (TLS, ports, HTTP
options), <auth> and <encryption> where the input had them, and the
<driver>, <target>, <iotune> and <transient> attributes 9.0 added.
"""

from __future__ import annotations

from ..model.disk import (
    IOTUNE_FIELDS,
    IOTUNE_MAX_LENGTH_FIELDS,
    VIRTIO_OPTIONS,
    Disk,
    DiskAuth,
    Encryption,
    NetHost,
    StorageSource,
)
from ..xmlwriter import Attr, XMLWriter
from .context import FormatContext
from .device_info import format_device_info
from .seclabel import format_seclabel


def _on_off(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _host_attrs(h: NetHost) -> list[Attr]:
    attrs: list[Attr] = [("name", h.name), ("port", h.port)]
    if h.transport != "tcp":
        attrs.append(("transport", h.transport))
    attrs.append(("socket", h.socket))
    return attrs


def format_auth(w: XMLWriter, auth: DiskAuth) -> None:
    """virStorageAuthDefFormat."""
    w.start("auth", ("username", auth.username))
    if auth.uuid:
        w.empty("secret", ("type", auth.secret_type), ("uuid", auth.uuid))
    else:
        w.empty("secret", ("type", auth.secret_type), ("usage", auth.usage))
    w.end("auth")


def format_encryption(w: XMLWriter, enc: Encryption) -> None:
    """virStorageEncryptionFormat: always an open element in 9.0."""
    w.start("encryption", ("format", enc.format), ("engine", enc.engine))
    for stype, kind, value in enc.secrets:
        w.empty("secret", ("type", stype), (kind, value))
    w.end("encryption")


def _network_body(w: XMLWriter, src: StorageSource, ctx: FormatContext) -> None:
    for h in src.hosts:
        w.empty("host", *_host_attrs(h))
    if src.protocol == "nfs" and (src.nfs_user or src.nfs_group):
        w.empty("identity", ("user", src.nfs_user), ("group", src.nfs_group))
    if src.snapshot is not None:
        w.empty("snapshot", ("name", src.snapshot))
    if src.config_file is not None:
        w.empty("config", ("file", src.config_file))
    if src.initiator_iqn is not None:
        w.start("initiator")
        w.empty("iqn", ("name", src.initiator_iqn))
        w.end("initiator")
    if src.sslverify is not None:
        w.empty("ssl", ("verify", _yes_no(src.sslverify)))
    # cookies are secrets: only in VIR_DOMAIN_XML_SECURE output
    if src.cookies and ctx.secure:
        w.start("cookies")
        for name, value in src.cookies:
            w.element("cookie", value, ("name", name))
        w.end("cookies")
    if src.readahead:
        w.empty("readahead", ("size", src.readahead))
    if src.timeout:
        w.empty("timeout", ("seconds", src.timeout))


def format_source(w: XMLWriter, src: StorageSource, ctx: FormatContext, *,
                  startup_policy: str | None = None, auth: DiskAuth | None = None,
                  encryption: Encryption | None = None, with_index: bool = True) -> None:
    """virDomainDiskSourceFormat: nothing for an empty source; a backing
    image's index is on its <backingStore> instead."""
    attrs: list[Attr]
    if src.type == "network":
        attrs = [("protocol", src.protocol), ("name", src.path), ("query", src.query),
                 ("tls", _yes_no(src.tls)), ("tlsHostname", src.tls_hostname)]
    elif src.type == "file":
        attrs = [("file", src.path), ("fdgroup", src.fdgroup)]
    elif src.type == "block":
        attrs = [("dev", src.path)]
    elif src.type == "dir":
        attrs = [("dir", src.path)]
    elif src.type == "nvme" and src.nvme is not None:
        attrs = [("type", "pci"), ("managed", _yes_no(src.nvme.managed)),
                 ("namespace", src.nvme.namespace)]
    elif src.type == "vhostuser" and src.vhostuser is not None:
        attrs = [("type", "unix"), ("path", src.vhostuser.path)]
    else:  # volume
        pool = src.pool
        attrs = [("pool", pool.pool if pool else None),
                 ("volume", pool.volume if pool else None),
                 ("mode", pool.mode if pool else None)]
    if src.type != "network":
        attrs.append(("startupPolicy", startup_policy))
    if with_index:
        attrs.append(("index", src.source_index))
    body = w.child()
    if src.nvme is not None:
        a = src.nvme.address
        body.empty("address", ("domain", f"0x{a.domain:04x}"), ("bus", f"0x{a.bus:02x}"),
                   ("slot", f"0x{a.slot:02x}"), ("function", f"0x{a.function:x}"))
    vhost = src.vhostuser
    if vhost is not None and vhost.reconnect is not None:
        timeout = (vhost.reconnect_timeout or 0) if vhost.reconnect else None
        body.empty("reconnect", ("enabled", _yes_no(vhost.reconnect)), ("timeout", timeout))
    if src.slice_storage is not None:
        body.start("slices")
        body.empty("slice", ("type", "storage"), ("offset", src.slice_storage[0]),
                   ("size", src.slice_storage[1]))
        body.end("slices")
    if src.type == "network":
        _network_body(body, src, ctx)
    else:
        for label in src.seclabels:
            format_seclabel(body, label, ctx)
    if auth is not None and src.type != "volume":
        format_auth(body, auth)
    if encryption is not None:
        format_encryption(body, encryption)
    if src.reservations is not None:
        managed, path = src.reservations
        if path is None:
            body.empty("reservations", ("managed", _yes_no(managed)))
        else:
            body.start("reservations", ("managed", _yes_no(managed)))
            body.empty("source", ("type", "unix"), ("path", path), ("mode", "client"))
            body.end("reservations")
    if not body.lines and all(v is None for _, v in attrs):
        return
    w.wrap("source", body, *attrs)


def format_backing_store(w: XMLWriter, src: StorageSource, ctx: FormatContext) -> None:
    """virDomainDiskBackingStoreFormat."""
    backing = src.backing
    if backing is None:
        if src.backing_terminated:
            w.empty("backingStore")
        return
    w.start("backingStore", ("type", backing.type), ("index", backing.source_index))
    _format_format(w, backing)
    format_source(w, backing, ctx, auth=backing.auth, encryption=backing.encryption,
                  with_index=False)
    format_backing_store(w, backing, ctx)
    w.end("backingStore")


def _format_format(w: XMLWriter, src: StorageSource) -> None:
    if not src.metadata_cache_max_size:
        w.empty("format", ("type", src.format))
        return
    w.start("format", ("type", src.format))
    _metadata_cache(w, src.metadata_cache_max_size)
    w.end("format")


def _metadata_cache(w: XMLWriter, size: int) -> None:
    w.start("metadata_cache")
    w.element("max_size", size, ("unit", "bytes"))
    w.end("metadata_cache")


def driver_attrs(disk: Disk) -> list[Attr]:
    """The <driver> attributes libvirt 1.3.1 already wrote, in its order
    (9.0 writes more after them)."""
    return [
        ("name", disk.driver_name),
        ("type", disk.src.format),
        ("cache", disk.cache),
        ("error_policy", disk.error_policy),
        ("rerror_policy", disk.rerror_policy),
        ("io", disk.io),
        ("ioeventfd", _on_off(disk.ioeventfd)),
        ("event_idx", _on_off(disk.event_idx)),
        ("copy_on_read", _on_off(disk.copy_on_read)),
        ("discard", disk.discard),
        ("iothread", disk.iothread or None),
    ]


def _format_driver(w: XMLWriter, disk: Disk) -> None:
    """virDomainDiskDefFormatDriver."""
    attrs = [
        *driver_attrs(disk),
        ("detect_zeroes", disk.detect_zeroes),
        ("queues", disk.queues or None),
        ("queue_size", disk.queue_size or None),
    ]
    attrs += [(name, _on_off(disk.virtio.get(name))) for name in VIRTIO_OPTIONS]
    body = w.child()
    if disk.src.metadata_cache_max_size:
        _metadata_cache(body, disk.src.metadata_cache_max_size)
    if body.lines or any(v is not None for _, v in attrs):
        w.wrap("driver", body, *attrs)


def _format_iotune(w: XMLWriter, disk: Disk) -> None:
    body = w.child()
    for name in IOTUNE_FIELDS:
        if disk.iotune.get(name):
            body.element(name, disk.iotune[name])
    body.element("group_name", disk.iotune_group)
    for name in IOTUNE_MAX_LENGTH_FIELDS:
        if disk.iotune.get(name):
            body.element(name, disk.iotune[name])
    if body.lines:
        w.wrap("iotune", body)


def _format_mirror(w: XMLWriter, disk: Disk, ctx: FormatContext) -> None:
    """virDomainDiskDefFormatMirror (live documents only)."""
    m = disk.mirror
    if m is None:
        return
    attrs: list[Attr] = [("type", m.src.type)]
    if m.src.type == "file" and m.job == "copy":
        attrs += [("file", m.src.path), ("format", m.src.format)]
    attrs += [("job", m.job), ("ready", m.ready)]
    w.start("mirror", *attrs)
    _format_format(w, m.src)
    format_source(w, m.src, ctx)
    format_backing_store(w, m.src, ctx)
    w.end("mirror")


def format_disk_modern(w: XMLWriter, disk: Disk, ctx: FormatContext) -> None:
    attrs: list[Attr] = [("type", disk.type), ("device", disk.device), ("model", disk.model)]
    if disk.rawio is not None:
        attrs.append(("rawio", "yes" if disk.rawio else "no"))
    attrs.append(("sgio", disk.sgio))
    if disk.snapshot and not (disk.snapshot == "no" and disk.readonly):
        attrs.append(("snapshot", disk.snapshot))
    w.start("disk", *attrs)
    _format_driver(w, disk)
    if disk.auth is not None and not disk.auth_in_source:
        format_auth(w, disk.auth)
    format_source(w, disk.src, ctx, startup_policy=disk.startup_policy,
                  auth=disk.auth if disk.auth_in_source else None,
                  encryption=disk.encryption if disk.encryption_in_source else None)
    format_backing_store(w, disk.src, ctx)
    if disk.backend_domain:
        w.empty("backenddomain", ("name", disk.backend_domain))
    if disk.cyls or disk.heads or disk.secs:
        w.empty("geometry", ("cyls", disk.cyls), ("heads", disk.heads), ("secs", disk.secs),
                ("trans", disk.trans))
    if disk.logical_block_size or disk.physical_block_size:
        w.empty("blockio", ("logical_block_size", disk.logical_block_size or None),
                ("physical_block_size", disk.physical_block_size or None))
    if not ctx.inactive:
        _format_mirror(w, disk, ctx)
    tattrs: list[Attr] = [("dev", disk.dst), ("bus", disk.bus)]
    if disk.device in ("floppy", "cdrom") and disk.tray == "open":
        tattrs.append(("tray", "open"))
    if disk.bus == "usb" and disk.removable is not None:
        tattrs.append(("removable", _on_off(disk.removable)))
    tattrs.append(("rotation_rate", disk.rotation_rate or None))
    w.empty("target", *tattrs)
    _format_iotune(w, disk)
    if disk.readonly:
        w.empty("readonly")
    if disk.shared:
        w.empty("shareable")
    if disk.transient:
        w.empty("transient", ("shareBacking", "yes" if disk.transient_share_backing else None))
    w.element("serial", disk.serial)
    w.element("wwn", disk.wwn)
    w.element("vendor", disk.vendor)
    w.element("product", disk.product)
    if disk.encryption is not None and not disk.encryption_in_source:
        format_encryption(w, disk.encryption)
    format_device_info(w, disk.info, ctx, allow_boot=True)
    w.end("disk")
