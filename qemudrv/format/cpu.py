"""<cpu> as libvirt 9.0 writes it (virCPUDefFormatBufFull and virCPUDefFormatBuf
for a guest CPU); the <numa> cells follow from ``general``."""

from __future__ import annotations

from ..model.general import CPU
from ..xmlwriter import Attr, XMLWriter


def cpu_attrs_modern(cpu: CPU) -> list[Attr]:
    """Attributes only when the CPU is more than a topology or a cache."""
    if cpu.mode == "custom" and not cpu.model:
        return []
    attrs: list[Attr] = [("mode", cpu.mode)]
    if cpu.mode == "custom":
        attrs.append(("match", cpu.match or "exact"))
    attrs.append(("check", cpu.check))
    if cpu.mode in ("host-passthrough", "maximum"):
        attrs.append(("migratable", cpu.migratable))
    return attrs


def format_cpu_body_modern(w: XMLWriter, cpu: CPU) -> None:
    format_model = cpu.mode in ("custom", "host-model")
    if format_model and (cpu.model or cpu.vendor_id):
        attrs: list[Attr] = []
        if cpu.model:
            attrs.append(("fallback", cpu.fallback or "allow"))
        attrs.append(("vendor_id", cpu.vendor_id))
        if cpu.model:
            w.element("model", cpu.model, *attrs)
        else:
            w.empty("model", *attrs)
    if format_model and cpu.vendor:
        w.element("vendor", cpu.vendor)
    if cpu.sockets and cpu.dies and cpu.cores and cpu.threads:
        w.empty("topology", ("sockets", cpu.sockets), ("dies", cpu.dies),
                ("cores", cpu.cores), ("threads", cpu.threads))
    if cpu.cache_mode:
        w.empty("cache", ("level", cpu.cache_level), ("mode", cpu.cache_mode))
    if cpu.maxphysaddr_mode:
        w.empty("maxphysaddr", ("mode", cpu.maxphysaddr_mode), ("bits", cpu.maxphysaddr_bits))
    for f in cpu.features:
        w.empty("feature", ("policy", f.policy), ("name", f.name))
