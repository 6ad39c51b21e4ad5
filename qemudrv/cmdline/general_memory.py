"""-m, hugepages, memory backends and -numa (qemuBuildCommandLine and
qemuBuildMemoryBackendStr of libvirt 1.3.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..bitmap import format_bitmap
from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from .command import CommandLine


def has_memory_hotplug(dom: Domain) -> bool:
    return bool(dom.memory.max_memory and dom.memory.slots)


def hugepage_path(mnt: Mapping[str, Any]) -> str:
    """qemuGetHugepagePath: libvirt's directory inside a hugetlbfs mount."""
    return f"{mnt['mnt_dir']}/libvirt/qemu"


def _hugetlbfs(caps: QemuCaps) -> list[dict[str, Any]]:
    return [dict(m) for m in caps.conf("hugetlbfs", ()) or ()]


def default_hugepage_path(caps: QemuCaps) -> str:
    mounts = _hugetlbfs(caps)
    for m in mounts:
        if m.get("default"):
            return hugepage_path(m)
    return hugepage_path(mounts[0])


def hugepage_path_for(caps: QemuCaps, size: int) -> str:
    for m in _hugetlbfs(caps):
        if int(m.get("size", 0)) == size:
            return hugepage_path(m)
    raise UnsupportedError(f"Unable to find any usable hugetlbfs mount for {size} KiB")


def system_page_kib(caps: QemuCaps) -> int:
    return int(caps.host.get("page_size", 4096)) // 1024


def _mem_path(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMemPathStr: hugepages for the whole guest memory."""
    pages = dom.memory.hugepages
    if not pages:
        return
    if pages[0].size == system_page_kib(caps):
        return
    if not _hugetlbfs(caps):
        raise UnsupportedError(
            "hugetlbfs filesystem is not mounted or disabled by administrator config"
        )
    if not caps.has("mem-path"):
        raise UnsupportedError(f"hugepage backing not supported by '{dom.emulator}'")
    if not pages[0].size:
        path = default_hugepage_path(caps)
    else:
        path = hugepage_path_for(caps, pages[0].size)
    cmd.add("-mem-prealloc", "-mem-path", path)


def build_memory(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    mem = dom.memory
    ncells = len(dom.cpu.cells) if dom.cpu else 0
    if has_memory_hotplug(dom):
        if not caps.has("pc-dimm"):
            raise UnsupportedError("memory hotplug isn't supported by this QEMU binary")
        # Without NUMA QEMU would silently make one node; ppc64 guests
        # hotplug memory without NUMA.
        if ncells == 0 and dom.arch not in ("ppc64", "ppc64le"):
            raise UnsupportedError(
                "At least one numa node has to be configured when enabling memory hotplug"
            )
        cmd.add("-m", f"size={mem.initial}k,slots={mem.slots},maxmem={mem.max_memory}k")
    else:
        cmd.add("-m", str(mem.initial // 1024))
    if ncells == 0:
        _mem_path(cmd, dom, caps)
    if mem.locked and not caps.has("mlock"):
        raise UnsupportedError("memory locking not supported by QEMU binary")
    if caps.has("mlock"):
        cmd.add("-realtime", f"mlock={'on' if mem.locked else 'off'}")


# -- NUMA and memory backends -----------------------------------------------

_POLICY = {"strict": "bind", "preferred": "preferred", "interleave": "interleave"}


def numatune_nodeset(dom: Domain, cell: int) -> frozenset[int] | None:
    """virDomainNumatuneMaybeGetNodeset: the host nodes for a guest node."""
    tune = dom.numatune
    if tune is None:
        return None
    for m in tune.memnodes:
        if m.cellid == cell:
            return m.nodeset
    if not tune.memory_set:
        return None
    if tune.placement == "auto":
        if dom.numad_nodeset is None:
            raise UnsupportedError(
                "Advice from numad is needed in case of automatic numa placement"
            )
        return dom.numad_nodeset
    return tune.nodeset


def numatune_mode(dom: Domain, cell: int) -> str:
    tune = dom.numatune
    if tune is None:
        return "strict"
    for m in tune.memnodes:
        if m.cellid == cell:
            return m.mode
    return tune.mode


def _bitmap_props(name: str, bits: frozenset[int]) -> list[str]:
    """A bitmap property: one key=value per range (QEMU's list syntax)."""
    return [f"{name}={r}" for r in format_bitmap(bits).split(",")]


def build_memory_backend(
    dom: Domain,
    caps: QemuCaps,
    *,
    alias: str,
    size: int,
    pagesize: int = 0,
    cell: int = -1,
    user_nodeset: frozenset[int] | None = None,
    force: bool = False,
) -> tuple[str | None, str]:
    """qemuBuildMemoryBackendStr: the -object for guest memory of ``size``
    KiB on guest node ``cell``.

    Returns (object string, backend type); the string is None when a plain
    ``-numa mem=`` would do (no page size, binding or access mode asks for
    a backend) and ``force`` is not set.
    """
    mem_access = None
    if dom.cpu is not None and 0 <= cell < len(dom.cpu.cells):
        mem_access = dom.cpu.cells[cell].mem_access
    mode = numatune_mode(dom, cell)
    hugepage = None
    if pagesize == 0:
        master = None
        chosen = None
        for hp in dom.memory.hugepages:
            if hp.nodeset is None:
                master = hp
                continue
            if cell >= 0 and cell in hp.nodeset:
                chosen = hp
                break
        hugepage = chosen or master
        if hugepage is not None:
            pagesize = hugepage.size
    if pagesize == system_page_kib(caps):
        pagesize = 0
        hugepage = None
    props: list[str] = []
    if pagesize or hugepage is not None:
        path = hugepage_path_for(caps, pagesize) if pagesize else default_hugepage_path(caps)
        backend = "memory-backend-file"
        props += ["prealloc=yes", f"mem-path={path}"]
        if mem_access == "shared":
            props.append("share=yes")
        elif mem_access == "private":
            props.append("share=no")
        # Only an explicit huge page size needs the object; the default size
        # is served by a plain -mem-path, which old libvirt used and an
        # incoming migration from it expects.
        force = force or bool(pagesize)
    else:
        if mem_access:
            raise UnsupportedError("Shared memory mapping is supported only with hugepages")
        backend = "memory-backend-ram"
    props.append(f"size={size * 1024}")
    nodeset = user_nodeset if user_nodeset is not None else numatune_nodeset(dom, cell)
    if nodeset is not None:
        _check_host_nodes(nodeset, caps)
        props += _bitmap_props("host-nodes", nodeset)
        props.append(f"policy={_POLICY[mode]}")
    if not pagesize and user_nodeset is None and not mem_access and nodeset is None and not force:
        return None, backend
    if not caps.has(backend):
        raise UnsupportedError(f"this qemu doesn't support the {backend} object")
    return ",".join([backend, f"id={alias}", *props]), backend


def _check_host_nodes(nodeset: frozenset[int], caps: QemuCaps) -> None:
    max_node = int(caps.host.get("numa_max_node", 0))
    for n in sorted(nodeset):
        if n > max_node:
            raise UnsupportedError(f"NUMA node {n} is unavailable")


def build_numa(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildNumaArgStr: -numa per guest node, with memory backends when
    needed (then for every node, as QEMU cannot mix mem= and memdev=)."""
    cells = dom.cpu.cells if dom.cpu else []
    if not cells:
        return
    tune = dom.numatune
    has_memory_objects = caps.has("memory-backend-ram") or caps.has("memory-backend-file")
    if tune is not None and tune.memnodes and not has_memory_objects:
        raise UnsupportedError("Per-node memory binding is not supported with this QEMU")
    hp = dom.memory.hugepages
    if hp and hp[0].size != system_page_kib(caps) and not caps.has("memory-backend-file"):
        raise UnsupportedError("huge pages per NUMA node are not supported with this QEMU")
    _check_numatune_nodes(dom, caps)
    for page in hp:
        if page.nodeset is None:
            continue
        beyond = [n for n in sorted(page.nodeset) if n >= len(cells)]
        if beyond:
            raise UnsupportedError(f"hugepages: node {beyond[0]} not found")
    backends: list[str | None] = []
    need_backend = False
    for i, cell in enumerate(cells):
        if has_memory_objects:
            obj, _ = build_memory_backend(dom, caps, alias=f"ram-node{i}", size=cell.memory, cell=i)
            backends.append(obj)
            if obj is not None:
                need_backend = True
        else:
            if cell.mem_access:
                raise UnsupportedError("Shared memory mapping is not supported with this QEMU")
            backends.append(None)
    if need_backend:
        # Every node needs its backend once one does.
        for i, cell in enumerate(cells):
            if backends[i] is None:
                backends[i], _ = build_memory_backend(
                    dom, caps, alias=f"ram-node{i}", size=cell.memory, cell=i, force=True
                )
    else:
        _mem_path(cmd, dom, caps)
    for i, cell in enumerate(cells):
        cpus = format_bitmap(cell.cpus)
        if "," in cpus and not caps.has("numa"):
            raise UnsupportedError("disjoint NUMA cpu ranges are not supported with this QEMU")
        if need_backend:
            cmd.add("-object", str(backends[i]))
        opt = f"node,nodeid={i}"
        for r in cpus.split(","):
            opt += f",cpus={r}"
        if need_backend:
            opt += f",memdev=ram-node{i}"
        else:
            opt += f",mem={cell.memory // 1024}"
        cmd.add("-numa", opt)


def _check_numatune_nodes(dom: Domain, caps: QemuCaps) -> None:
    """virDomainNumatuneNodesetIsAvailable: bound host nodes must exist."""
    tune = dom.numatune
    if tune is None:
        return
    sets = [m.nodeset for m in tune.memnodes]
    if tune.memory_set and tune.placement != "auto" and tune.nodeset is not None:
        sets.append(tune.nodeset)
    for s in sets:
        _check_host_nodes(s, caps)
