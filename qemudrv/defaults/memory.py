"""libvirt 9.0's defaults for memory devices: post-parse (shared virtio-pmem,
pSeries NVDIMM UUIDs and sizes), DIMM slots (qemuDomainAssignMemorySlots),
aliases (qemuAssignDeviceMemoryAlias) and the NUMA nodes' vCPUs."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from ..cmdline.modern.secret import random_bytes
from ..errors import ConfigError
from ..model.address import DIMMAddress
from ..model.domain import Domain
from ..model.misc import MemoryDevice

# qemuAssignDeviceMemoryAlias: the alias prefix of each model.
_ALIAS_PREFIX = {
    "dimm": "dimm",
    "nvdimm": "nvdimm",
    "virtio-pmem": "virtiopmem",
    "virtio-mem": "virtiomem",
    "sgx-epc": "epc",
}

# The models that sit in a DIMM slot; virtio-pmem and virtio-mem are PCI
# devices, sgx-epc is a -machine property.
DIMM_MODELS = ("dimm", "nvdimm")
PCI_MEMORY_MODELS = ("virtio-pmem", "virtio-mem")


def has_memory_hotplug(dom: Domain) -> bool:
    """virDomainDefHasMemoryHotplug."""
    return bool(dom.memory.slots or dom.memory.max_memory)


def pci_memory_devices(dom: Domain) -> list[MemoryDevice]:
    """The memory devices that take a PCI address, in definition order."""
    return [m for m in dom.devices.memories if m.model in PCI_MEMORY_MODELS]


def assign_memory_slots(dom: Domain, caps: Any) -> None:
    """qemuDomainAssignMemorySlots: the first free slot for each DIMM
    without an address (libvirt 9.0 only; 1.3.1 left slots to QEMU)."""
    if not dom.modern or not has_memory_hotplug(dom):
        return
    taken = {m.info.address.slot for m in dom.devices.memories
             if isinstance(m.info.address, DIMMAddress)}
    for mem in dom.devices.memories:
        if mem.model not in DIMM_MODELS or mem.info.address is not None:
            continue
        slot = next((s for s in range(dom.memory.slots) if s not in taken), None)
        if slot is None:
            raise ConfigError("failed to find an empty memory slot", code="internal error")
        taken.add(slot)
        mem.info.address = DIMMAddress(slot)


def _alias_index(alias: str | None, prefix: str) -> int:
    if not alias or not alias.startswith(prefix):
        return -1
    rest = alias[len(prefix):]
    return int(rest) if rest.isdigit() else -1


def assign_memory_aliases(dom: Domain) -> None:
    """qemuAssignDeviceMemoryAlias: DIMMs are named after their slot, the
    other models after the highest index in use."""
    for mem in dom.devices.memories:
        if mem.info.alias:
            continue
        prefix = _ALIAS_PREFIX[mem.model]
        addr = mem.info.address
        if mem.model in DIMM_MODELS:
            index = addr.slot if isinstance(addr, DIMMAddress) else 0
        else:
            index = 1 + max((_alias_index(m.info.alias, prefix) for m in dom.devices.memories),
                            default=-1)
        mem.info.alias = f"{prefix}{index}"


def numa_cpus_post_parse(dom: Domain, caps: Any) -> None:
    """qemuDomainDefNumaCPUsRectify: vCPUs no NUMA node names go to node 0."""
    cells = dom.cpu.cells if dom.cpu else []
    if not cells or sum(len(c.cpus) for c in cells) >= dom.vcpus.max:
        return
    others = frozenset().union(*(c.cpus for c in cells[1:]))
    cells[0].cpus = frozenset(range(dom.vcpus.max)) - others


# pSeries aligns memory modules to 256 MiB.
PPC64_MODULE_ALIGN = 256 * 1024


def is_ppc64(dom: Domain) -> bool:
    return dom.os.arch in ("ppc64", "ppc64le")


def align_nvdimm_pseries(mem: MemoryDevice) -> None:
    """qemuDomainNVDimmAlignSizePseries: the guest visible part (the size
    without the label) is aligned down, so the file is never outgrown."""
    guest_area = mem.size - mem.labelsize
    if guest_area < PPC64_MODULE_ALIGN:
        raise ConfigError("minimum target size for the NVDIMM must be 256MB plus the "
                          "label size", code="XML error")
    mem.size = guest_area // PPC64_MODULE_ALIGN * PPC64_MODULE_ALIGN + mem.labelsize


def _generated_uuid(caps: Any) -> str:
    """virUUIDGenerate: random bytes made a version 4 UUID."""
    raw = bytearray(random_bytes(caps, 16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuidlib.UUID(bytes=bytes(raw)))


def memory_device_post_parse(dom: Domain, caps: Any) -> None:
    """virDomainMemoryDefPostParse and qemuDomainMemoryDefPostParse: a
    virtio-pmem file is shared, a pSeries NVDIMM gets a UUID, and with
    VIR_DOMAIN_DEF_PARSE_ABI_UPDATE (a new definition) pSeries modules are
    aligned at once."""
    if not dom.modern:
        return
    for mem in dom.devices.memories:
        if mem.model == "virtio-pmem" and mem.access is None:
            mem.access = "shared"
        elif mem.model == "nvdimm" and is_ppc64(dom) and mem.uuid is None:
            mem.uuid = _generated_uuid(caps)
    if not is_ppc64(dom):
        return
    if "abi-update" not in (caps.conf("parse_flags", ()) or ()):
        return
    for mem in dom.devices.memories:
        if mem.model == "nvdimm":
            align_nvdimm_pseries(mem)
        else:
            mem.size = -(-mem.size // PPC64_MODULE_ALIGN) * PPC64_MODULE_ALIGN
