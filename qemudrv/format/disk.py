"""Formatting of <disk> (virDomainDiskDefFormat of libvirt 1.3.1; a 9.0
document goes to disk_modern)."""

from __future__ import annotations

from ..model.disk import IOTUNE_FIELDS, Disk, NetHost, StorageSource
from ..model.domain import Domain
from ..xmlwriter import XMLWriter, attrs_text
from .context import FormatContext
from .device_info import format_device_info
from .disk_modern import driver_attrs, format_disk_modern
from .seclabel import format_seclabel


def _on_off(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


def format_source(
    w: XMLWriter,
    src: StorageSource,
    ctx: FormatContext,
    startup_policy: str | None = None,
    *,
    with_seclabels: bool = True,
) -> None:
    """virDomainDiskSourceFormatInternal."""
    if not (src.path is not None or src.hosts or src.pool is not None or startup_policy):
        return
    attrs: list[tuple[str, str | int | None]]
    if src.type == "network":
        attrs = [("protocol", src.protocol), ("name", src.path)]
        if not src.hosts:
            w.empty("source", *attrs)
            return
        w.start("source", *attrs)
        for h in src.hosts:
            w.line(_host_line(h))
        w.end("source")
        return
    if src.type == "file":
        attrs = [("file", src.path), ("startupPolicy", startup_policy)]
    elif src.type == "block":
        attrs = [("dev", src.path), ("startupPolicy", startup_policy)]
    elif src.type == "dir":
        attrs = [("dir", src.path), ("startupPolicy", startup_policy)]
    else:  # volume
        pool = src.pool
        attrs = [
            ("pool", pool.pool if pool else None),
            ("volume", pool.volume if pool else None),
            ("mode", pool.mode if pool else None),
            ("startupPolicy", startup_policy),
        ]
    if with_seclabels and src.seclabels:
        body = w.child()
        for label in src.seclabels:
            format_seclabel(body, label, ctx)
        # libvirt writes the element open even when every label was skipped
        w.line(f"<source{attrs_text(attrs)}>")
        w.raw(body.lines)
        w.line("</source>")
    else:
        w.empty("source", *attrs)


def _host_line(h: NetHost) -> str:
    attrs = [("name", h.name), ("port", h.port)]
    if h.transport != "tcp":
        attrs.insert(0, ("transport", h.transport))
    attrs.append(("socket", h.socket))
    return f"<host{attrs_text(attrs)}/>"


def format_backing_store(w: XMLWriter, src: StorageSource, ctx: FormatContext, index: int) -> None:
    backing = src.backing
    if backing is None:
        w.empty("backingStore")
        return
    w.start("backingStore", ("type", backing.type), ("index", src.backing_index or index))
    w.empty("format", ("type", backing.format))
    format_source(w, backing, ctx)
    format_backing_store(w, backing, ctx, index + 1)
    w.end("backingStore")


def _format_mirror(w: XMLWriter, disk: Disk, ctx: FormatContext) -> None:
    m = disk.mirror
    if m is None:
        return
    attrs: list[tuple[str, str | int | None]] = [("type", m.src.type)]
    if m.src.type == "file" and m.job == "copy":
        attrs += [("file", m.src.path), ("format", m.src.format)]
    attrs += [("job", m.job), ("ready", m.ready)]
    w.start("mirror", *attrs)
    if m.src.format:
        w.empty("format", ("type", m.src.format))
    format_source(w, m.src, ctx)
    w.end("mirror")


def format_disk(w: XMLWriter, disk: Disk, ctx: FormatContext) -> None:
    if ctx.modern:
        format_disk_modern(w, disk, ctx)
        return
    attrs: list[tuple[str, str | int | None]] = [("type", disk.type), ("device", disk.device)]
    if disk.rawio is not None:
        attrs.append(("rawio", "yes" if disk.rawio else "no"))
    attrs.append(("sgio", disk.sgio))
    if disk.snapshot and not (disk.snapshot == "no" and disk.readonly):
        attrs.append(("snapshot", disk.snapshot))
    w.start("disk", *attrs)
    if (
        disk.driver_name or disk.src.format or disk.cache or disk.error_policy
        or disk.rerror_policy or disk.io or disk.ioeventfd is not None
        or disk.event_idx is not None or disk.copy_on_read is not None or disk.discard
        or disk.iothread
    ):
        w.empty("driver", *driver_attrs(disk))
    if disk.auth is not None:
        a = disk.auth
        w.start("auth", ("username", a.username))
        if a.uuid:
            w.empty("secret", ("type", a.secret_type), ("uuid", a.uuid))
        else:
            w.empty("secret", ("type", a.secret_type), ("usage", a.usage))
        w.end("auth")
    format_source(w, disk.src, ctx, disk.startup_policy)
    if not ctx.inactive:
        format_backing_store(w, disk.src, ctx, 1)
    if disk.backend_domain:
        w.empty("backenddomain", ("name", disk.backend_domain))
    if disk.cyls or disk.heads or disk.secs:
        w.empty(
            "geometry",
            ("cyls", disk.cyls),
            ("heads", disk.heads),
            ("secs", disk.secs),
            ("trans", disk.trans),
        )
    if disk.logical_block_size or disk.physical_block_size:
        w.empty(
            "blockio",
            ("logical_block_size", disk.logical_block_size or None),
            ("physical_block_size", disk.physical_block_size or None),
        )
    if not ctx.inactive:
        _format_mirror(w, disk, ctx)
    tattrs: list[tuple[str, str | int | None]] = [("dev", disk.dst), ("bus", disk.bus)]
    if disk.device in ("floppy", "cdrom") and disk.tray == "open":
        tattrs.append(("tray", "open"))
    if disk.bus == "usb" and disk.removable is not None:
        tattrs.append(("removable", _on_off(disk.removable)))
    w.empty("target", *tattrs)
    if any(disk.iotune.get(k) for k in IOTUNE_FIELDS):
        w.start("iotune")
        for k in IOTUNE_FIELDS:
            if disk.iotune.get(k):
                w.element(k, disk.iotune[k])
        w.end("iotune")
    if disk.readonly:
        w.empty("readonly")
    if disk.shared:
        w.empty("shareable")
    if disk.transient:
        w.empty("transient")
    w.element("serial", disk.serial)
    w.element("wwn", disk.wwn)
    w.element("vendor", disk.vendor)
    w.element("product", disk.product)
    if disk.encryption is not None:
        enc = disk.encryption
        if enc.secrets:
            w.start("encryption", ("format", enc.format))
            for stype, kind, value in enc.secrets:
                w.empty("secret", ("type", stype), (kind, value))
            w.end("encryption")
        else:
            w.empty("encryption", ("format", enc.format))
    format_device_info(w, disk.info, ctx, allow_boot=True)
    w.end("disk")


def format_disks(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for disk in dom.devices.disks:
        format_disk(w, disk, ctx)
