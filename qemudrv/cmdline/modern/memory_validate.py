"""libvirt 9.0's checks of guest memory made when a definition is parsed:
huge pages (virDomainDefMemtuneValidate), memory devices
(virDomainMemoryDefValidate, qemuValidateDomainDeviceDefMemory), the memory
backing (qemuValidateDomainDefMemory), HMAT (qemuValidateDomainDefNuma) and
memory hotplug (qemuDomainDefValidateMemoryHotplug)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import DIMMAddress, PCIAddress
from ...model.domain import Domain
from ...model.misc import MemoryDevice
from ..general_memory import system_page_kib
from .general import machine_info

# qemuValidateDomainDeviceDefMemory: the capability each model needs.
_MODEL_CAPS = {
    "dimm": ("pc-dimm", "memory hotplug isn't supported by this QEMU binary"),
    "nvdimm": ("nvdimm", "nvdimm isn't supported by this QEMU binary"),
    "virtio-pmem": ("virtio-pmem-pci", "virtio-pmem isn't supported by this QEMU binary"),
    "virtio-mem": ("virtio-mem-pci", "virtio-mem isn't supported by this QEMU binary"),
    "sgx-epc": ("sgx-epc", "sgx epc isn't supported by this QEMU binary"),
}

# virHostMemGetTHPSize's fallback, which libvirt's tests see.
_THP_KIB = 2048


def _ncells(dom: Domain) -> int:
    return len(dom.cpu.cells) if dom.cpu else 0


def _check_hugepages(dom: Domain) -> None:
    """virDomainDefMemtuneValidate (VIR_ERR_XML_DETAIL: no prefix)."""
    pages = dom.memory.hugepages
    for i, page in enumerate(pages):
        for other in pages[:i]:
            if page.nodeset and other.nodeset and page.nodeset & other.nodeset:
                raise ConfigError(f"nodeset attribute of hugepages of sizes {page.size} and "
                                  f"{other.size} intersect", code="")
            if page.nodeset is None and other.nodeset is None:
                raise ConfigError(f"two master hugepages detected: {page.size} and "
                                  f"{other.size}", code="")
        beyond = sorted(n for n in page.nodeset or () if n >= _ncells(dom))
        if beyond:
            raise ConfigError(f"hugepages: node {beyond[0]} not found", code="")


def _check_device(dom: Domain, mem: MemoryDevice) -> None:
    """virDomainMemoryDefValidate."""
    ncells = _ncells(dom)
    if mem.target_node != -1:
        if ncells == 0:
            raise ConfigError("can't add memory backend as guest has no NUMA nodes configured",
                              code="")
        if mem.target_node >= ncells:
            raise ConfigError(f"can't add memory backend for guest node '{mem.target_node}' "
                              f"as the guest has only '{ncells}' NUMA nodes configured",
                              code="")
    ppc64 = dom.os.arch in ("ppc64", "ppc64le")
    if mem.model == "nvdimm":
        if not mem.path:
            raise ConfigError("path is required for model 'nvdimm'", code="")
        if mem.discard:
            raise ConfigError("discard is not supported for nvdimms")
        if ppc64 and not mem.labelsize:
            raise ConfigError("label size is required for NVDIMM device")
        if not ppc64 and mem.uuid:
            raise ConfigError("UUID is not supported for NVDIMM device")
    elif mem.model == "virtio-pmem":
        if not mem.path:
            raise ConfigError("path is required for model 'virtio-pmem'", code="")
        if mem.discard:
            raise ConfigError("discard is not supported for model 'virtio-pmem'")
        if mem.access != "shared":
            raise ConfigError("shared access mode required for virtio-pmem device")
        if mem.target_node != -1:
            raise ConfigError("virtio-pmem does not support NUMA nodes")
    elif mem.model == "virtio-mem":
        if mem.requestedsize > mem.size:
            raise ConfigError(f"requested size must be smaller than or equal to @size "
                              f"({mem.size}KiB)", code="")
        if mem.blocksize & (mem.blocksize - 1):
            raise ConfigError("block size must be a power of two", code="")
        if mem.blocksize < _THP_KIB:
            raise ConfigError(f"block size too small, must be at least {_THP_KIB}KiB", code="")
        if mem.requestedsize % mem.blocksize:
            raise ConfigError("requested size must be an integer multiple of block size",
                              code="")
    elif mem.model == "sgx-epc" and mem.info.address is not None:
        raise ConfigError("memory device address is not supported for model 'sgx-epc'")


def _check_backing(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDefMemory."""
    mem = dom.memory
    if not mem.hugepages:
        return
    if mem.allocation == "ondemand":
        raise ConfigError("hugepages are not allowed with memory allocation ondemand")
    if mem.allocation_threads and not caps.has("memory-backend-file.prealloc-threads"):
        raise ConfigError("preallocation threads are unsupported with this QEMU")
    if mem.source == "anonymous":
        raise ConfigError("hugepages are not allowed with anonymous memory source")
    if mem.source == "memfd" and not caps.has("memory-backend-memfd.hugetlb"):
        raise ConfigError("hugepages is not supported with memfd memory source")
    if (not machine_info(dom, caps).get("defaultRAMid")
            and mem.hugepages[0].size != system_page_kib(caps)
            and _ncells(dom) == 0 and mem.access not in (None, "private")):
        raise ConfigError(f"memory access mode '{mem.access}' not supported "
                          "without guest numa node")


def _check_dimm_conflict(dom: Domain, mem: MemoryDevice, addr: DIMMAddress) -> None:
    """qemuCheckMemoryDimmConflict: one module per slot and base address."""
    for other in dom.devices.memories:
        other_addr = other.info.address
        if other is mem or not isinstance(other_addr, DIMMAddress):
            continue
        if other_addr.slot == addr.slot:
            raise ConfigError(f"memory device slot '{addr.slot}' is already being "
                              "used by another memory device")
        if addr.base and addr.base == other_addr.base:
            raise ConfigError(f"memory device base '0x{addr.base:x}' is already being "
                              "used by another memory device")


def _check_hotplug_device(dom: Domain, mem: MemoryDevice) -> None:
    """qemuDomainDefValidateMemoryHotplugDevice."""
    addr = mem.info.address
    if mem.model in ("dimm", "nvdimm"):
        if addr is not None and not isinstance(addr, DIMMAddress):
            raise ConfigError("only 'dimm' addresses are supported for the pc-dimm device")
        if isinstance(addr, DIMMAddress):
            if addr.slot >= dom.memory.slots:
                raise ConfigError(f"memory device slot '{addr.slot}' exceeds slots count "
                                  f"'{dom.memory.slots}'")
            _check_dimm_conflict(dom, mem, addr)
    elif addr is not None and not isinstance(addr, PCIAddress):
        raise ConfigError(f"only 'pci' addresses are supported for the {mem.model} device")
    if mem.model != "virtio-pmem" and _ncells(dom) and mem.target_node == -1:
        raise ConfigError("target NUMA node needs to be specified for memory device")


def _check_hotplug(dom: Domain) -> None:
    """qemuDomainDefValidateMemoryHotplug at startup."""
    mem = dom.memory
    devices = dom.devices.memories
    if not (mem.slots or mem.max_memory):
        if devices:
            raise ConfigError("cannot use/hotplug a memory device when domain "
                              "'maxMemory' is not defined")
        return
    if dom.os.arch not in ("ppc64", "ppc64le") and _ncells(dom) == 0:
        raise ConfigError("At least one numa node has to be configured when "
                          "enabling memory hotplug")
    if len(devices) > mem.slots:
        raise ConfigError(f"memory device count '{len(devices)}' exceeds slots count "
                          f"'{mem.slots}'")
    for dev in devices:
        if dev.model != "sgx-epc":
            _check_hotplug_device(dom, dev)
    if sum(d.size for d in devices) > mem.max_memory - mem.initial:
        raise ConfigError("memory device total size exceeds hotplug space")


def validate_memory(dom: Domain, caps: QemuCaps) -> None:
    _check_backing(dom, caps)
    cpu = dom.cpu
    hmat = cpu is not None and (bool(cpu.interconnects) or any(c.caches for c in cpu.cells))
    if hmat and not caps.has("numa.hmat"):
        raise ConfigError("HMAT is not supported with this QEMU")
    _check_hotplug(dom)
    for mem in dom.devices.memories:
        _check_device(dom, mem)
        flag, message = _MODEL_CAPS[mem.model]
        if not caps.has(flag):
            raise ConfigError(message)
        if mem.model == "nvdimm" and mem.readonly and not caps.has("nvdimm.unarmed"):
            raise ConfigError("nvdimm readonly property is not available with this QEMU binary")
    _check_hugepages(dom)
