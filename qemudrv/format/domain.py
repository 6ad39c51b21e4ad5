"""The <domain> document: general sections, then <devices>."""

from __future__ import annotations

from dataclasses import replace

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from . import general as g
from .context import FormatContext
from .devices import format_devices
from .launch_security import format_launch_security

QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"


def format_domain(dom: Domain, ctx: FormatContext, level: int = 0) -> str:
    w = XMLWriter(level)
    format_domain_into(w, dom, ctx)
    return w.text()


def format_domain_into(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    """virDomainDefFormatInternal: the sections in libvirt's order."""
    attrs: list[tuple[str, str | int | None]] = [("type", dom.virt_type)]
    if dom.modern != ctx.modern:
        ctx = replace(ctx, modern=dom.modern)
    if dom.id is None and not ctx.inactive:
        # A domain without an id is not running: format it as inactive.
        ctx = replace(ctx, inactive=True)
    if not ctx.inactive:
        attrs.append(("id", dom.id))
    if dom.qemu_cmdline is not None and not dom.qemu_cmdline.empty():
        attrs.append(("xmlns:qemu", QEMU_NS))
    w.start("domain", *attrs)
    w.element("name", dom.name)
    w.element("uuid", dom.uuid)
    w.element("genid", dom.genid)
    w.element("title", dom.title)
    w.element("description", dom.description)
    g.format_metadata(w, dom)
    g.format_memory(w, dom, ctx)
    g.format_blkiotune(w, dom)
    g.format_memtune(w, dom)
    g.format_memory_backing(w, dom)
    g.format_vcpu(w, dom)
    g.format_iothreads(w, dom)
    g.format_cputune(w, dom)
    g.format_numatune(w, dom)
    g.format_resource(w, dom)
    g.format_sysinfo(w, dom)
    g.format_os(w, dom)
    g.format_idmap(w, dom)
    g.format_features(w, dom)
    g.format_cpu(w, dom)
    g.format_clock(w, dom)
    g.format_lifecycle(w, dom)
    g.format_pm(w, dom)
    format_devices(w, dom, ctx)
    g.format_seclabels(w, dom, ctx)
    g.format_qemu_cmdline(w, dom)
    g.format_keywrap(w, dom)
    format_launch_security(w, dom)
    w.end("domain")
