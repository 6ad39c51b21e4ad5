"""Formatting of <filesystem> (virDomainFSDefFormat of libvirt 1.3.1 and,
for a 9.0 document, of 9.0)."""

from __future__ import annotations

from ..model.disk import VIRTIO_OPTIONS
from ..model.domain import Domain
from ..model.filesystem import SOURCE_ATTRS, Filesystem
from ..xmlwriter import Attr, XMLWriter
from .context import FormatContext
from .device_info import format_device_info


def _on_off(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


def _format_modern(w: XMLWriter, fs: Filesystem, ctx: FormatContext) -> None:
    """virDomainFSDefFormat of libvirt 9.0."""
    w.start("filesystem", ("type", fs.type), ("accessmode", fs.accessmode or None),
            ("model", fs.model), ("multidevs", fs.multidevs),
            ("fmode", f"{fs.fmode:04o}" if fs.fmode else None),
            ("dmode", f"{fs.dmode:04o}" if fs.dmode else None))
    driver: list[Attr] = []
    if fs.driver != "default":
        driver = [("type", fs.driver), ("format", fs.format),
                  ("wrpolicy", fs.wrpolicy if fs.wrpolicy != "default" else None),
                  ("queue", fs.queue_size or None)]
    driver += [(name, _on_off(fs.virtio.get(name))) for name in VIRTIO_OPTIONS]
    if any(value is not None for _, value in driver):
        w.empty("driver", *driver)
    binary = fs.binary
    if binary is not None:
        body = w.child()
        if binary.cache:
            body.empty("cache", ("mode", binary.cache))
        if binary.sandbox:
            body.empty("sandbox", ("mode", binary.sandbox))
        if binary.posix_lock is not None or binary.flock is not None:
            body.empty("lock", ("posix", _on_off(binary.posix_lock)),
                       ("flock", _on_off(binary.flock)))
        if binary.thread_pool_size is not None:
            body.empty("thread_pool", ("size", binary.thread_pool_size))
        attrs: list[Attr] = [("path", binary.path), ("xattr", _on_off(binary.xattr))]
        if body or any(value is not None for _, value in attrs):
            w.wrap("binary", body, *attrs)
    if fs.type == "ram":
        w.empty("source", ("usage", fs.usage // 1024), ("units", "KiB"))
    elif fs.socket is not None:
        w.empty("source", ("socket", fs.socket))
    else:
        w.empty("source", (SOURCE_ATTRS[fs.type], fs.source))
    w.empty("target", ("dir", fs.target))
    if fs.readonly:
        w.empty("readonly")
    format_device_info(w, fs.info, ctx, allow_boot=True)
    if fs.space_hard_limit:
        w.element("space_hard_limit", fs.space_hard_limit, ("unit", "bytes"))
    if fs.space_soft_limit:
        w.element("space_soft_limit", fs.space_soft_limit, ("unit", "bytes"))
    w.end("filesystem")


def format_filesystem(w: XMLWriter, fs: Filesystem, ctx: FormatContext) -> None:
    if ctx.modern:
        _format_modern(w, fs, ctx)
        return
    w.start("filesystem", ("type", fs.type), ("accessmode", fs.accessmode))
    # a driver without a type is not written back, its write policy with it
    if fs.driver != "default":
        wrpolicy = fs.wrpolicy if fs.wrpolicy != "default" else None
        w.empty("driver", ("type", fs.driver), ("format", fs.format), ("wrpolicy", wrpolicy))
    if fs.type == "ram":
        w.empty("source", ("usage", fs.usage // 1024), ("units", "KiB"))
    else:
        w.empty("source", (SOURCE_ATTRS[fs.type], fs.source))
    w.empty("target", ("dir", fs.target))
    if fs.readonly:
        w.empty("readonly")
    format_device_info(w, fs.info, ctx)
    if fs.space_hard_limit:
        w.element("space_hard_limit", fs.space_hard_limit, ("unit", "bytes"))
    if fs.space_soft_limit:
        w.element("space_soft_limit", fs.space_soft_limit, ("unit", "bytes"))
    w.end("filesystem")


def format_filesystems(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for fs in dom.devices.filesystems:
        format_filesystem(w, fs, ctx)
