"""Formatting of <memory> devices and libvirt 9.0's <memoryBacking> children
(domain_conf.c, virDomainMemoryDefFormat and virDomainMemorybackingFormat)."""

from __future__ import annotations

from ..bitmap import format_bitmap
from ..model.general import Memory
from ..model.misc import MemoryDevice
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _format_source(w: XMLWriter, dev: MemoryDevice) -> None:
    """virDomainMemorySourceDefFormat: each model's own children."""
    body = w.child()
    if dev.model in ("dimm", "virtio-mem", "sgx-epc") and dev.source_nodes is not None:
        body.element("nodemask", format_bitmap(dev.source_nodes))
    if dev.model in ("dimm", "virtio-mem") and dev.pagesize:
        body.element("pagesize", dev.pagesize, ("unit", "KiB"))
    if dev.model in ("nvdimm", "virtio-pmem"):
        body.element("path", dev.path)
    if dev.model == "nvdimm":
        if dev.alignsize:
            body.element("alignsize", dev.alignsize, ("unit", "KiB"))
        if dev.pmem:
            body.empty("pmem")
    w.wrap_if("source", body)


def _format_target(w: XMLWriter, dev: MemoryDevice, ctx: FormatContext) -> None:
    """virDomainMemoryTargetDefFormat."""
    w.start("target")
    w.element("size", dev.size, ("unit", "KiB"))
    if dev.target_node >= 0:
        w.element("node", dev.target_node)
    if dev.labelsize:
        w.start("label")
        w.element("size", dev.labelsize, ("unit", "KiB"))
        w.end("label")
    if dev.readonly:
        w.empty("readonly")
    if dev.blocksize:
        w.element("block", dev.blocksize, ("unit", "KiB"))
        w.element("requested", dev.requestedsize, ("unit", "KiB"))
        if not ctx.inactive:
            w.element("current", dev.currentsize, ("unit", "KiB"))
    w.end("target")


def format_memory_device(w: XMLWriter, dev: MemoryDevice, ctx: FormatContext) -> None:
    """virDomainMemoryDefFormat."""
    w.start("memory", ("model", dev.model), ("access", dev.access),
            ("discard", _yes_no(dev.discard)))
    if dev.uuid is not None:
        w.element("uuid", dev.uuid)
    _format_source(w, dev)
    _format_target(w, dev, ctx)
    format_device_info(w, dev.info, ctx)
    w.end("memory")


def has_backing_modern(mem: Memory) -> bool:
    """Whether libvirt 9.0's <memoryBacking> children alone need the element."""
    return bool(mem.source or mem.access or mem.allocation or mem.allocation_threads
                or mem.discard)


def format_memory_backing_modern(w: XMLWriter, mem: Memory) -> None:
    """The children after <locked/>, in virDomainMemorybackingFormat's order."""
    if mem.source:
        w.empty("source", ("type", mem.source))
    if mem.access:
        w.empty("access", ("mode", mem.access))
    if mem.allocation or mem.allocation_threads:
        w.empty("allocation", ("mode", mem.allocation),
                ("threads", mem.allocation_threads or None))
    if mem.discard:
        w.empty("discard")
