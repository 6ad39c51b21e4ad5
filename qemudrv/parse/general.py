"""The general sections of <domain> (virDomainDefParseXML, libvirt 1.3.1).

Each ``parse_*`` function reads one section into the domain; they run in
libvirt's order so the first invalid section reports its error. This module
holds the header, memory, blkiotune, vCPU, IOThread, resource, idmap and
sysinfo sections; ``general_cpu`` and ``general_os`` hold the rest.
"""

from __future__ import annotations

import copy
import re
import uuid as uuidlib
from collections.abc import Sequence

from lxml import etree

from ..bitmap import parse_bitmap, shorten
from ..errors import XMLError
from ..limits import CPUMASK_LEN, CPUMASK_LEN_9_0, IOTHREADS_MAX, UINT_MAX, VCPUS_MAX
from ..model.domain import Domain
from ..model.general import (
    BlkioDevice,
    Hugepage,
    IdMapEntry,
    IOThread,
    Sysinfo,
    SysinfoEntry,
    VcpuState,
)
from ..xmlreader import Element, child, child_text, children, children_by_tag, indexed_text, text
from .context import ParseContext
from .general_values import int_value, parse_memory_value, tristate_value, uint_value
from .iothreads import parse_default_iothread, parse_pool
from .memory import parse_memory_backing_modern, prop_tristate
from .net_modern import prop_uint

VIRT_TYPES = (
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test",
    "vmware", "hyperv", "vbox", "phyp", "parallels", "bhyve",
)
# virDomainVirt of libvirt 9.0: Virtuozzo and macOS's Hypervisor.framework.
VIRT_TYPES_9_0 = (*VIRT_TYPES, "vz", "hvf")


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
    if virt_type not in (VIRT_TYPES_9_0 if ctx.modern else VIRT_TYPES):
        raise XMLError(f"invalid domain type {virt_type}")
    dom.virt_type = virt_type
    dom.id = None
    if not ctx.inactive and root.get("id") is not None:
        dom.id = int_value(root.get("id"), "domain id")
    kids = children_by_tag(root)  # read once for the header's elements
    name = indexed_text(kids, "name")
    if not name:
        raise XMLError("missing name information")
    dom.name = name
    raw_uuid = indexed_text(kids, "uuid")
    if raw_uuid is None:
        dom.uuid = str(uuidlib.uuid4())
    else:
        dom.uuid = _parse_uuid(raw_uuid)
    if ctx.modern:
        dom.genid = _parse_genid(kids.get("genid", ()), ctx)
    dom.title = indexed_text(kids, "title")
    if dom.title is not None and "\n" in dom.title:
        raise XMLError("Domain title can't contain newlines")
    dom.description = indexed_text(kids, "description")
    found = kids.get("metadata")
    dom.metadata = _parse_metadata(found[0]) if found else None


def _parse_genid(nodes: Sequence[Element], ctx: ParseContext) -> str | None:
    """<genid> (libvirt 9.0): the VM generation ID given, or generated when
    the element is empty. ``nodes``: the <genid> children of <domain>."""
    if len(nodes) > 1:
        raise XMLError("element 'genid' can only appear once")
    if not nodes:
        return None
    raw = text(nodes[0])
    if not raw:
        return _random_uuid(ctx)
    try:
        return _parse_uuid(raw)
    except XMLError:
        raise XMLError("malformed genid element", code="internal error") from None


_UUID_DIGITS = re.compile(r"[0-9a-fA-F]{32}")


def _parse_uuid(raw: str) -> str:
    """virUUIDParse: 32 hex digits, dashes and surrounding blanks ignored."""
    digits = raw.strip().replace("-", "")
    if not _UUID_DIGITS.fullmatch(digits):
        raise XMLError("malformed uuid element")
    d = digits.lower()
    return f"{d[0:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:32]}"


def _random_uuid(ctx: ParseContext) -> str:
    """virUUIDGenerate: a version 4 UUID from virRandomBytes, which libvirt's
    test mock makes byte i equal i."""
    mocked = "virrandom" in (ctx.caps.conf("mocks") or ()) and \
        ctx.caps.table("random").get("bytes") == "index"
    if not mocked:
        return str(uuidlib.uuid4())
    data = bytearray(range(16))
    data[6] = (data[6] & 0x0F) | 0x40
    data[8] = (data[8] & 0x3F) | 0x80
    return str(uuidlib.UUID(bytes=bytes(data)))


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


def _check_hugepage_sets(pages: list[Hugepage]) -> None:
    # A page without a nodeset is the default for the other nodes; only one
    # may exist.
    defaults = [p for p in pages if p.nodeset is None]
    if len(defaults) > 1:
        raise XMLError("Specifying hugepages without nodeset more than once is not allowed")
    for i, a in enumerate(pages):
        for b in pages[i + 1:]:
            if a.nodeset and b.nodeset and a.nodeset & b.nodeset:
                raise XMLError("nodeset attribute of hugepages of sizes overlap")


def parse_memory(root: Element, dom: Domain, ctx: ParseContext) -> None:
    mem = dom.memory
    kids = children_by_tag(root)  # read once for the memory sections
    found = kids.get("memory")
    mem_el = found[0] if found else None
    found = kids.get("cpu")
    has_numa = found is not None and _has_numa_cells(found[0])
    # 9.0 reads <memory> as optional and checks the size in post-parse.
    total = parse_memory_value(mem_el, ctx, required=not (has_numa or ctx.modern),
                               what="./memory[1]")
    mem.total = total or 0
    if mem_el is not None and mem_el.get("dumpCore") is not None:
        mem.dump_core = tristate_value(mem_el.get("dumpCore"), "memory dumpCore", "on", "off")
    found = kids.get("maxMemory")
    if found:
        max_el = found[0]
        mem.max_memory = parse_memory_value(max_el, ctx, what="./maxMemory[1]") or 0
        slots = max_el.get("slots")
        if slots is None:
            raise XMLError("Failed to parse memory slot count")
        mem.slots = uint_value(slots, "memory slot count") or 0
        if mem.slots > UINT_MAX:
            raise XMLError(f"invalid value '{slots}' for memory slot count")
    found = kids.get("currentMemory")
    cur = parse_memory_value(found[0] if found else None, ctx, what="./currentMemory[1]")
    mem.cur_balloon = cur or 0

    found = kids.get("memoryBacking")
    if found:
        _parse_memory_backing(found[0], dom, ctx)

    found = kids.get("memtune")
    if found:
        tune = found[0]
        mem.hard_limit = _limit_value(child(tune, "hard_limit"), ctx)
        mem.soft_limit = _limit_value(child(tune, "soft_limit"), ctx)
        mem.min_guarantee = _limit_value(child(tune, "min_guarantee"), ctx)
        mem.swap_hard_limit = _limit_value(child(tune, "swap_hard_limit"), ctx)


def _has_numa_cells(cpu: Element) -> bool:
    """Whether the domain's <cpu> has a <numa> with a <cell>."""
    numa = child(cpu, "numa")
    return numa is not None and child(numa, "cell") is not None


def _parse_memory_backing(el: Element, dom: Domain, ctx: ParseContext) -> None:
    mem = dom.memory
    hp = child(el, "hugepages")
    if hp is not None:
        pages = children(hp, "page")
        if pages:
            for page in pages:
                size_s = page.get("size")
                if size_s is None and not ctx.modern:
                    raise XMLError("missing hugepage size")
                # libvirt 9.0 names the attribute's XPath and reports a zero
                # size as a detail (no prefix).
                size = parse_memory_value(
                    None, ctx, value=size_s, unit=page.get("unit"), required=ctx.modern,
                    what="./@size" if ctx.modern else "hugepage size",
                )
                if not size:
                    raise XMLError("hugepage size can't be zero", code="" if ctx.modern else None)
                nodeset = None
                nodeset_s = page.get("nodeset")
                if nodeset_s is not None:
                    nodeset = parse_bitmap(nodeset_s, "nodeset")
                    if not nodeset:
                        raise XMLError(f"Invalid value of 'nodeset': {shorten(nodeset_s)}",
                                       code="unsupported configuration")
                mem.hugepages.append(Hugepage(size, nodeset))
            # 9.0 checks the page sets when validating the definition.
            if not ctx.modern:
                _check_hugepage_sets(mem.hugepages)
        else:
            mem.hugepages.append(Hugepage(0, None))
    if child(el, "nosharepages") is not None:
        mem.nosharepages = True
    if child(el, "locked") is not None:
        mem.locked = True
    if ctx.modern:
        parse_memory_backing_modern(el, dom)


def parse_blkiotune(root: Element, dom: Domain, ctx: ParseContext) -> None:
    el = child(root, "blkiotune")
    if el is None:
        return
    weight = child_text(el, "weight")
    dom.blkiotune.weight = uint_value(weight, "blkiotune weight", 0) or 0
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
                setattr(bd, attr, uint_value(value, f"device {name}"))
        dom.blkiotune.devices.append(bd)


def parse_vcpus(root: Element, dom: Domain, ctx: ParseContext) -> None:
    v = dom.vcpus
    el = child(root, "vcpu")
    if el is None:
        v.max = v.current = 1
        return
    raw = text(el)
    if raw is not None:
        n = uint_value(raw, "maximum vcpus count")
        if not n:
            raise XMLError("Invalid maximum number of vCPUs")
        if n > VCPUS_MAX:
            raise XMLError(f"maximum vcpus count {n} is above the limit of {VCPUS_MAX}")
        v.max = n
    else:
        v.max = 1
    cur = el.get("current")
    if cur is not None:
        c = uint_value(cur, "current vcpus count")
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
        cpuset = parse_bitmap(el.get("cpuset") or "", "cpuset",
                              CPUMASK_LEN_9_0 if ctx.modern else CPUMASK_LEN)
        if not cpuset:
            raise XMLError(f"Invalid value of 'cpuset': {shorten(el.get('cpuset') or '')}")
        v.cpuset = cpuset


def parse_vcpu_states(root: Element, dom: Domain) -> None:
    """virDomainVcpuParse's ``<vcpus>``: listed states are the master, the
    ``current`` attribute is not (libvirt 9.0; 1.3.1 did not know them)."""
    el = child(root, "vcpus")
    nodes = children(el, "vcpu") if el is not None else []
    if not nodes:
        return
    v = dom.vcpus
    states = [VcpuState() for _ in range(v.max)]
    for node in nodes:
        vcpu_id = prop_uint(node, "id")
        if vcpu_id is None:
            raise XMLError("Missing required attribute 'id' in element 'vcpu'")
        if vcpu_id >= v.max:
            raise XMLError(f"vcpu id '{vcpu_id}' is out of range of maximum vcpu count")
        state = states[vcpu_id]
        enabled = prop_tristate(node, "enabled")
        if enabled is None:
            raise XMLError("Missing required attribute 'enabled' in element 'vcpu'")
        state.online = enabled
        state.hotpluggable = prop_tristate(node, "hotpluggable")
        state.order = prop_uint(node, "order") or 0
    v.states = states
    v.current = sum(1 for s in states if s.online)


def parse_iothreads(root: Element, dom: Domain, ctx: ParseContext) -> None:
    count_s = child_text(root, "iothreads")
    count = uint_value(count_s, "iothreads count", 0) or 0
    if count > IOTHREADS_MAX:
        raise XMLError(f"iothreads count {count} is above the limit of {IOTHREADS_MAX}")
    ids_el = child(root, "iothreadids")
    threads: list[IOThread] = []
    used: set[int] = set()
    if ids_el is not None:
        nodes = children(ids_el, "iothread")
        if len(nodes) > IOTHREADS_MAX:
            raise XMLError(f"<iothreadids> lists more than {IOTHREADS_MAX} iothreads")
        if len(nodes) > count:
            count = len(nodes)
        for n in nodes:
            id_s = n.get("id")
            if id_s is None:
                raise XMLError("Missing 'id' attribute in <iothread> element")
            tid = uint_value(id_s, "iothread 'id'")
            if not tid:
                raise XMLError("invalid iothread 'id' value '0'")
            if tid > UINT_MAX:
                raise XMLError(f"invalid iothread 'id' value '{id_s}'")
            if tid in used:
                raise XMLError(f"duplicate iothread id '{tid}' found")
            used.add(tid)
            thread = IOThread(tid)
            if ctx.modern:
                thread.pool_min, thread.pool_max = parse_pool(n)
            threads.append(thread)
    # Missing ids are filled from 1 upwards, skipping used ones.
    next_id = 1
    while len(threads) < count:
        while next_id in used:
            next_id += 1
        threads.append(IOThread(next_id, autofill=True))
        next_id += 1
    dom.iothreads = threads
    if ctx.modern:
        dom.default_iothread = parse_default_iothread(root)


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
                raise XMLError("Invalid BIOS 'date' format", code="")
    system = child(el, "system")
    if system is not None:
        info.system = _sysinfo_entries(
            system,
            ("manufacturer", "product", "version", "serial", "uuid", "sku", "family"),
        )
        for e in info.system:
            if (
                e.name == "uuid" and dom.uuid is not None
                and _parse_uuid(e.value) != dom.uuid
            ):
                raise XMLError("UUID mismatch between <uuid> and <sysinfo>", code="")
    for bb in children(el, "baseBoard"):
        info.base_boards.append(
            _sysinfo_entries(
                bb, ("manufacturer", "product", "version", "serial", "asset", "location")
            )
        )
    dom.sysinfos.append(info)


def _sysinfo_entries(el: Element, order: tuple[str, ...]) -> list[SysinfoEntry]:
    found: dict[str, str] = {}
    for e in children(el, "entry"):
        name = e.get("name")
        value = text(e)
        if name in order and value is not None and name not in found:
            found[name] = value
    return [SysinfoEntry(n, found[n]) for n in order if n in found]
