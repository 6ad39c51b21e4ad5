"""Formatting of <lease>, <hub>, <watchdog>, <memballoon>, <nvram>,
<panic>, <shmem> and <memory> (libvirt 1.3.1's domain_conf.c)."""

from __future__ import annotations

from dataclasses import replace

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info
from .memory import format_memory_device
from .virtio_options import virtio_options_attrs


def format_leases(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for lease in dom.devices.leases:
        w.start("lease")
        w.element("lockspace", lease.lockspace)
        w.element("key", lease.key)
        w.empty("target", ("path", lease.path), ("offset", lease.offset or None))
        w.end("lease")


def format_hubs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for hub in dom.devices.hubs:
        body = w.child()
        format_device_info(body, hub.info, ctx)
        w.wrap("hub", body, ("type", hub.type))


def format_watchdog(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    dev = dom.devices.watchdog
    if dev is None:
        return
    body = w.child()
    format_device_info(body, dev.info, ctx)
    w.wrap("watchdog", body, ("model", dev.model), ("action", dev.action))


def format_memballoon(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    dev = dom.devices.memballoon
    if dev is None:
        return
    body = w.child()
    if dev.period:
        body.empty("stats", ("period", dev.period))
    format_device_info(body, dev.info, ctx)
    driver = virtio_options_attrs(dev.virtio)
    if driver:
        body.empty("driver", *driver)
    deflate = None if dev.autodeflate is None else ("on" if dev.autodeflate else "off")
    reporting = None if dev.free_page_reporting is None else \
        ("on" if dev.free_page_reporting else "off")
    w.wrap("memballoon", body, ("model", dev.model), ("autodeflate", deflate),
           ("freePageReporting", reporting))


def format_nvram(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    dev = dom.devices.nvram
    if dev is None:
        return
    w.start("nvram")
    format_device_info(w, dev.info, ctx)
    w.end("nvram")


def format_panics(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    # virDomainPanicDefFormat formats the device info without flags: the
    # alias shows even in an inactive definition.
    live = replace(ctx, inactive=False)
    for dev in dom.devices.panics:
        body = w.child()
        format_device_info(body, dev.info, live)
        model = dev.model if dev.model != "default" else None
        w.wrap("panic", body, ("model", model))


def format_shmems(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.shmems:
        body = w.child()
        if ctx.modern:
            body.empty("model", ("type", dev.model))
        if dev.size:
            body.element("size", dev.size >> 20, ("unit", "M"))
        if dev.server:
            body.empty("server", ("path", dev.server_path))
        if dev.msi:
            ioeventfd = None
            if dev.msi_ioeventfd is not None:
                ioeventfd = "on" if dev.msi_ioeventfd else "off"
            body.empty("msi", ("vectors", dev.msi_vectors or None), ("ioeventfd", ioeventfd))
        format_device_info(body, dev.info, ctx)
        w.wrap("shmem", body, ("name", dev.name), ("role", dev.role))


def format_memories(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.memories:
        format_memory_device(w, dev, ctx)


def format_vsock(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    """virDomainVsockDefFormat (libvirt 9.0)."""
    dev = dom.devices.vsock
    if dev is None:
        return
    body = w.child()
    if dev.auto_cid is not None or dev.guest_cid:
        body.empty("cid", ("auto", dev.auto_cid), ("address", dev.guest_cid or None))
    format_device_info(body, dev.info, ctx)
    driver = virtio_options_attrs(dev.virtio)
    if driver:
        body.empty("driver", *driver)
    w.wrap("vsock", body, ("model", dev.model))
