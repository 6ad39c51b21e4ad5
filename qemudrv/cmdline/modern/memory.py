"""Guest memory on libvirt 9.0's command line: -m, the memory backends of
the default RAM, of each NUMA node and of each memory device, -numa (nodes,
distances, HMAT), the memory devices and the -machine memory properties
(qemu_command.c: qemuBuildMemoryBackendProps and its callers)."""

from __future__ import annotations

from dataclasses import dataclass

from ...bitmap import format_bitmap
from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.address import DIMMAddress
from ...model.domain import Domain
from ...model.general import NumaCell
from ...model.misc import MemoryDevice
from .. import general_memory as legacy_memory
from ..command import CommandLine
from .address import address_props
from .props import Props, add_device, add_object

# virDomainDefGetShortName: the name is cut to this many characters.
_SHORT_NAME_MAX = 20

# qemuNumaPolicyTypeToString ("restrictive" never reaches QEMU).
_POLICIES = {"strict": "bind", "preferred": "preferred", "interleave": "interleave"}

# qemuBuildMemoryDeviceProps: the -device of each model.
_DEVICE_DRIVERS = {
    "dimm": "pc-dimm",
    "nvdimm": "nvdimm",
    "virtio-pmem": "virtio-pmem-pci",
    "virtio-mem": "virtio-mem-pci",
}


def _cells(dom: Domain) -> list[NumaCell]:
    return dom.cpu.cells if dom.cpu else []


def _short_name(dom: Domain, caps: QemuCaps) -> str:
    domain_id = dom.id if dom.id is not None else int(caps.host.get("domain_id", -1))
    return f"{domain_id}-{dom.name[:_SHORT_NAME_MAX]}"


def machine_memory_params(dom: Domain) -> list[str]:
    """qemuAppendDomainMemoryMachineParams' device part: nvdimm=on once,
    and each SGX EPC section as a -machine property."""
    params: list[str] = []
    if any(m.model == "nvdimm" for m in dom.devices.memories):
        params.append("nvdimm=on")
    epcs = [m for m in dom.devices.memories if m.model == "sgx-epc"]
    for i, epc in enumerate(epcs):
        node = max(epc.target_node, 0)
        params.append(f"sgx-epc.{i}.memdev=mem{epc.info.alias},sgx-epc.{i}.node={node}")
    return params


def machine_hmat_params(dom: Domain) -> list[str]:
    """QEMU builds the ACPI HMAT only when asked to."""
    return ["hmat=on"] if _has_hmat(dom) else []


# -- numatune ---------------------------------------------------------------


def _node_specified(dom: Domain, cell: int) -> bool:
    """virDomainNumatuneNodeSpecified."""
    tune = dom.numatune
    return tune is not None and cell >= 0 and any(m.cellid == cell for m in tune.memnodes)


def _numatune_mode(dom: Domain, cell: int) -> str:
    """virDomainNumatuneGetMode for the node, else for the whole guest."""
    tune = dom.numatune
    if tune is None:
        return "strict"
    for memnode in tune.memnodes:
        if memnode.cellid == cell:
            return memnode.mode
    return tune.mode if tune.memory_set else "strict"


def _numatune_nodeset(dom: Domain, cell: int) -> frozenset[int] | None:
    """virDomainNumatuneMaybeGetNodeset."""
    tune = dom.numatune
    if tune is None:
        return None
    for memnode in tune.memnodes:
        if memnode.cellid == cell:
            return memnode.nodeset
    if not tune.memory_set:
        return None
    if tune.placement == "auto":
        if dom.numad_nodeset is None:
            raise UnsupportedError(
                "Advice from numad is needed in case of automatic numa placement",
                code="internal error")
        return dom.numad_nodeset
    return tune.nodeset


def _check_host_nodes(nodeset: frozenset[int], caps: QemuCaps) -> None:
    """virNumaNodesetIsAvailable (libvirt's test programs replace it with
    their own, with its own message, where they load qemuxml2argvmock)."""
    max_node = int(caps.host.get("numa_max_node", 0))
    for node in sorted(nodeset):
        if node > max_node:
            if "qemuxml2argv" in (caps.conf("mocks", ()) or ()):
                raise UnsupportedError(f"Mock: no numa node set is available at bit {node}",
                                       code="internal error")
            raise UnsupportedError(f"NUMA node {node} is unavailable")


# -- memory backends ----------------------------------------------------------


@dataclass(frozen=True)
class _Pages:
    """qemuBuildMemoryGetPagesize's answer for one piece of memory: the page
    size (KiB, 0 for normal pages), whether huge pages are used (``use``) and
    asked for this very piece (``need``, which forces a backend), and whether
    to preallocate."""

    size: int
    need: bool
    use: bool
    prealloc: bool


def _pages(dom: Domain, caps: QemuCaps, mem: MemoryDevice) -> _Pages:
    pagesize = mem.pagesize
    need = use = bool(pagesize)
    if not pagesize:
        master = chosen = None
        for page in dom.memory.hugepages:
            if page.nodeset is None:
                master = page
            elif mem.target_node >= 0 and mem.target_node in page.nodeset:
                chosen = page
                need = True
                break
        page_def = chosen or master
        if page_def is not None:
            pagesize = page_def.size
            use = True
    if pagesize == legacy_memory.system_page_kib(caps):
        # "Huge" pages of the system's page size are no huge pages at all.
        pagesize, need, use = 0, False, False
    elif use and not pagesize:
        if not caps.conf("hugetlbfs", ()):
            raise UnsupportedError("hugetlbfs filesystem is not mounted or disabled by "
                                   "administrator config", code="internal error")
        pagesize = _default_hugepage_size(caps)
    prealloc = dom.memory.allocation == "immediate"
    if mem.path:
        # A real NVDIMM or a virtio-pmem file needs no preallocation.
        if not mem.pmem and mem.model != "virtio-pmem":
            prealloc = True
    elif use:
        prealloc = True
    return _Pages(pagesize, need, use, prealloc)


def _default_hugepage_size(caps: QemuCaps) -> int:
    mounts = list(caps.conf("hugetlbfs", ()) or ())
    chosen = next((m for m in mounts if m.get("default")), mounts[0])
    return int(chosen.get("size", 0))


def _hugepage_mem_path(dom: Domain, caps: QemuCaps, size: int) -> str:
    """qemuGetDomainHupageMemPath: the domain's directory on the hugetlbfs
    mount of that page size."""
    mounts = list(caps.conf("hugetlbfs", ()) or ())
    if not mounts:
        raise UnsupportedError("hugetlbfs filesystem is not mounted or disabled by "
                               "administrator config", code="internal error")
    for mount in mounts:
        if int(mount.get("size", 0)) == size:
            return f"{legacy_memory.hugepage_path(mount)}/{_short_name(dom, caps)}"
    raise UnsupportedError(f"Unable to find any usable hugetlbfs mount for {size} KiB",
                           code="internal error")


def _memory_backing_dir(dom: Domain, caps: QemuCaps) -> str:
    """qemuGetMemoryBackingDomainPath."""
    base = str(caps.conf("memory_backing_dir", "/var/lib/libvirt/qemu/ram"))
    return f"{base}/{_short_name(dom, caps)}"


def _share(props: Props, access: str | None) -> None:
    """qemuBuildMemoryBackendPropsShare."""
    if access is not None:
        props["share"] = access == "shared"


def backend_props(dom: Domain, caps: QemuCaps, mem: MemoryDevice, alias: str, *,
                  force: bool, system_memory: bool,
                  mem_prealloc: bool) -> tuple[str, Props, bool]:
    """qemuBuildMemoryBackendProps: the backend type, its properties and
    whether the configuration needs a backend at all."""
    cell = mem.target_node
    cells = _cells(dom)
    access = mem.access
    discard = mem.discard
    if 0 <= cell < len(cells):
        if access is None:
            access = cells[cell].mem_access
        if discard is None and cells[cell].discard is not None:
            discard = cells[cell].discard == "yes"
    if access is None:
        access = dom.memory.access
    if discard is None and dom.memory.discard:
        discard = True
    mode = _numatune_mode(dom, cell)
    pages = _pages(dom, caps, mem)
    source = dom.memory.source
    props: Props = {}
    prealloc = pages.prealloc
    if mem.model == "sgx-epc":
        backend = "memory-backend-epc"
        if not mem_prealloc:
            prealloc = True
    elif not mem.path and source == "memfd":
        backend = "memory-backend-memfd"
        if pages.use:
            props["hugetlb"] = True
            props["hugetlbsize"] = pages.size << 10
        _share(props, access)
    elif pages.use or mem.path or access or source == "file":
        backend = "memory-backend-file"
        if mem.path:
            props["mem-path"] = mem.path
        elif pages.use:
            props["mem-path"] = _hugepage_mem_path(dom, caps, pages.size)
        else:
            props["mem-path"] = f"{_memory_backing_dir(dom, caps)}/{mem.info.alias or alias}"
        if not mem.path and discard is not None:
            props["discard-data"] = discard
        _share(props, access)
    else:
        backend = "memory-backend-ram"
        system_memory = False
    # QEMU's own default RAM object sets this; a replacement must too to
    # stay migratable (QEMU commit 8db0b20415c1).
    if (system_memory and backend != "memory-backend-ram"
            and caps.has("memory-backend-file.x-use-canonical-path-for-ramblock-id")):
        props["x-use-canonical-path-for-ramblock-id"] = False
    if mem.model == "virtio-mem":
        if not caps.has("virtio-mem-pci.prealloc") and mem_prealloc:
            props["prealloc"] = False
        if caps.has("memory-backend-file.reserve"):
            props["reserve"] = False
    elif not mem_prealloc:
        if prealloc:
            props["prealloc"] = True
        if dom.memory.allocation_threads:
            props["prealloc-threads"] = dom.memory.allocation_threads
    props["size"] = mem.size * 1024
    if mem.alignsize:
        props["align"] = mem.alignsize * 1024
    if mem.pmem:
        if not caps.has("memory-backend-file.pmem"):
            raise UnsupportedError("nvdimm pmem property is not available with this QEMU binary")
        props["pmem"] = True
    nodemask = mem.source_nodes if mem.source_nodes is not None else _numatune_nodeset(dom, cell)
    if nodemask is not None:
        _check_host_nodes(nodemask, caps)
        # "restrictive" binds through cgroups only.
        if mode != "restrictive":
            props["host-nodes"] = sorted(nodemask)
            props["policy"] = _POLICIES[mode]
    needed = bool(pages.need or mem.source_nodes is not None or _node_specified(dom, cell)
                  or mem.path or access or source in ("file", "memfd") or force)
    if needed and backend == "memory-backend-memfd" and not caps.has("memory-backend-memfd"):
        raise UnsupportedError("this qemu doesn't support the memory-backend-memfd object")
    return backend, props, needed


def _add_backend(cmd: CommandLine, caps: QemuCaps, backend: str, alias: str,
                 props: Props) -> None:
    """The backend object, after the thread context that preallocates it on
    its host nodes (qemuBuildThreadContextProps)."""
    nodes = props.get("host-nodes")
    if caps.has("thread-context") and nodes and props.get("prealloc"):
        context = f"tc-{alias}"
        add_object(cmd, "thread-context", context, {"node-affinity": list(nodes)}, caps)
        props["prealloc-context"] = context
    add_object(cmd, backend, alias, props, caps)


# -- -m, -mem-path and the default RAM -----------------------------------------


def _mem_path(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> bool:
    """qemuBuildMemPathStr: -mem-prealloc and -mem-path for all the guest's
    memory; whether -mem-prealloc was added."""
    mem = dom.memory
    path = None
    prealloc = False
    if mem.hugepages and mem.hugepages[0].size != legacy_memory.system_page_kib(caps):
        path = _hugepage_mem_path(dom, caps, mem.hugepages[0].size or _default_hugepage_size(caps))
        prealloc = True
    elif mem.source == "file":
        path = f"{_memory_backing_dir(dom, caps)}/ram"
    if mem.allocation == "immediate":
        prealloc = True
    if prealloc:
        cmd.add("-mem-prealloc")
    if path:
        cmd.add("-mem-path", path)
    return prealloc


def build_memory(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                 ram_id: str | None) -> None:
    """qemuBuildMemCommandLine."""
    mem = dom.memory
    if mem.max_memory or mem.slots:
        cmd.add("-m", f"size={mem.initial}k,slots={mem.slots},maxmem={mem.max_memory}k")
    else:
        cmd.add("-m", str(mem.initial // 1024))
    if not _cells(dom):
        if ram_id:
            ram = MemoryDevice(model="", size=mem.initial)
            backend, props, _ = backend_props(dom, caps, ram, ram_id, force=False,
                                              system_memory=True, mem_prealloc=False)
            _add_backend(cmd, caps, backend, ram_id, props)
        else:
            _mem_path(cmd, dom, caps)
    cmd.add("-overcommit", f"mem-lock={'on' if mem.locked else 'off'}")


# -- NUMA -------------------------------------------------------------------


def build_numa(cmd: CommandLine, dom: Domain, caps: QemuCaps, numa_mem_supported: bool) -> None:
    """qemuBuildNumaCommandLine: a backend per node (for all nodes once one
    needs it), -numa node, distances and HMAT."""
    cells = _cells(dom)
    if not cells:
        return
    tune = dom.numatune
    if tune is not None:
        for memnode in tune.memnodes:
            _check_host_nodes(memnode.nodeset, caps)
        if tune.memory_set and tune.placement != "auto" and tune.nodeset is not None:
            _check_host_nodes(tune.nodeset, caps)
    hmat = _has_hmat(dom)
    need_backend = not numa_mem_supported or hmat
    backends: list[tuple[str, Props]] = []
    for i, cell in enumerate(cells):
        node_mem = MemoryDevice(model="", size=cell.memory, target_node=i)
        backend, props, needed = backend_props(dom, caps, node_mem, f"ram-node{i}", force=False,
                                               system_memory=False, mem_prealloc=False)
        backends.append((backend, props))
        need_backend = need_backend or needed
    if not need_backend:
        _mem_path(cmd, dom, caps)
    master = next((i for i, c in enumerate(cells) if c.cpus), -1)
    if master < 0:
        raise ConfigError("At least one NUMA node has to have CPUs")
    for i, cell in enumerate(cells):
        if need_backend:
            _add_backend(cmd, caps, backends[i][0], f"ram-node{i}", backends[i][1])
        opt = f"node,nodeid={i}"
        if cell.cpus:
            for cpus in format_bitmap(cell.cpus).split(","):
                opt += f",cpus={cpus}"
        if hmat:
            initiator = _initiator(dom, i)
            opt += f",initiator={initiator if initiator >= 0 else master}"
        if need_backend:
            opt += f",memdev=ram-node{i}"
        else:
            opt += f",mem={cell.memory // 1024}"
        cmd.add("-numa", opt)
    if any(c.distances for c in cells):
        for i in range(len(cells)):
            for j in range(len(cells)):
                cmd.add("-numa", f"dist,src={i},dst={j},val={_distance(cells, i, j)}")
    if hmat:
        _build_hmat(cmd, dom)


def _has_hmat(dom: Domain) -> bool:
    """virDomainNumaHasHMAT."""
    cpu = dom.cpu
    if cpu is None:
        return False
    return bool(cpu.interconnects) or any(c.caches for c in cpu.cells)


def _initiator(dom: Domain, node: int) -> int:
    """virDomainNumaGetNodeInitiator: a node with vCPUs initiates its own
    accesses; for the others, the node with the lowest latency to it, else
    the one with the largest bandwidth; -1 if none."""
    if _cells(dom)[node].cpus:
        return node
    links = [link for link in dom.cpu.interconnects if link.target == node] if dom.cpu else []
    best_latency: tuple[int, int] | None = None
    best_bandwidth: tuple[int, int] | None = None
    for link in links:
        if link.type == "latency":
            if best_latency is None or link.value < best_latency[0]:
                best_latency = (link.value, link.initiator)
        elif link.value > (best_bandwidth[0] if best_bandwidth else 0):
            best_bandwidth = (link.value, link.initiator)
    if best_latency is not None:
        return best_latency[1]
    return best_bandwidth[1] if best_bandwidth is not None else -1


def _distance(cells: list[NumaCell], src: int, dst: int) -> int:
    """virDomainNumaGetNodeDistance: the given value, else 10 to itself and
    20 to the others."""
    given = cells[src].distances.get(dst)
    if given:
        return given
    return 10 if src == dst else 20


# virNumaCacheAssociativity / virNumaCachePolicy as QEMU names them.
_ASSOCIATIVITY = {"none": "none", "direct": "direct", "full": "complex"}
_CACHE_POLICY = {"none": "none", "writeback": "write-back", "writethrough": "write-through"}
_HIERARCHY = ("memory", "first-level", "second-level", "third-level")


def _build_hmat(cmd: CommandLine, dom: Domain) -> None:
    """qemuBuildNumaHMATCommandLine, then qemuBuildNumaCellCache (hmat-cache
    must follow hmat-lb)."""
    for link in dom.cpu.interconnects if dom.cpu else []:
        opt = (f"hmat-lb,initiator={link.initiator},target={link.target},"
               f"hierarchy={_HIERARCHY[link.cache]},data-type={link.access}-")
        if link.type == "latency":
            opt += f"latency,latency={link.value}"
        else:
            opt += f"bandwidth,bandwidth={link.value}K"
        cmd.add("-numa", opt)
    for i, cell in enumerate(_cells(dom)):
        for cache in cell.caches:
            opt = f"hmat-cache,node-id={i},size={cache.size}K,level={cache.level}"
            opt += f",associativity={_ASSOCIATIVITY[cache.associativity]}"
            opt += f",policy={_CACHE_POLICY[cache.policy]}"
            if cache.line:
                opt += f",line={cache.line}"
            cmd.add("-numa", opt)


# -- memory devices -------------------------------------------------------------


def _mem_prealloc(cmd: CommandLine) -> bool:
    """priv->memPrealloc: whether -mem-prealloc preallocates all memory."""
    return "-mem-prealloc" in cmd.args


def _device_props(dom: Domain, caps: QemuCaps, mem: MemoryDevice, memdev: str) -> Props:
    """qemuBuildMemoryDeviceProps."""
    props: Props = {"driver": _DEVICE_DRIVERS[mem.model]}
    if mem.target_node >= 0:
        props["node"] = mem.target_node
    if mem.labelsize:
        props["label-size"] = mem.labelsize * 1024
    if mem.blocksize:
        props["block-size"] = mem.blocksize * 1024
    if mem.requestedsize:
        props["requested-size"] = mem.requestedsize * 1024
    if mem.uuid:
        props["uuid"] = mem.uuid
    if mem.readonly:
        props["unarmed"] = True
    props["memdev"] = memdev
    if mem.model == "virtio-mem" and caps.has("virtio-mem-pci.prealloc") \
            and _pages(dom, caps, mem).prealloc:
        props["prealloc"] = True
    props["id"] = mem.info.alias
    addr = mem.info.address
    if isinstance(addr, DIMMAddress):
        props["slot"] = addr.slot
        if addr.base:
            props["addr"] = addr.base
    else:
        props.update(address_props(dom, mem.info, caps))
    return props


def build_memory_devices(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMemoryDeviceCommandLine: each device's backend, then the
    device (SGX EPC sections are -machine properties instead)."""
    mem_prealloc = _mem_prealloc(cmd)
    for mem in dom.devices.memories:
        if not mem.info.alias:
            raise UnsupportedError("memory device alias is not assigned", code="internal error")
        memdev = f"mem{mem.info.alias}"
        backend, props, _ = backend_props(dom, caps, mem, memdev, force=True,
                                          system_memory=False, mem_prealloc=mem_prealloc)
        _add_backend(cmd, caps, backend, memdev, props)
        if mem.model in _DEVICE_DRIVERS:
            add_device(cmd, _device_props(dom, caps, mem, memdev), caps)
