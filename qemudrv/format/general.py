"""The general sections of <domain> (virDomainDefFormatInternal, 1.3.1)."""

from __future__ import annotations

import copy

from lxml import etree

from ..bitmap import format_bitmap
from ..model.domain import Domain
from ..model.general import CPU, HypervFeatures, SchedGroup, SysinfoEntry, Timer
from ..xmlwriter import XMLWriter, escape
from .context import FormatContext
from .cpu import cpu_attrs_modern, format_cpu_body_modern
from .cputune import format_cputune_modern
from .features import format_features_modern
from .firmware import format_firmware_features, format_loader_modern
from .iothreads import format_iothreads_modern
from .memory import format_memory_backing_modern, has_backing_modern
from .numa import format_numa_modern


def memory_total(dom: Domain) -> int:
    """virDomainDefGetMemoryActual: initial memory plus memory devices."""
    return dom.memory.total


def format_metadata(w: XMLWriter, dom: Domain) -> None:
    meta = dom.metadata
    if meta is None:
        return
    if len(meta) == 0:
        w.empty("metadata")
        return
    m = copy.deepcopy(meta)
    # libxml2 indents intermediate elements by two spaces per level.
    etree.indent(m, space="  ", level=w.level)
    raw = etree.tostring(m, encoding="unicode", with_tail=False).splitlines()
    # The first line carries no indentation of its own in the dump.
    w.lines.append("  " * w.level + raw[0])
    w.lines.extend(raw[1:])


def format_memory(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    mem = dom.memory
    if mem.max_memory and mem.slots:
        w.line(f"<maxMemory slots='{mem.slots}' unit='KiB'>{mem.max_memory}</maxMemory>")
    dump = "" if mem.dump_core is None else f" dumpCore='{'on' if mem.dump_core else 'off'}'"
    w.line(f"<memory{dump} unit='KiB'>{memory_total(dom)}</memory>")
    w.line(f"<currentMemory unit='KiB'>{mem.cur_balloon}</currentMemory>")


def format_blkiotune(w: XMLWriter, dom: Domain) -> None:
    b = dom.blkiotune
    body = w.child()
    if b.weight:
        body.element("weight", b.weight)
    for d in b.devices:
        if not (d.weight or d.riops or d.wiops or d.rbps or d.wbps):
            continue
        body.start("device")
        body.element("path", d.path)
        if d.weight:
            body.element("weight", d.weight)
        if d.riops:
            body.element("read_iops_sec", d.riops)
        if d.wiops:
            body.element("write_iops_sec", d.wiops)
        if d.rbps:
            body.element("read_bytes_sec", d.rbps)
        if d.wbps:
            body.element("write_bytes_sec", d.wbps)
        body.end("device")
    w.wrap_if("blkiotune", body)


def format_memtune(w: XMLWriter, dom: Domain) -> None:
    mem = dom.memory
    body = w.child()
    for name in ("hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit"):
        value = getattr(mem, name)
        if value is not None and value < 2**53 - 1:  # below 'unlimited'
            body.line(f"<{name} unit='KiB'>{value}</{name}>")
    w.wrap_if("memtune", body)


def format_memory_backing(w: XMLWriter, dom: Domain) -> None:
    mem = dom.memory
    if not (mem.hugepages or mem.nosharepages or mem.locked or has_backing_modern(mem)):
        return
    w.start("memoryBacking")
    if mem.hugepages:
        if len(mem.hugepages) == 1 and mem.hugepages[0].size == 0:
            w.empty("hugepages")
        else:
            w.start("hugepages")
            for p in mem.hugepages:
                attrs: list[tuple[str, str | int | None]] = [("size", p.size), ("unit", "KiB")]
                if p.nodeset is not None:
                    attrs.append(("nodeset", format_bitmap(p.nodeset)))
                w.empty("page", *attrs)
            w.end("hugepages")
    if mem.nosharepages:
        w.empty("nosharepages")
    if mem.locked:
        w.empty("locked")
    format_memory_backing_modern(w, mem)
    w.end("memoryBacking")


def format_vcpu(w: XMLWriter, dom: Domain) -> None:
    v = dom.vcpus
    out = f"<vcpu placement='{v.placement}'"
    if v.cpuset is not None and v.placement != "auto":
        out += f" cpuset='{format_bitmap(v.cpuset)}'"
    if v.current != v.max:
        out += f" current='{v.current}'"
    w.line(f"{out}>{v.max}</vcpu>")
    if v.states is None:
        return
    w.start("vcpus")
    for i, s in enumerate(v.states):
        line = f"<vcpu id='{i}' enabled='{'yes' if s.online else 'no'}'"
        if s.hotpluggable is not None:
            line += f" hotpluggable='{'yes' if s.hotpluggable else 'no'}'"
        if s.order:
            line += f" order='{s.order}'"
        w.line(line + "/>")
    w.end("vcpus")


def format_iothreads(w: XMLWriter, dom: Domain) -> None:
    if dom.modern:
        format_iothreads_modern(w, dom)
        return
    if not dom.iothreads:
        return
    w.element("iothreads", len(dom.iothreads))
    if all(t.autofill for t in dom.iothreads):
        return
    w.start("iothreadids")
    for t in dom.iothreads:
        if not t.autofill:
            w.empty("iothread", ("id", t.id))
    w.end("iothreadids")


def _sched(w: XMLWriter, tag: str, attr: str, g: SchedGroup) -> None:
    attrs: list[tuple[str, str | int | None]] = [
        (attr, format_bitmap(g.ids)), ("scheduler", g.policy),
    ]
    if g.priority is not None:
        attrs.append(("priority", g.priority))
    w.empty(tag, *attrs)


def _sched_per_thread(w: XMLWriter, dom: Domain) -> None:
    """libvirt 9.0 keeps a scheduler per thread and writes one element per
    vCPU (in vCPU order) and per I/O thread (in <iothreadids> order)."""
    t = dom.cputune
    threads = (("vcpu", range(dom.vcpus.max), t.vcpusched),
               ("iothread", [th.id for th in dom.iothreads], t.iothreadsched))
    for name, ids, groups in threads:
        for thread in ids:
            group = next((g for g in groups if thread in g.ids), None)
            if group is not None:
                _sched(w, f"{name}sched", f"{name}s", SchedGroup(frozenset({thread}),
                                                                 group.policy, group.priority))


def format_cputune(w: XMLWriter, dom: Domain) -> None:
    if dom.modern:
        format_cputune_modern(w, dom)
        return
    t = dom.cputune
    body = w.child()
    if t.shares is not None:
        body.element("shares", t.shares)
    if t.period:
        body.element("period", t.period)
    if t.quota:
        body.element("quota", t.quota)
    if t.global_period:
        body.element("global_period", t.global_period)
    if t.global_quota:
        body.element("global_quota", t.global_quota)
    if t.emulator_period:
        body.element("emulator_period", t.emulator_period)
    if t.emulator_quota:
        body.element("emulator_quota", t.emulator_quota)
    for p in t.vcpupins:
        body.empty("vcpupin", ("vcpu", p.id), ("cpuset", format_bitmap(p.cpuset)))
    if t.emulatorpin is not None:
        body.empty("emulatorpin", ("cpuset", format_bitmap(t.emulatorpin)))
    for p in t.iothreadpins:
        body.empty("iothreadpin", ("iothread", p.id), ("cpuset", format_bitmap(p.cpuset)))
    for g in t.vcpusched:
        _sched(body, "vcpusched", "vcpus", g)
    for g in t.iothreadsched:
        _sched(body, "iothreadsched", "iothreads", g)
    w.wrap_if("cputune", body)


def format_numatune(w: XMLWriter, dom: Domain) -> None:
    n = dom.numatune
    if n is None or not (n.memory_set or n.memnodes):
        return
    w.start("numatune")
    if n.memory_set:
        if n.placement == "static" and n.nodeset is not None:
            w.empty("memory", ("mode", n.mode), ("nodeset", format_bitmap(n.nodeset)))
        else:
            w.empty("memory", ("mode", n.mode), ("placement", n.placement))
    for m in n.memnodes:
        w.empty(
            "memnode", ("cellid", m.cellid), ("mode", m.mode), ("nodeset", format_bitmap(m.nodeset))
        )
    w.end("numatune")


def format_resource(w: XMLWriter, dom: Domain) -> None:
    if dom.resource_partition is None:
        return
    w.start("resource")
    w.element("partition", dom.resource_partition)
    w.end("resource")


def format_sysinfo(w: XMLWriter, dom: Domain) -> None:
    """virSysinfoFormat, for each <sysinfo> in turn."""
    for s in dom.sysinfos:
        body = w.child()
        for tag, entries in (("bios", s.bios), ("system", s.system)):
            _sysinfo_entries(body, tag, entries)
        for bb in s.base_boards:
            _sysinfo_entries(body, "baseBoard", bb)
        _sysinfo_entries(body, "chassis", s.chassis)
        if s.oem_strings is not None:
            body.start("oemStrings")
            for value in s.oem_strings:
                body.element("entry", value)
            body.end("oemStrings")
        for f in s.fw_cfgs:
            if f.file is not None:
                body.empty("entry", ("name", f.name), ("file", f.file))
            else:
                body.element("entry", f.value, ("name", f.name))
        w.wrap("sysinfo", body, ("type", s.type))


def _sysinfo_entries(w: XMLWriter, tag: str, entries: list[SysinfoEntry]) -> None:
    if not entries:
        return
    w.start(tag)
    for e in entries:
        w.element("entry", e.value, ("name", e.name))
    w.end(tag)


def format_os(w: XMLWriter, dom: Domain) -> None:
    os_ = dom.os
    if os_.bootloader:
        w.element("bootloader", os_.bootloader)
        w.element("bootloader_args", os_.bootloader_args)
    w.start("os", ("firmware", os_.firmware))
    w.element("type", os_.type, ("arch", os_.arch), ("machine", os_.machine))
    format_firmware_features(w, os_)
    w.element("init", os_.init)
    for a in os_.initargs:
        w.element("initarg", a)
    if os_.loader is not None and dom.modern:
        format_loader_modern(w, os_.loader)
    elif os_.loader is not None:
        ld = os_.loader
        ro = None if ld.readonly is None else ("yes" if ld.readonly else "no")
        if ld.path is not None:
            # 1.3.1's loader type enum starts at rom, so it is always written
            w.element("loader", ld.path, ("readonly", ro), ("type", ld.type or "rom"))
        else:
            w.empty("loader", ("readonly", ro), ("type", ld.type or "rom"))
        if ld.nvram is not None or ld.nvram_template is not None:
            if ld.nvram is not None:
                w.element("nvram", ld.nvram, ("template", ld.nvram_template))
            else:
                w.empty("nvram", ("template", ld.nvram_template))
    w.element("kernel", os_.kernel)
    w.element("initrd", os_.initrd)
    w.element("cmdline", os_.cmdline)
    w.element("dtb", os_.dtb)
    w.element("root", os_.root)
    if os_.slic_table is not None:
        w.start("acpi")
        w.element("table", os_.slic_table, ("type", "slic"))
        w.end("acpi")
    if not os_.bootloader:
        for dev in os_.boot_devs:
            w.empty("boot", ("dev", dev))
        if os_.bootmenu is not None:
            w.empty(
                "bootmenu",
                ("enable", "yes" if os_.bootmenu else "no"),
                ("timeout", os_.bm_timeout),
            )
        if os_.bios_useserial is not None or os_.reboot_timeout is not None:
            us = None if os_.bios_useserial is None else ("yes" if os_.bios_useserial else "no")
            w.empty("bios", ("useserial", us), ("rebootTimeout", os_.reboot_timeout))
    if os_.smbios_mode:
        w.empty("smbios", ("mode", os_.smbios_mode))
    w.end("os")


def format_idmap(w: XMLWriter, dom: Domain) -> None:
    if not dom.uidmap:
        return
    w.start("idmap")
    for tag, entries in (("uid", dom.uidmap), ("gid", dom.gidmap)):
        for e in entries:
            w.empty(tag, ("start", e.start), ("target", e.target), ("count", e.count))
    w.end("idmap")


_FEATURE_ORDER = (
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic",
)


def _onoff(v: bool | None) -> str | None:
    return None if v is None else ("on" if v else "off")


def format_features(w: XMLWriter, dom: Domain) -> None:
    if dom.modern:
        format_features_modern(w, dom)
        return
    f = dom.features
    if not f.flags:
        return
    w.start("features")
    for name in _FEATURE_ORDER:
        if name not in f.flags:
            continue
        on = f.flags[name]
        if name in ("acpi", "pae", "hap", "viridian", "privnet"):
            if on:
                w.empty(name)
        elif name == "apic":
            if on:
                w.empty("apic", ("eoi", _onoff(f.apic_eoi)))
        elif name in ("pvspinlock", "pmu", "vmport"):
            w.empty(name, ("state", _onoff(on)))
        elif name == "hyperv":
            if on:
                _format_hyperv(w, f.hyperv)
        elif name == "kvm":
            if on:
                w.start("kvm")
                if f.kvm_hidden is not None:
                    w.empty("hidden", ("state", _onoff(f.kvm_hidden)))
                w.end("kvm")
        elif name == "capabilities":
            body = w.child()
            for cap, state in f.caps.items():
                body.empty(cap, ("state", _onoff(state)))
            w.wrap("capabilities", body, ("policy", f.capabilities_policy))
        elif name == "gic" and on:
            w.empty("gic", ("version", f.gic_version))
    w.end("features")


def _format_hyperv(w: XMLWriter, hv: HypervFeatures) -> None:
    w.start("hyperv")
    if hv.relaxed is not None:
        w.empty("relaxed", ("state", _onoff(hv.relaxed)))
    if hv.vapic is not None:
        w.empty("vapic", ("state", _onoff(hv.vapic)))
    if hv.spinlocks is not None:
        w.empty(
            "spinlocks",
            ("state", _onoff(hv.spinlocks)),
            ("retries", hv.retries if hv.spinlocks else None),
        )
    w.end("hyperv")


def format_cpu(w: XMLWriter, dom: Domain) -> None:
    cpu = dom.cpu
    if cpu is None:
        return
    body = w.child()
    _cpu_body(body, cpu, dom.modern)
    if not body and cpu.mode == "custom" and cpu.model is None:
        return
    if dom.modern:
        w.wrap("cpu", body, *cpu_attrs_modern(cpu))
        return
    attrs: list[tuple[str, str | int | None]] = []
    if cpu.mode != "custom" or cpu.model:
        attrs.append(("mode", cpu.mode))
    if cpu.model and cpu.mode == "custom":
        attrs.append(("match", cpu.match or "exact"))
    w.wrap("cpu", body, *attrs)


def _cpu_body(w: XMLWriter, cpu: CPU, modern: bool) -> None:
    if modern:
        format_cpu_body_modern(w, cpu)
    else:
        _cpu_body_legacy(w, cpu)
    _numa_cells(w, cpu, modern)


def _cpu_body_legacy(w: XMLWriter, cpu: CPU) -> None:
    format_model = cpu.mode == "custom"
    format_fallback = cpu.mode == "host-model" or (cpu.mode == "custom" and cpu.model is not None)
    if (format_model and cpu.model) or format_fallback:
        attrs: list[tuple[str, str | int | None]] = []
        if format_fallback:
            attrs.append(("fallback", cpu.fallback or "allow"))
            attrs.append(("vendor_id", cpu.vendor_id))
        if format_model and cpu.model:
            w.element("model", cpu.model, *attrs)
        else:
            w.empty("model", *attrs)
    if format_model and cpu.vendor:
        w.element("vendor", cpu.vendor)
    if cpu.sockets and cpu.cores and cpu.threads:
        w.empty("topology", ("sockets", cpu.sockets), ("cores", cpu.cores),
                ("threads", cpu.threads))
    for f in cpu.features:
        w.empty("feature", ("policy", f.policy), ("name", f.name))


def _numa_cells(w: XMLWriter, cpu: CPU, modern: bool) -> None:
    if cpu.cells and modern:
        format_numa_modern(w, cpu)
    elif cpu.cells:
        w.start("numa")
        for c in cpu.cells:
            w.empty(
                "cell",
                ("id", c.id),
                ("cpus", format_bitmap(c.cpus)),
                ("memory", c.memory),
                ("unit", "KiB"),
                ("memAccess", c.mem_access),
                ("discard", c.discard),
            )
        w.end("numa")


def format_clock(w: XMLWriter, dom: Domain) -> None:
    c = dom.clock
    attrs: list[tuple[str, str | int | None]] = [("offset", c.offset)]
    if c.offset in ("utc", "localtime"):
        if c.adjustment_set:
            attrs.append(("adjustment", "reset"))
    elif c.offset == "variable":
        attrs.append(("adjustment", c.adjustment or 0))
        attrs.append(("basis", c.basis or "utc"))
    elif c.offset == "timezone":
        attrs.append(("timezone", c.timezone))
    elif c.offset == "absolute":
        attrs.append(("start", c.start))
    body = w.child()
    for t in c.timers:
        _format_timer(body, t, dom.modern)
    w.wrap("clock", body, *attrs)


def _format_timer(w: XMLWriter, t: Timer, modern: bool) -> None:
    attrs: list[tuple[str, str | int | None]] = [("name", t.name)]
    if t.present is not None:
        attrs.append(("present", "yes" if t.present else "no"))
    attrs.append(("tickpolicy", t.tickpolicy))
    if t.name == "rtc" or modern:
        attrs.append(("track", t.track))
    if t.name == "tsc":
        if t.frequency:
            attrs.append(("frequency", t.frequency))
        attrs.append(("mode", t.mode))
    if not (t.catchup_threshold or t.catchup_slew or t.catchup_limit):
        w.empty("timer", *attrs)
        return
    w.start("timer", *attrs)
    w.empty(
        "catchup",
        ("threshold", t.catchup_threshold or None),
        ("slew", t.catchup_slew or None),
        ("limit", t.catchup_limit or None),
    )
    w.end("timer")


def format_lifecycle(w: XMLWriter, dom: Domain) -> None:
    lc = dom.lifecycle
    w.element("on_poweroff", lc.on_poweroff)
    w.element("on_reboot", lc.on_reboot)
    w.element("on_crash", lc.on_crash)
    if lc.on_lockfailure and lc.on_lockfailure != "default":
        w.element("on_lockfailure", lc.on_lockfailure)


def format_pm(w: XMLWriter, dom: Domain) -> None:
    pm = dom.pm
    if pm.s3 is None and pm.s4 is None:
        return
    w.start("pm")
    if pm.s3 is not None:
        w.empty("suspend-to-mem", ("enabled", "yes" if pm.s3 else "no"))
    if pm.s4 is not None:
        w.empty("suspend-to-disk", ("enabled", "yes" if pm.s4 else "no"))
    w.end("pm")


def format_seclabels(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for s in dom.seclabels:
        if s.type is None:
            continue
        head = f"<seclabel type='{s.type}'"
        if s.model is not None:
            head += f" model='{escape(s.model)}'"
        if s.type == "none":
            w.line(head + "/>")
            continue
        head += f" relabel='{'yes' if s.relabel else 'no'}'"
        if s.label or s.imagelabel or s.baselabel:
            w.line(head + ">")
            w.level += 1
            w.element("label", s.label)
            if s.relabel:
                w.element("imagelabel", s.imagelabel)
            if s.type == "dynamic":
                w.element("baselabel", s.baselabel)
            w.level -= 1
            w.line("</seclabel>")
        else:
            w.line(head + "/>")


def format_qemu_cmdline(w: XMLWriter, dom: Domain) -> None:
    """qemuDomainDefNamespaceFormatXML: each part only when it has something."""
    cl = dom.qemu_cmdline
    if cl is None:
        return
    if cl.args or cl.env:
        w.start("qemu:commandline")
        for a in cl.args:
            w.empty("qemu:arg", ("value", a))
        for name, value in cl.env:
            w.empty("qemu:env", ("name", name), ("value", value))
        w.end("qemu:commandline")
    if cl.caps_add or cl.caps_del:
        w.start("qemu:capabilities")
        for cap in cl.caps_add:
            w.empty("qemu:add", ("capability", cap))
        for cap in cl.caps_del:
            w.empty("qemu:del", ("capability", cap))
        w.end("qemu:capabilities")
    if cl.overrides:
        w.start("qemu:override")
        for device in cl.overrides:
            if not device.frontend:
                w.empty("qemu:device", ("alias", device.alias))
                continue
            w.start("qemu:device", ("alias", device.alias))
            w.start("qemu:frontend")
            for p in device.frontend:
                w.empty("qemu:property", ("name", p.name), ("type", p.type), ("value", p.value))
            w.end("qemu:frontend")
            w.end("qemu:device")
        w.end("qemu:override")
    if cl.deprecation is not None:
        w.empty("qemu:deprecation", ("behavior", cl.deprecation))


def format_keywrap(w: XMLWriter, dom: Domain) -> None:
    kw = dom.keywrap
    if kw is None or (kw.aes is None and kw.dea is None):
        return
    w.start("keywrap")
    if kw.aes is not None:
        w.empty("cipher", ("name", "aes"), ("state", _onoff(kw.aes)))
    if kw.dea is not None:
        w.empty("cipher", ("name", "dea"), ("state", _onoff(kw.dea)))
    w.end("keywrap")
