"""<cputune>, <cpu> with its NUMA cells and <numatune> (virDomainDefParseXML, libvirt 1.3.1)."""

from __future__ import annotations

from ..bitmap import parse_bitmap, shorten
from ..errors import ConfigError, XMLError
from ..limits import UINT_MAX
from ..model.domain import Domain
from ..model.general import (
    CPU,
    CPUFeature,
    MemNode,
    NumaCell,
    Numatune,
    SchedGroup,
    VcpuPin,
)
from ..xmlreader import Element, child, child_text, children, text
from .context import ParseContext
from .cpu import parse_cpu_modern
from .cputune import parse_cputune_modern
from .general_values import int_value, parse_memory_value, uint_value
from .numa import parse_numa_modern
from .prop_errors import invalid_value

NUMATUNE_MODES = ("strict", "preferred", "interleave")
NUMATUNE_MODES_MODERN = (*NUMATUNE_MODES, "restrictive")  # libvirt 9.0
SCHED_POLICIES = ("batch", "idle", "fifo", "rr")
CPU_MODES = ("custom", "host-model", "host-passthrough")
YES_NO = ("yes", "no")
CPU_MATCHES = ("minimum", "exact", "strict")
CPU_POLICIES = ("force", "require", "optional", "disable", "forbid")
MEM_ACCESS = ("shared", "private")


def _sched_group(el: Element, attr: str, what: str) -> SchedGroup:
    ids_s = el.get(attr)
    if ids_s is None:
        raise XMLError(f"Missing attribute '{attr}' in element '{what}'")
    ids = parse_bitmap(ids_s, attr)
    if not ids:
        raise XMLError(f"Invalid value of '{attr}': {shorten(ids_s)}")
    policy = el.get("scheduler")
    if policy is None:
        raise XMLError(f"Missing scheduler attribute in element '{what}'")
    if policy not in SCHED_POLICIES:
        raise XMLError(f"Invalid scheduler attribute: '{policy}'")
    priority = None
    if policy in ("fifo", "rr"):
        p = el.get("priority")
        if p is None:
            raise XMLError("Missing scheduler priority")
        priority = int_value(p, "scheduler priority")
    return SchedGroup(ids, policy, priority)


def _sched_overlap(what: str, attr: str, ctx: ParseContext) -> XMLError:
    # 9.0 quotes the element's name and reports it as XML detail (no prefix).
    if ctx.modern:
        return XMLError(f"'{what}' attributes '{attr}' must not overlap", code="")
    return XMLError(f"{what} attributes '{attr}' must not overlap")


def parse_cputune(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "cputune")
    t = dom.cputune
    if el is None:
        return
    shares = child_text(el, "shares")
    if shares is not None:
        t.shares = uint_value(shares, "cputune shares")
    period = child_text(el, "period")
    if period is not None:
        t.period = uint_value(period, "cputune period")
        if t.period and not 1000 <= t.period <= 1000000:
            raise XMLError("Value of cputune period must be in range [1000, 1000000]")
    quota = child_text(el, "quota")
    if quota is not None:
        t.quota = int_value(quota, "cputune quota")
        if t.quota and t.quota > 0 and not 1000 <= t.quota <= 18446744073709551:
            raise XMLError("Value of cputune quota must be in range [1000, 18446744073709551]")
    ep = child_text(el, "emulator_period")
    if ep is not None:
        t.emulator_period = uint_value(ep, "cputune emulator_period")
    eq = child_text(el, "emulator_quota")
    if eq is not None:
        t.emulator_quota = int_value(eq, "cputune emulator_quota")

    pinned: set[int] = set()
    for pin in children(el, "vcpupin"):
        vcpu = uint_value(pin.get("vcpu"), "vcpupin vcpu")
        if vcpu is None:
            raise XMLError("vcpu id must be an unsigned integer or -1")
        if vcpu >= dom.vcpus.max:
            raise XMLError("vcpupin vcpu id is out of range")
        cpuset_s = pin.get("cpuset")
        if cpuset_s is None:
            raise XMLError("missing cpuset for vcpupin")
        if vcpu in pinned:
            raise XMLError("duplicate vcpupin for same vcpu")
        pinned.add(vcpu)
        t.vcpupins.append(VcpuPin(vcpu, parse_bitmap(cpuset_s, "cpuset", ctx.cpumask_len)))

    emu = children(el, "emulatorpin")
    if len(emu) > 1:
        raise XMLError("only one emulatorpin is supported")
    if emu:
        cpuset_s = emu[0].get("cpuset")
        if cpuset_s is None:
            raise XMLError("missing cpuset for emulatorpin")
        t.emulatorpin = parse_bitmap(cpuset_s, "cpuset", ctx.cpumask_len)

    iothread_ids = {th.id for th in dom.iothreads}
    pinned = set()
    for pin in children(el, "iothreadpin"):
        tid_s = pin.get("iothread")
        if tid_s is None:
            raise XMLError("missing iothread id in iothreadpin")
        tid = uint_value(tid_s, "iothreadpin iothread")
        if not tid:
            raise XMLError("zero is an invalid iothread id value")
        if tid not in iothread_ids:
            raise XMLError(f"Cannot find 'iothread' : {tid}", code="unsupported configuration")
        if tid in pinned:
            raise XMLError("duplicate iothreadpin for same iothread")
        pinned.add(tid)
        cpuset_s = pin.get("cpuset")
        if cpuset_s is None:
            raise XMLError("missing cpuset for iothreadpin")
        t.iothreadpins.append(VcpuPin(tid, parse_bitmap(cpuset_s, "cpuset", ctx.cpumask_len)))
    order = {th.id: i for i, th in enumerate(dom.iothreads)}
    t.iothreadpins.sort(key=lambda p: order.get(p.id, 0))

    if ctx.modern:
        parse_cputune_modern(el, dom)
        return
    for s in children(el, "vcpusched"):
        g = _sched_group(s, "vcpus", "vcpusched")
        for other in t.vcpusched:
            if other.ids & g.ids:
                raise _sched_overlap("vcpusched", "vcpus", ctx)
        t.vcpusched.append(g)
    for s in children(el, "iothreadsched"):
        g = _sched_group(s, "iothreads", "iothreadsched")
        for tid in g.ids:
            if tid not in iothread_ids:
                raise XMLError(f"Cannot find 'iothread' : {tid}", code="unsupported configuration")
        for other in t.iothreadsched:
            if other.ids & g.ids:
                raise _sched_overlap("iothreadsched", "iothreads", ctx)
        t.iothreadsched.append(g)


def parse_cpu_numa(root: Element, dom: Domain, ctx: ParseContext) -> None:
    """<cpu> (model, topology, features) and its <numa> cells."""
    el = child(root, "cpu")
    if el is None:
        return
    cpu = parse_cpu_modern(el) if ctx.modern else _parse_cpu(el, dom, ctx)
    numa = child(el, "numa")
    if numa is not None:
        if ctx.modern:
            cpu.cells, cpu.interconnects = parse_numa_modern(numa, ctx)
        else:
            cpu.cells = _parse_numa_cells(numa, ctx)
        if sum(len(c.cpus) for c in cpu.cells) > dom.vcpus.max:
            raise XMLError("Number of CPUs in <numa> exceeds the <vcpu> count")
    dom.cpu = cpu


def _parse_cpu(el: Element, dom: Domain, ctx: ParseContext) -> CPU:
    """<cpu> itself as libvirt 1.3.1 reads it."""
    cpu = CPU()
    mode = el.get("mode")
    if mode is not None:
        if mode not in CPU_MODES:
            raise XMLError(f"Invalid mode attribute '{mode}'")
        cpu.mode = mode
    model_el = child(el, "model")
    if cpu.mode == "custom":
        match = el.get("match")
        if match is not None:
            if match not in CPU_MATCHES:
                raise XMLError("Invalid match attribute for CPU specification")
            cpu.match = match
        elif model_el is not None:
            cpu.match = "exact"
    if model_el is not None and cpu.mode != "host-passthrough":
        cpu.model = text(model_el)
        if cpu.model is None and cpu.mode == "custom":
            raise XMLError("Missing CPU model name")
        fb = model_el.get("fallback")
        if fb is not None:
            if fb not in ("allow", "forbid"):
                raise XMLError("Invalid fallback attribute")
            cpu.fallback = fb
            cpu.fallback_set = True
        vid = model_el.get("vendor_id")
        if vid is not None:
            if len(vid) != 12:
                raise XMLError("vendor_id must be exactly 12 characters long")
            cpu.vendor_id = vid
    if cpu.fallback is None:
        cpu.fallback = "allow"
    vendor = child_text(el, "vendor")
    if vendor is not None:
        if cpu.model is None:
            raise XMLError("CPU vendor specified without CPU model")
        cpu.vendor = vendor
    topo = child(el, "topology")
    if topo is not None:
        for name in ("sockets", "cores", "threads"):
            s = topo.get(name)
            if s is None:
                raise XMLError(f"Missing '{name}' attribute in CPU topology")
            n = uint_value(s, f"'{name}' attribute in CPU topology")
            if not n or n > UINT_MAX:
                raise XMLError(f"Invalid '{name}' value in CPU topology")
            setattr(cpu, name, n)
    feats = children(el, "feature")
    if feats and cpu.model is None and cpu.mode == "custom":
        raise XMLError("Non-empty feature list specified without CPU model")
    seen: set[str] = set()
    for f in feats:
        feature_name = f.get("name")
        if feature_name is None:
            raise XMLError("Invalid CPU feature name")
        policy = f.get("policy")
        if policy is None:
            policy = "require"
        if policy not in CPU_POLICIES:
            raise XMLError(f"Invalid CPU feature policy '{policy}'")
        if feature_name in seen:
            raise XMLError(f"CPU feature '{feature_name}' specified more than once")
        seen.add(feature_name)
        cpu.features.append(CPUFeature(feature_name, policy))
    if cpu.sockets and dom.vcpus.max > cpu.sockets * cpu.dies * cpu.cores * cpu.threads:
        raise XMLError("Maximum CPUs greater than topology limit")
    return cpu


def _parse_numa_cells(el: Element, ctx: ParseContext) -> list[NumaCell]:
    nodes = children(el, "cell")
    if not nodes:
        raise XMLError("NUMA topology defined without NUMA cells")
    n = len(nodes)
    cells: dict[int, NumaCell] = {}
    taken: set[int] = set()  # the vCPUs of the cells so far
    for i, node in enumerate(nodes):
        cid = uint_value(node.get("id"), "cell id", i)
        assert cid is not None
        if cid >= n:
            raise XMLError(
                "Exactly one 'cell' element per guest NUMA cell allowed, "
                "non-contiguous ranges or ranges not starting from 0 are not allowed"
            )
        if cid in cells:
            raise XMLError(f"Duplicate NUMA cell info for cell id '{cid}'")
        cpus_s = node.get("cpus")
        if cpus_s is None:
            raise XMLError("Missing 'cpus' attribute in NUMA cell")
        cpus = parse_bitmap(cpus_s, "cpus")
        if not taken.isdisjoint(cpus):
            other_id = next(o for o, other in cells.items() if other.cpus & cpus)
            raise XMLError(f"NUMA cells {cid} and {other_id} have overlapping vCPU ids")
        taken |= cpus
        mem = parse_memory_value(
            None, ctx, value=node.get("memory"), unit=node.get("unit"),
            required=True, what="./@memory",
        )
        access = node.get("memAccess")
        if access is not None and access not in MEM_ACCESS and ctx.modern:
            raise invalid_value("memAccess", "cell", access)
        if access is not None and access not in MEM_ACCESS:
            raise XMLError(f"Invalid 'memAccess' attribute value '{access}'")
        discard = node.get("discard") if ctx.modern else None
        if discard is not None and discard not in YES_NO:
            raise XMLError(f"Invalid 'discard' attribute value '{discard}'")
        cells[cid] = NumaCell(cid, cpus, mem or 0, access, discard)
    return [cells[i] for i in sorted(cells)]


def parse_numatune(root: Element, dom: Domain, ctx: ParseContext) -> None:
    tunes = children(root, "numatune")
    if len(tunes) > 1:
        raise XMLError("only one numatune is supported")
    el = tunes[0] if tunes else None
    placement_static = dom.vcpus.placement == "static"
    mem_el = child(el, "memory") if el is not None else None
    modes = NUMATUNE_MODES_MODERN if ctx.modern else NUMATUNE_MODES
    mode: str | None = None
    placement: str | None = None
    nodeset = None
    if not placement_static and mem_el is None:
        placement = "auto"
    if mem_el is not None:
        mode = mem_el.get("mode")
        if mode is not None and mode not in modes:
            raise ConfigError(f"Unsupported NUMA memory tuning mode '{mode}'")
        placement = mem_el.get("placement")
        if placement is not None and placement not in ("static", "auto"):
            raise ConfigError(f"Unsupported NUMA memory placement mode '{placement}'")
        ns = mem_el.get("nodeset")
        if ns is not None:
            nodeset = parse_bitmap(ns, "nodeset")
            if not nodeset:
                raise XMLError(f"Invalid value of 'nodeset': {shorten(ns)}",
                               code="unsupported configuration")
    tune = Numatune()
    if mode is not None or placement is not None or nodeset is not None:
        tune.mode = mode or "strict"
        if nodeset is not None:
            tune.nodeset = nodeset
            if placement is None:
                placement = "static"
        if placement is None:
            placement = "static" if placement_static else "auto"
        if placement == "static" and tune.nodeset is None:
            raise XMLError("nodeset for NUMA memory tuning must be set if 'placement' is 'static'",
                           code="unsupported configuration")
        if placement == "auto":
            tune.nodeset = None
        tune.placement = placement
        tune.memory_set = True
    if el is not None:
        memnodes = children(el, "memnode")
        if memnodes:
            if tune.memory_set and tune.placement == "auto":
                raise ConfigError(
                    "Per-node binding is not compatible with automatic NUMA placement."
                )
            ncells = len(dom.cpu.cells) if dom.cpu else 0
            if not ncells:
                raise XMLError("Element 'memnode' is invalid without any guest NUMA cells")
            seen: dict[int, MemNode] = {}
            for mn in memnodes:
                cid_s = mn.get("cellid")
                if cid_s is None:
                    raise XMLError("Missing required cellid attribute in memnode element")
                cid = uint_value(cid_s, "memnode cellid")
                assert cid is not None
                if cid >= ncells:
                    raise XMLError(
                        "Argument 'cellid' in memnode element must correspond "
                        "to existing guest's NUMA cell"
                    )
                if cid in seen:
                    raise XMLError(f"Multiple memnode elements with cellid {cid}")
                mmode = mn.get("mode", "strict")
                if mmode not in modes:
                    raise XMLError("Invalid mode attribute in memnode element")
                if tune.mode == "restrictive" and mmode != "restrictive":
                    raise XMLError("'restrictive' mode is required in memnode element "
                                   "when mode is 'restrictive' in memory element")
                ns = mn.get("nodeset")
                if ns is None:
                    raise XMLError("Missing required nodeset attribute in memnode element")
                bits = parse_bitmap(ns, "nodeset")
                if not bits:
                    raise XMLError(f"Invalid value of 'nodeset': {shorten(ns)}",
                                   code="unsupported configuration")
                seen[cid] = MemNode(cid, mmode, bits)
            tune.memnodes = [seen[k] for k in sorted(seen)]
    if tune.memory_set or tune.memnodes:
        dom.numatune = tune
    # Automatic memory placement makes vCPU placement automatic too, unless
    # the vCPUs are pinned explicitly.
    t = dom.cputune
    if (
        tune.memory_set and tune.placement == "auto" and dom.vcpus.cpuset is None
        and not t.vcpupins and t.emulatorpin is None and not t.iothreadpins
    ):
        dom.vcpus.placement = "auto"
