"""Formatting of <filesystem> (libvirt 1.3.1's virDomainFSDefFormat)."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.filesystem import SOURCE_ATTRS, Filesystem
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info


def format_filesystem(w: XMLWriter, fs: Filesystem, ctx: FormatContext) -> None:
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
