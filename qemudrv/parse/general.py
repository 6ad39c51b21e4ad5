"""The general sections of <domain> (virDomainDefParseXML, libvirt 1.3.1).

Each ``parse_*`` function reads one section into the domain; they run in
libvirt's order so the first invalid section reports its error.
"""

from __future__ import annotations

import copy
import re
import uuid as uuidlib

from lxml import etree

from ..bitmap import parse_bitmap
from ..errors import ConfigError, XMLError
from ..model.domain import Domain
from ..model.general import (
    CPU,
    BlkioDevice,
    Clock,
    CPUFeature,
    Hugepage,
    HypervFeatures,
    IdMapEntry,
    IOThread,
    Keywrap,
    Loader,
    MemNode,
    NumaCell,
    Numatune,
    QemuCommandline,
    SchedGroup,
    SecLabel,
    Sysinfo,
    SysinfoEntry,
    Timer,
    VcpuPin,
)
from ..xmlreader import (
    Element,
    child,
    child_text,
    children,
    elements,
    scale,
    text,
    where,
)
from .context import ParseContext

QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"

VIRT_TYPES = (
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
    "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve",
)
OS_TYPES = ("hvm", "xen", "linux", "exe", "uml")
BOOT_DEVS = ("fd", "cdrom", "hd", "network")
LIFECYCLE = ("destroy", "restart", "rename-restart", "preserve")
CRASH = LIFECYCLE + ("coredump-destroy", "coredump-restart")
LOCKFAILURE = ("default", "poweroff", "restart", "pause", "ignore")
NUMATUNE_MODES = ("strict", "preferred", "interleave")
TIMER_NAMES = ("platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock")
FEATURES = (
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "capabilities", "pmu", "vmport", "gic",
)
SCHED_POLICIES = ("batch", "idle", "fifo", "rr")
CPU_MODES = ("custom", "host-model", "host-passthrough")
CPU_MATCHES = ("minimum", "exact", "strict")
CPU_POLICIES = ("force", "require", "optional", "disable", "forbid")
MEM_ACCESS = ("shared", "private")


# -- small helpers ----------------------------------------------------------


def _uint(value: str | None, what: str, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        n = int(value.strip(), 10)
    except ValueError:
        raise XMLError(f"invalid value '{value}' for {what}") from None
    if n < 0:
        raise XMLError(f"invalid value '{value}' for {what}")
    return n


def _int(value: str | None, what: str, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        return int(value.strip(), 10)
    except ValueError:
        raise XMLError(f"invalid value '{value}' for {what}") from None


def _tristate(value: str | None, what: str, true: str = "yes", false: str = "no") -> bool | None:
    if value is None:
        return None
    if value == true:
        return True
    if value == false:
        return False
    raise XMLError(f"invalid value '{value}' for {what}")


def _memory_limit(ctx: ParseContext) -> int:
    return int(ctx.caps.host.get("memory_max_value", 2**63 - 1))


def parse_memory_value(
    el: Element | None, ctx: ParseContext, *, required: bool = False, capped: bool = True,
    value: str | None = None, unit: str | None = None, what: str | None = None,
) -> int | None:
    """virDomainParseMemory: a size with an optional unit, in KiB rounded up.

    Sizes whose byte count exceeds the limit (LLONG_MAX when capped,
    ULLONG_MAX otherwise) are rejected.
    """
    name = what or (where(el) if el is not None else "memory")
    if value is None:
        if el is None:
            if required:
                raise XMLError(f"missing element {name}")
            return None
        value = (el.text or "").strip()
        unit = el.get("unit")
    if not value:
        if required:
            raise XMLError(f"missing element {name}")
        return None
    try:
        number = int(value, 10)
    except ValueError:
        raise XMLError(f"Invalid value '{value}' for element or attribute '{name}'") from None
    if number < 0:
        raise XMLError(f"Invalid value '{value}' for element or attribute '{name}'")
    size = scale(number, unit, 1024, name)
    limit = _memory_limit(ctx) if capped else 2**64 - 1
    if size > limit:
        raise XMLError(f"value too large for element or attribute '{name}': {value}")
    return -(-size // 1024)


def _limit_value(el: Element | None, ctx: ParseContext) -> int | None:
    """virDomainParseMemoryLimit: like memory, unlimited values kept."""
    if el is None:
        return None
    return parse_memory_value(el, ctx, capped=False)


# -- sections ---------------------------------------------------------------


def parse_header(root: Element, dom: Domain, ctx: ParseContext) -> None:
    virt_type = root.get("type")
    if virt_type is None:
        raise XMLError("missing domain type attribute")
    if virt_type not in VIRT_TYPES:
        raise XMLError(f"invalid domain type {virt_type}")
    dom.virt_type = virt_type
    dom.id = None
    if not ctx.inactive and root.get("id") is not None:
        dom.id = _int(root.get("id"), "domain id")
    name = child_text(root, "name")
    if not name:
        raise XMLError("missing name information")
    dom.name = name
    raw_uuid = child_text(root, "uuid")
    if raw_uuid is None:
        dom.uuid = str(uuidlib.uuid4())
    else:
        dom.uuid = _parse_uuid(raw_uuid)
    dom.title = child_text(root, "title")
    if dom.title is not None and "\n" in dom.title:
        raise XMLError("Domain title can't contain newlines")
    dom.description = child_text(root, "description")
    dom.metadata = _parse_metadata(child(root, "metadata"))


def _parse_uuid(raw: str) -> str:
    """virUUIDParse: 32 hex digits, dashes and surrounding blanks ignored."""
    digits = re.sub(r"-", "", raw.strip())
    if not re.fullmatch(r"[0-9a-fA-F]{32}", digits):
        raise XMLError("malformed uuid element")
    d = digits.lower()
    return f"{d[0:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:32]}"


def _parse_metadata(el: Element | None) -> Element | None:
    """A detached copy of <metadata>; children without a namespace are
    dropped and whitespace-only text removed (xmlKeepBlanksDefault(0))."""
    if el is None:
        return None
    meta = copy.deepcopy(el)
    meta.tail = None
    seen: set[str] = set()
    for c in list(meta):
        ns = etree.QName(c).namespace if isinstance(c.tag, str) else None
        # Children without a namespace are dropped; of several children in
        # one namespace only the first is kept.
        if ns is None or ns in seen:
            meta.remove(c)
        else:
            seen.add(ns)
    for node in meta.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node is not meta and node.tail is not None and not node.tail.strip():
            node.tail = None
    if meta.text is not None and not meta.text.strip():
        meta.text = None
    return meta


def parse_memory(root: Element, dom: Domain, ctx: ParseContext) -> None:
    mem = dom.memory
    mem_el = child(root, "memory")
    has_numa = _has_numa_cells(root)
    total = parse_memory_value(mem_el, ctx, required=not has_numa, what="./memory[1]")
    mem.total = total or 0
    if mem_el is not None and mem_el.get("dumpCore") is not None:
        mem.dump_core = _tristate(mem_el.get("dumpCore"), "memory dumpCore", "on", "off")
    max_el = child(root, "maxMemory")
    if max_el is not None:
        mem.max_memory = parse_memory_value(max_el, ctx, what="./maxMemory[1]") or 0
        slots = max_el.get("slots")
        if slots is None:
            raise XMLError("Failed to parse memory slot count")
        mem.slots = _uint(slots, "memory slot count") or 0
    cur = parse_memory_value(child(root, "currentMemory"), ctx, what="./currentMemory[1]")
    mem.cur_balloon = cur or 0

    backing = child(root, "memoryBacking")
    if backing is not None:
        _parse_memory_backing(backing, dom, ctx)

    tune = child(root, "memtune")
    if tune is not None:
        mem.hard_limit = _limit_value(child(tune, "hard_limit"), ctx)
        mem.soft_limit = _limit_value(child(tune, "soft_limit"), ctx)
        mem.min_guarantee = _limit_value(child(tune, "min_guarantee"), ctx)
        mem.swap_hard_limit = _limit_value(child(tune, "swap_hard_limit"), ctx)


def _has_numa_cells(root: Element) -> bool:
    cpu = child(root, "cpu")
    numa = child(cpu, "numa") if cpu is not None else None
    return numa is not None and child(numa, "cell") is not None


def _parse_memory_backing(el: Element, dom: Domain, ctx: ParseContext) -> None:
    mem = dom.memory
    hp = child(el, "hugepages")
    if hp is not None:
        pages = children(hp, "page")
        if pages:
            for page in pages:
                size_s = page.get("size")
                if size_s is None:
                    raise XMLError("missing hugepage size")
                size = parse_memory_value(
                    None, ctx, value=size_s, unit=page.get("unit"), what="hugepage size"
                )
                if not size:
                    raise XMLError("hugepage size can't be zero")
                nodeset = None
                if page.get("nodeset") is not None:
                    nodeset = parse_bitmap(page.get("nodeset") or "", "nodeset")
                    if not nodeset:
                        raise XMLError(f"Invalid value of 'nodeset': {page.get('nodeset')}")
                mem.hugepages.append(Hugepage(size, nodeset))
            # A page without a nodeset is the default for the other nodes;
            # only one may exist.
            defaults = [p for p in mem.hugepages if p.nodeset is None]
            if len(defaults) > 1:
                raise XMLError("Specifying hugepages without nodeset more than once is not allowed")
            for i, a in enumerate(mem.hugepages):
                for b in mem.hugepages[i + 1:]:
                    if a.nodeset and b.nodeset and a.nodeset & b.nodeset:
                        raise XMLError("nodeset attribute of hugepages of sizes overlap")
        else:
            mem.hugepages.append(Hugepage(0, None))
    if child(el, "nosharepages") is not None:
        mem.nosharepages = True
    if child(el, "locked") is not None:
        mem.locked = True


def parse_blkiotune(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "blkiotune")
    if el is None:
        return
    weight = child_text(el, "weight")
    dom.blkiotune.weight = _uint(weight, "blkiotune weight", 0) or 0
    seen: set[str] = set()
    for dev in children(el, "device"):
        path = child_text(dev, "path")
        if path is None:
            raise XMLError("missing per-device path")
        if path in seen:
            raise XMLError(f"duplicate blkio device path '{path}'")
        seen.add(path)
        bd = BlkioDevice(path)
        for name, attr in (
            ("weight", "weight"), ("read_iops_sec", "riops"), ("write_iops_sec", "wiops"),
            ("read_bytes_sec", "rbps"), ("write_bytes_sec", "wbps"),
        ):
            value = child_text(dev, name)
            if value is not None:
                setattr(bd, attr, _uint(value, f"device {name}"))
        dom.blkiotune.devices.append(bd)


def parse_vcpus(root: Element, dom: Domain, ctx: ParseContext) -> None:
    v = dom.vcpus
    el = child(root, "vcpu")
    if el is None:
        v.max = v.current = 1
        return
    raw = text(el)
    if raw is not None:
        n = _uint(raw, "maximum vcpus count")
        if not n:
            raise XMLError("Invalid maximum number of vCPUs")
        v.max = n
    else:
        v.max = 1
    cur = el.get("current")
    if cur is not None:
        c = _uint(cur, "current vcpus count")
        if not c:
            raise XMLError("Invalid current vcpus count")
        if v.max < c:
            raise XMLError("maxvcpus must not be less than current vcpus")
        v.current = c
    else:
        v.current = v.max
    placement = el.get("placement")
    if placement is not None:
        if placement not in ("static", "auto"):
            raise XMLError(f"Unsupported CPU placement mode '{placement}'")
        v.placement = placement
        v.placement_set = True
    if v.placement != "auto" and el.get("cpuset") is not None:
        cpuset = parse_bitmap(el.get("cpuset") or "", "cpuset")
        if not cpuset:
            raise XMLError(f"Invalid value of 'cpuset': {el.get('cpuset')}")
        v.cpuset = cpuset


def parse_iothreads(root: Element, dom: Domain, ctx: ParseContext) -> None:
    count_s = child_text(root, "iothreads")
    count = _uint(count_s, "iothreads count", 0) or 0
    ids_el = child(root, "iothreadids")
    threads: list[IOThread] = []
    if ids_el is not None:
        nodes = children(ids_el, "iothread")
        if len(nodes) > count:
            count = len(nodes)
        for n in nodes:
            id_s = n.get("id")
            if id_s is None:
                raise XMLError("Missing 'id' attribute in <iothread> element")
            tid = _uint(id_s, "iothread 'id'")
            if not tid:
                raise XMLError("invalid iothread 'id' value '0'")
            if any(t.id == tid for t in threads):
                raise XMLError(f"duplicate iothread id '{tid}' found")
            threads.append(IOThread(tid))
    # Missing ids are filled from 1 upwards, skipping used ones.
    next_id = 1
    while len(threads) < count:
        while any(t.id == next_id for t in threads):
            next_id += 1
        threads.append(IOThread(next_id, autofill=True))
        next_id += 1
    dom.iothreads = threads


def _sched_group(el: Element, attr: str, what: str) -> SchedGroup:
    ids_s = el.get(attr)
    if ids_s is None:
        raise XMLError(f"Missing attribute '{attr}' in element '{what}'")
    ids = parse_bitmap(ids_s, attr)
    if not ids:
        raise XMLError(f"Invalid value of '{attr}': {ids_s}")
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
        priority = _int(p, "scheduler priority")
    return SchedGroup(ids, policy, priority)


def parse_cputune(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "cputune")
    t = dom.cputune
    if el is None:
        return
    shares = child_text(el, "shares")
    if shares is not None:
        t.shares = _uint(shares, "cputune shares")
    period = child_text(el, "period")
    if period is not None:
        t.period = _uint(period, "cputune period")
        if t.period and not 1000 <= t.period <= 1000000:
            raise XMLError("Value of cputune period must be in range [1000, 1000000]")
    quota = child_text(el, "quota")
    if quota is not None:
        t.quota = _int(quota, "cputune quota")
        if t.quota and t.quota > 0 and not 1000 <= t.quota <= 18446744073709551:
            raise XMLError("Value of cputune quota must be in range [1000, 18446744073709551]")
    ep = child_text(el, "emulator_period")
    if ep is not None:
        t.emulator_period = _uint(ep, "cputune emulator_period")
    eq = child_text(el, "emulator_quota")
    if eq is not None:
        t.emulator_quota = _int(eq, "cputune emulator_quota")

    for pin in children(el, "vcpupin"):
        vcpu = _uint(pin.get("vcpu"), "vcpupin vcpu")
        if vcpu is None:
            raise XMLError("vcpu id must be an unsigned integer or -1")
        if vcpu >= dom.vcpus.max:
            raise XMLError("vcpupin vcpu id is out of range")
        cpuset_s = pin.get("cpuset")
        if cpuset_s is None:
            raise XMLError("missing cpuset for vcpupin")
        if any(p.id == vcpu for p in t.vcpupins):
            raise XMLError("duplicate vcpupin for same vcpu")
        t.vcpupins.append(VcpuPin(vcpu, parse_bitmap(cpuset_s, "cpuset")))

    emu = children(el, "emulatorpin")
    if len(emu) > 1:
        raise XMLError("only one emulatorpin is supported")
    if emu:
        cpuset_s = emu[0].get("cpuset")
        if cpuset_s is None:
            raise XMLError("missing cpuset for emulatorpin")
        t.emulatorpin = parse_bitmap(cpuset_s, "cpuset")

    for pin in children(el, "iothreadpin"):
        tid_s = pin.get("iothread")
        if tid_s is None:
            raise XMLError("missing iothread id in iothreadpin")
        tid = _uint(tid_s, "iothreadpin iothread")
        if not tid:
            raise XMLError("zero is an invalid iothread id value")
        if not any(th.id == tid for th in dom.iothreads):
            raise XMLError(f"Cannot find 'iothread' : {tid}")
        if any(p.id == tid for p in t.iothreadpins):
            raise XMLError("duplicate iothreadpin for same iothread")
        cpuset_s = pin.get("cpuset")
        if cpuset_s is None:
            raise XMLError("missing cpuset for iothreadpin")
        t.iothreadpins.append(VcpuPin(tid, parse_bitmap(cpuset_s, "cpuset")))
    order = {th.id: i for i, th in enumerate(dom.iothreads)}
    t.iothreadpins.sort(key=lambda p: order.get(p.id, 0))

    for s in children(el, "vcpusched"):
        g = _sched_group(s, "vcpus", "vcpusched")
        for other in t.vcpusched:
            if other.ids & g.ids:
                raise XMLError("vcpusched attributes 'vcpus' must not overlap")
        t.vcpusched.append(g)
    for s in children(el, "iothreadsched"):
        g = _sched_group(s, "iothreads", "iothreadsched")
        for tid in g.ids:
            if not any(th.id == tid for th in dom.iothreads):
                raise XMLError(f"Cannot find 'iothread' : {tid}")
        for other in t.iothreadsched:
            if other.ids & g.ids:
                raise XMLError("iothreadsched attributes 'iothreads' must not overlap")
        t.iothreadsched.append(g)


def parse_cpu_numa(root: Element, dom: Domain, ctx: ParseContext) -> None:
    """<cpu> (model, topology, features) and its <numa> cells."""
    el = child(root, "cpu")
    if el is None:
        return
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
            n = _uint(s, f"'{name}' attribute in CPU topology")
            if not n:
                raise XMLError(f"Invalid '{name}' value in CPU topology")
            setattr(cpu, name, n)
    feats = children(el, "feature")
    if feats and cpu.model is None and cpu.mode == "custom":
        raise XMLError("Non-empty feature list specified without CPU model")
    for f in feats:
        name = f.get("name")
        if name is None:
            raise XMLError("Invalid CPU feature name")
        policy = f.get("policy", "require")
        if policy not in CPU_POLICIES:
            raise XMLError(f"Invalid CPU feature policy '{policy}'")
        if any(x.name == name for x in cpu.features):
            raise XMLError(f"CPU feature '{name}' specified more than once")
        cpu.features.append(CPUFeature(name, policy))
    if cpu.sockets and dom.vcpus.max > cpu.sockets * cpu.cores * cpu.threads:
        raise XMLError("Maximum CPUs greater than topology limit")
    numa = child(el, "numa")
    if numa is not None:
        cpu.cells = _parse_numa_cells(numa, ctx)
        if sum(len(c.cpus) for c in cpu.cells) > dom.vcpus.max:
            raise XMLError("Number of CPUs in <numa> exceeds the <vcpu> count")
    dom.cpu = cpu


def _parse_numa_cells(el: Element, ctx: ParseContext) -> list[NumaCell]:
    nodes = children(el, "cell")
    if not nodes:
        raise XMLError("NUMA topology defined without NUMA cells")
    n = len(nodes)
    cells: dict[int, NumaCell] = {}
    for i, node in enumerate(nodes):
        cid = _uint(node.get("id"), "cell id", i)
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
        for other_id, other in cells.items():
            if other.cpus & cpus:
                raise XMLError(f"NUMA cells {cid} and {other_id} have overlapping vCPU ids")
        mem = parse_memory_value(
            None, ctx, value=node.get("memory"), unit=node.get("unit"),
            required=True, what="./@memory",
        )
        access = node.get("memAccess")
        if access is not None and access not in MEM_ACCESS:
            raise XMLError(f"Invalid 'memAccess' attribute value '{access}'")
        cells[cid] = NumaCell(cid, cpus, mem or 0, access)
    return [cells[i] for i in sorted(cells)]


def parse_numatune(root: Element, dom: Domain, ctx: ParseContext) -> None:
    tunes = children(root, "numatune")
    if len(tunes) > 1:
        raise XMLError("only one numatune is supported")
    el = tunes[0] if tunes else None
    placement_static = dom.vcpus.placement == "static"
    mem_el = child(el, "memory") if el is not None else None
    mode: str | None = None
    placement: str | None = None
    nodeset = None
    if not placement_static and mem_el is None:
        placement = "auto"
    if mem_el is not None:
        mode = mem_el.get("mode")
        if mode is not None and mode not in NUMATUNE_MODES:
            raise ConfigError(f"Unsupported NUMA memory tuning mode '{mode}'")
        placement = mem_el.get("placement")
        if placement is not None and placement not in ("static", "auto"):
            raise ConfigError(f"Unsupported NUMA memory placement mode '{placement}'")
        ns = mem_el.get("nodeset")
        if ns is not None:
            nodeset = parse_bitmap(ns, "nodeset")
            if not nodeset:
                raise XMLError(f"Invalid value of 'nodeset': {ns}")
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
            raise XMLError("nodeset for NUMA memory tuning must be set if 'placement' is 'static'")
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
                cid = _uint(cid_s, "memnode cellid")
                assert cid is not None
                if cid >= ncells:
                    raise XMLError(
                        "Argument 'cellid' in memnode element must correspond "
                        "to existing guest's NUMA cell"
                    )
                if cid in seen:
                    raise XMLError(f"Multiple memnode elements with cellid {cid}")
                mmode = mn.get("mode", "strict")
                if mmode not in NUMATUNE_MODES:
                    raise XMLError("Invalid mode attribute in memnode element")
                ns = mn.get("nodeset")
                if ns is None:
                    raise XMLError("Missing required nodeset attribute in memnode element")
                bits = parse_bitmap(ns, "nodeset")
                if not bits:
                    raise XMLError(f"Invalid value of 'nodeset': {ns}")
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


def parse_resource(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "resource")
    if el is None:
        return
    part = child_text(el, "partition")
    if part is None:
        raise XMLError("missing resource partition attribute")
    dom.resource_partition = part


def parse_idmap(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "idmap")
    if el is None:
        return
    for tagname, target in (("uid", dom.uidmap), ("gid", dom.gidmap)):
        for e in children(el, tagname):
            try:
                entry = IdMapEntry(
                    int(e.get("start", "")), int(e.get("target", "")), int(e.get("count", ""))
                )
            except ValueError:
                raise XMLError("invalid idmap start/target/count settings") from None
            target.append(entry)
        target.sort(key=lambda m: m.start)
    if (dom.uidmap and dom.uidmap[0].start != 0) or (dom.gidmap and dom.gidmap[0].start != 0):
        raise XMLError("You must map the root user of container")


def parse_sysinfo(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "sysinfo")
    if el is None:
        return
    stype = el.get("type")
    if stype is None:
        raise XMLError("sysinfo must contain a type attribute")
    if stype != "smbios":
        raise XMLError(f"unknown sysinfo type '{stype}'")
    info = Sysinfo(stype)
    bios = child(el, "bios")
    if bios is not None:
        info.bios = _sysinfo_entries(bios, ("vendor", "version", "date", "release"))
        for e in info.bios:
            if e.name == "date" and not re.fullmatch(r"\d{2}/\d{2}/(\d{2}|\d{4})", e.value):
                raise XMLError("Invalid BIOS 'date' format")
    system = child(el, "system")
    if system is not None:
        info.system = _sysinfo_entries(
            system,
            ("manufacturer", "product", "version", "serial", "uuid", "sku", "family"),
        )
        for e in info.system:
            if e.name == "uuid" and dom.uuid is not None:
                if _parse_uuid(e.value) != dom.uuid:
                    raise XMLError("UUID mismatch between <uuid> and <sysinfo>")
    for bb in children(el, "baseBoard"):
        info.base_boards.append(
            _sysinfo_entries(
                bb, ("manufacturer", "product", "version", "serial", "asset", "location")
            )
        )
    dom.sysinfo = info


def _sysinfo_entries(el: Element, order: tuple[str, ...]) -> list[SysinfoEntry]:
    found: dict[str, str] = {}
    for e in children(el, "entry"):
        name = e.get("name")
        value = text(e)
        if name in order and value is not None and name not in found:
            found[name] = value
    return [SysinfoEntry(n, found[n]) for n in order if n in found]


def parse_os(root: Element, dom: Domain, ctx: ParseContext) -> None:
    os_el = child(root, "os")
    os_ = dom.os
    type_el = child(os_el, "type") if os_el is not None else None
    os_type = text(type_el)
    if os_type is None:
        raise XMLError("an os <type> must be specified")
    os_type = os_type.strip()
    if os_type not in OS_TYPES:
        raise XMLError(f"unknown OS type '{os_type}'")
    if os_type == "linux":
        os_type = "xen"
    os_.type = os_type
    assert type_el is not None
    os_.arch = type_el.get("arch")
    os_.machine = type_el.get("machine")
    os_.bootloader = child_text(root, "bootloader")
    os_.bootloader_args = child_text(root, "bootloader_args")
    assert os_el is not None
    if os_type in ("exe",):
        os_.init = child_text(os_el, "init")
        os_.initargs = [text(a) or "" for a in children(os_el, "initarg")]
    if os_type in ("xen", "hvm", "uml"):
        os_.kernel = child_text(os_el, "kernel")
        os_.initrd = child_text(os_el, "initrd")
        os_.cmdline = child_text(os_el, "cmdline")
        os_.dtb = child_text(os_el, "dtb")
        os_.root = child_text(os_el, "root")
        loader_el = child(os_el, "loader")
        nvram_el = child(os_el, "nvram")
        if loader_el is not None:
            loader = Loader()
            loader.readonly = _tristate(loader_el.get("readonly"), "loader readonly")
            ltype = loader_el.get("type")
            if ltype is not None and ltype not in ("rom", "pflash"):
                raise XMLError(f"unknown type value: {ltype}")
            loader.type = ltype
            loader.path = text(loader_el)
            if nvram_el is not None:
                loader.nvram = text(nvram_el)
                loader.nvram_template = nvram_el.get("template")
            os_.loader = loader
    if os_type == "hvm":
        _parse_boot(os_el, dom, ctx)
        smbios = child(os_el, "smbios")
        if smbios is not None:
            mode = smbios.get("mode")
            if mode is None:
                raise XMLError("missing mode for smbios")
            if mode not in ("emulate", "host", "sysinfo"):
                raise XMLError(f"unknown smbios mode '{mode}'")
            if mode == "sysinfo" and dom.sysinfo is None:
                raise XMLError("smbios mode 'sysinfo' requires sysinfo data")
            os_.smbios_mode = mode


def _parse_boot(os_el: Element, dom: Domain, ctx: ParseContext) -> None:
    os_ = dom.os
    for b in children(os_el, "boot")[:4]:
        dev = b.get("dev")
        if dev is None:
            raise XMLError("missing boot device")
        if dev not in BOOT_DEVS:
            raise XMLError(f"unknown boot device '{dev}'")
        os_.boot_devs.append(dev)
    menu = child(os_el, "bootmenu")
    if menu is not None:
        enable = menu.get("enable")
        if enable is not None:
            os_.bootmenu = _tristate(enable, "bootmenu enable") if enable in ("yes", "no") else None
        timeout = menu.get("timeout")
        if timeout is not None and os_.bootmenu:
            try:
                t = int(timeout, 10)
            except ValueError:
                t = -1
            if t < 0 or t > 65535:
                raise XMLError("invalid value for boot menu timeout, must be in range [0,65535]")
            os_.bm_timeout = t
    bios = child(os_el, "bios")
    if bios is not None:
        us = bios.get("useserial")
        if us is not None:
            os_.bios_useserial = True if us == "yes" else False
        rt = bios.get("rebootTimeout")
        if rt is not None:
            try:
                v = int(rt, 10)
            except ValueError:
                v = -2
            if v < -1 or v > 65535:
                raise XMLError(
                    "invalid value for rebootTimeout, must be in range [-1,65535]"
                )
            os_.reboot_timeout = v
    if not os_.boot_devs and not ctx.boot_orders:
        # virDomainDefParseBootOptions: hd when neither <boot> nor per-device
        # boot order is given; per-device order is checked after devices.
        pass


def parse_features(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "features")
    if el is None:
        return
    f = dom.features
    for node in elements(el):
        name = str(node.tag)
        if name not in FEATURES:
            raise XMLError(f"unexpected feature '{name}'")
        if name in ("acpi", "pae", "hap", "viridian", "privnet"):
            f.flags[name] = True
        elif name == "apic":
            f.flags[name] = True
            eoi = node.get("eoi")
            if eoi is not None:
                f.apic_eoi = _tristate(eoi, "apic eoi", "on", "off")
        elif name in ("pvspinlock", "pmu", "vmport"):
            state = node.get("state")
            if state is None:
                f.flags[name] = True
            else:
                v = _tristate(state, f"{name} state", "on", "off")
                assert v is not None
                f.flags[name] = v
        elif name == "hyperv":
            f.flags[name] = True
            _parse_hyperv(node, f.hyperv)
        elif name == "kvm":
            f.flags[name] = True
            for k in elements(node):
                if k.tag != "hidden":
                    raise XMLError(f"unsupported KVM feature: {k.tag}")
                state = k.get("state")
                if state is None:
                    raise XMLError(f"missing 'state' attribute for KVM feature '{k.tag}'")
                f.kvm_hidden = _tristate(state, "kvm hidden state", "on", "off")
        elif name == "capabilities":
            f.flags[name] = True
            policy = node.get("policy", "default")
            if policy not in ("default", "allow", "deny"):
                raise XMLError(f"unknown policy attribute '{policy}' of feature capabilities")
            f.capabilities_policy = policy
            for c in elements(node):
                state = c.get("state")
                f.caps[str(c.tag)] = state != "off"
        elif name == "gic":
            f.flags[name] = True
            ver = node.get("version")
            if ver is not None:
                try:
                    if int(ver) <= 0:
                        raise ValueError
                except ValueError:
                    raise XMLError(f"malformed gic version: {ver}") from None
                f.gic_version = ver


def _parse_hyperv(node: Element, hv: HypervFeatures) -> None:
    for h in elements(node):
        name = str(h.tag)
        if name not in ("relaxed", "vapic", "spinlocks"):
            raise XMLError(f"unsupported HyperV Enlightenment feature: {name}")
        state = h.get("state")
        if state is None:
            raise XMLError(f"missing 'state' attribute for HyperV Enlightenment feature '{name}'")
        value = _tristate(state, f"HyperV Enlightenment feature '{name}'", "on", "off")
        setattr(hv, name, value)
        if name == "spinlocks" and value:
            retries = h.get("retries")
            if retries is None:
                raise XMLError("missing HyperV spinlock retry count")
            n = _uint(retries, "HyperV spinlock retry count")
            assert n is not None
            if n < 0xFFF:
                raise XMLError("HyperV spinlock retry count must be at least 4095")
            hv.retries = n


def parse_clock(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "clock")
    clock = Clock()
    dom.clock = clock
    if el is None:
        return
    offset = el.get("offset", "utc")
    if offset not in ("utc", "localtime", "variable", "timezone"):
        raise XMLError(f"unknown clock offset '{offset}'")
    clock.offset = offset
    adj = el.get("adjustment")
    if offset in ("utc", "localtime"):
        if adj is not None:
            if adj == "reset":
                clock.adjustment_set = True
            else:
                try:
                    clock.adjustment = int(adj, 10)
                except ValueError:
                    raise XMLError(f"unknown clock adjustment '{adj}'") from None
                # A numeric adjustment turns the clock into a variable one.
                clock.basis = "utc" if offset == "utc" else "localtime"
                clock.offset = "variable"
    elif offset == "variable":
        if adj is None:
            clock.adjustment = 0
        else:
            try:
                clock.adjustment = int(adj, 10)
            except ValueError:
                raise XMLError(f"unknown clock adjustment '{adj}'") from None
        basis = el.get("basis", "utc")
        if basis not in ("utc", "localtime"):
            raise XMLError(f"unknown clock basis '{basis}'")
        clock.basis = basis
    elif offset == "timezone":
        tz = el.get("timezone")
        if tz is None:
            raise XMLError("missing 'timezone' attribute for clock with offset='timezone'")
        clock.timezone = tz
    for t in children(el, "timer"):
        clock.timers.append(_parse_timer(t))


def _parse_timer(el: Element) -> Timer:
    name = el.get("name")
    if name is None:
        raise XMLError("missing timer name")
    if name not in TIMER_NAMES:
        raise XMLError(f"unknown timer name '{name}'")
    t = Timer(name)
    present = el.get("present")
    if present is not None:
        t.present = _tristate(present, "timer present")
    tp = el.get("tickpolicy")
    if tp is not None:
        if tp not in ("delay", "catchup", "merge", "discard"):
            raise XMLError(f"unknown timer tickpolicy '{tp}'")
        t.tickpolicy = tp
    track = el.get("track")
    if track is not None:
        if track not in ("boot", "guest", "wall"):
            raise XMLError(f"unknown timer track '{track}'")
        t.track = track
    freq = el.get("frequency")
    if freq is not None:
        try:
            t.frequency = int(freq, 10)
        except ValueError:
            raise XMLError("invalid timer frequency") from None
    mode = el.get("mode")
    if mode is not None:
        if mode not in ("auto", "native", "emulate", "paravirt", "smpsafe"):
            raise XMLError(f"unknown timer mode '{mode}'")
        t.mode = mode
    cu = child(el, "catchup")
    if cu is not None:
        for attr in ("threshold", "slew", "limit"):
            v = cu.get(attr)
            if v is not None:
                n = _uint(v, f"timer catchup {attr}")
                setattr(t, f"catchup_{attr}", n)
    return t


def parse_lifecycle(root: Element, dom: Domain, ctx: ParseContext) -> None:
    lc = dom.lifecycle
    lc.on_reboot = _action(root, "on_reboot", LIFECYCLE, "restart")
    lc.on_poweroff = _action(root, "on_poweroff", LIFECYCLE, "destroy")
    lc.on_crash = _action(root, "on_crash", CRASH, "destroy")
    lf = child_text(root, "on_lockfailure")
    if lf is not None:
        if lf not in LOCKFAILURE:
            raise XMLError(f"unknown on_lockfailure action: {lf}")
        lc.on_lockfailure = lf


def _action(root: Element, name: str, choices: tuple[str, ...], default: str) -> str:
    value = child_text(root, name)
    if value is None:
        return default
    if value not in choices:
        raise XMLError(f"unknown {name} action: {value}")
    return value


def parse_pm(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "pm")
    if el is None:
        return
    for tagname, attr in (("suspend-to-mem", "s3"), ("suspend-to-disk", "s4")):
        node = child(el, tagname)
        if node is None:
            continue
        enabled = node.get("enabled")
        if enabled is None:
            continue
        v = _tristate(enabled, f"{tagname} enabled")
        setattr(dom.pm, attr, v)


def parse_seclabels(root: Element, dom: Domain, ctx: ParseContext) -> None:
    nodes = children(root, "seclabel")
    labels: list[SecLabel] = []
    for node in nodes:
        labels.append(_parse_seclabel(node, ctx))
    models = [s.model for s in labels if s.model]
    if len(models) != len(set(models)):
        dup = next(m for m in models if models.count(m) > 1)
        raise XMLError(f"seclabel for model {dup} is already provided")
    if len(labels) > 1 and any(s.model is None for s in labels):
        raise XMLError("missing security model when using multiple labels")
    secmodels = ctx.caps.host.get("secmodels", ())
    if len(labels) == 1 and labels[0].model is None and secmodels:
        s = labels[0]
        if s.type == "none" or (s.type == "dynamic" and s.baselabel is None and ctx.inactive):
            s.model = str(secmodels[0].get("model"))
            if s.model == "none" and ctx.inactive:
                s.type = "none"
                s.relabel = False
        else:
            raise XMLError("missing security model in domain seclabel")
    dom.seclabels = labels


def _parse_seclabel(el: Element, ctx: ParseContext) -> SecLabel:
    s = SecLabel()
    stype = el.get("type")
    if stype is None:
        stype = "dynamic"
    if stype not in ("dynamic", "static", "none"):
        raise XMLError(f"invalid security type '{stype}'")
    s.type = stype
    if stype in ("static", "none"):
        s.relabel = False
    relabel = el.get("relabel")
    if relabel is not None:
        v = _tristate(relabel, "security relabel")
        assert v is not None
        s.relabel = v
        s.relabel_set = True
        if s.type == "dynamic" and not v:
            raise XMLError("dynamic label type must use resource relabeling")
        if s.type == "none" and v:
            raise XMLError("resource relabeling is not compatible with 'none' label type")
    s.model = el.get("model")
    # Live-only labels of dynamic seclabels are ignored in inactive documents.
    if s.type == "static" or (s.type == "dynamic" and not ctx.inactive):
        label = child_text(el, "label")
        if label is None and s.type == "static":
            raise XMLError("security label is missing")
        s.label = label
    if s.relabel and (s.type != "dynamic" or not ctx.inactive):
        s.imagelabel = child_text(el, "imagelabel")
        if s.imagelabel is None and s.type == "dynamic" and not ctx.inactive:
            pass
    if s.type == "dynamic":
        s.baselabel = child_text(el, "baselabel")
    return s


def parse_qemu_cmdline(root: Element, dom: Domain, ctx: ParseContext) -> None:
    nodes = children(root, f"{{{QEMU_NS}}}commandline")
    if not nodes:
        return
    cl = QemuCommandline()
    for node in nodes[:1]:
        for a in node:
            if a.tag == f"{{{QEMU_NS}}}arg":
                value = a.get("value")
                if value is None:
                    raise XMLError("No qemu command-line argument specified")
                cl.args.append(value)
        for e in node:
            if e.tag == f"{{{QEMU_NS}}}env":
                name = e.get("name")
                if name is None:
                    raise XMLError("No qemu environment name specified")
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    raise XMLError("Invalid environment name, it must begin with a letter or underscore")
                cl.env.append((name, e.get("value")))
    if cl.args or cl.env:
        dom.qemu_cmdline = cl


def parse_keywrap(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "keywrap")
    if el is None:
        return
    kw = Keywrap()
    for c in children(el, "cipher"):
        name = c.get("name")
        if name is None:
            raise XMLError("missing name for cipher")
        if name not in ("aes", "dea"):
            raise XMLError(f"{name} is not a supported cipher")
        state = c.get("state")
        if state is None:
            raise XMLError(f"missing state for cipher named {name}")
        v = _tristate(state, f"cipher {name} state", "on", "off")
        if getattr(kw, name) is not None:
            raise XMLError(f"A domain definition can have no more than one cipher node with name {name}")
        setattr(kw, name, v)
    dom.keywrap = kw
