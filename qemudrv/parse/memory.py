"""libvirt 9.0's memory elements: <memory> devices of every model and the
<memoryBacking> children 1.3.1 did not have (domain_conf.c,
virDomainMemoryDefParseXML and the memoryBacking part of
virDomainDefParseMemory)."""

from __future__ import annotations

import uuid as uuidlib

from ..bitmap import parse_bitmap
from ..errors import XMLError
from ..model.domain import Domain
from ..model.misc import MEMORY_MODELS_MODERN, MemoryDevice, Shmem
from ..xmlreader import Element, child, tag
from .context import ParseContext
from .device_info import parse_device_info
from .general_values import parse_memory_value

MEMORY_ACCESS = ("shared", "private")
MEMORY_SOURCES = ("file", "anonymous", "memfd")
MEMORY_ALLOCATIONS = ("immediate", "ondemand")


def prop_enum(el: Element, name: str, values: tuple[str, ...]) -> str | None:
    """virXMLPropEnum: an optional attribute from a fixed set."""
    value = el.get(name)
    if value is not None and value not in values:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{tag(el)}': "
                       f"'{value}'.")
    return value


def prop_tristate(el: Element, name: str) -> bool | None:
    """virXMLPropTristateBool."""
    value = prop_enum(el, name, ("yes", "no"))
    return None if value is None else value == "yes"


def _size(el: Element, name: str, ctx: ParseContext) -> int:
    return parse_memory_value(child(el, name), ctx, what=f"./{name}") or 0


def _nodemask(source: Element) -> frozenset[int] | None:
    mask = child(source, "nodemask")
    text = (mask.text or "") if mask is not None else ""
    if not text:
        return None
    nodes = parse_bitmap(text, "nodemask")
    if not nodes:
        raise XMLError(f"Invalid value of 'nodemask': {text}",
                       code="unsupported configuration")
    return nodes


def _parse_source(source: Element, dev: MemoryDevice, ctx: ParseContext) -> None:
    """virDomainMemorySourceDefParseXML."""
    if dev.model in ("dimm", "virtio-mem"):
        dev.pagesize = _size(source, "pagesize", ctx)
        dev.source_nodes = _nodemask(source)
    elif dev.model == "nvdimm":
        dev.path = _text(source, "path")
        dev.alignsize = _size(source, "alignsize", ctx)
        dev.pmem = child(source, "pmem") is not None
    elif dev.model == "virtio-pmem":
        dev.path = _text(source, "path")
    elif dev.model == "sgx-epc":
        dev.source_nodes = _nodemask(source)


def _text(el: Element, name: str) -> str | None:
    sub = child(el, name)
    return (sub.text or "") or None if sub is not None else None


def _parse_target(target: Element, dev: MemoryDevice, ctx: ParseContext) -> None:
    """virDomainMemoryTargetDefParseXML."""
    node = _text(target, "node")
    if node is not None:
        try:
            dev.target_node = int(node.strip(), 10)
        except ValueError:
            raise XMLError("invalid value of memory device node") from None
        if dev.target_node < 0:
            raise XMLError("invalid value of memory device node")
    dev.size = parse_memory_value(child(target, "size"), ctx, required=True,
                                  what="./size") or 0
    if dev.model == "nvdimm":
        label = child(target, "label")
        if label is not None:
            dev.labelsize = _size(label, "size", ctx)
        if dev.labelsize and dev.labelsize < 128:
            raise XMLError("nvdimm label must be at least 128KiB")
        if dev.labelsize >= dev.size:
            raise XMLError("label size must be smaller than NVDIMM size")
        dev.readonly = child(target, "readonly") is not None
    elif dev.model == "virtio-mem":
        dev.blocksize = _size(target, "block", ctx)
        dev.requestedsize = _size(target, "requested", ctx)
        if not ctx.inactive:
            dev.currentsize = _size(target, "current", ctx)


def parse_memory_device(el: Element, ctx: ParseContext) -> MemoryDevice:
    """virDomainMemoryDefParseXML (libvirt 9.0)."""
    model = el.get("model")
    if model is None:
        raise XMLError("Missing required attribute 'model' in element 'memory'")
    if model not in MEMORY_MODELS_MODERN:
        raise XMLError(f"Invalid value for attribute 'model' in element 'memory': '{model}'.")
    dev = MemoryDevice(model=model)
    dev.access = prop_enum(el, "access", MEMORY_ACCESS)
    dev.discard = prop_tristate(el, "discard")
    uuid_text = _text(el, "uuid") if model == "nvdimm" else None
    if uuid_text is not None:
        try:
            dev.uuid = str(uuidlib.UUID(uuid_text.strip()))
        except ValueError:
            raise XMLError("malformed uuid element", code="internal error") from None
    source = child(el, "source")
    if source is not None:
        _parse_source(source, dev, ctx)
    target = child(el, "target")
    if target is None:
        raise XMLError("missing <target> element for <memory> device")
    _parse_target(target, dev, ctx)
    parse_device_info(el, ctx, dev.info)
    return dev


def _backing_enum(backing: Element, name: str, attr: str, values: tuple[str, ...]) -> str | None:
    el = child(backing, name)
    value = el.get(attr) if el is not None else None
    if value is not None and value not in values:
        raise XMLError(f"unknown memoryBacking/{name}/{attr} '{value}'",
                       code="unsupported configuration")
    return value


def parse_memory_backing_modern(backing: Element, dom: Domain) -> None:
    """The <memoryBacking> children libvirt 9.0 added: source, access,
    allocation and discard."""
    mem = dom.memory
    mem.source = _backing_enum(backing, "source", "type", MEMORY_SOURCES)
    mem.access = _backing_enum(backing, "access", "mode", MEMORY_ACCESS)
    mem.allocation = _backing_enum(backing, "allocation", "mode", MEMORY_ALLOCATIONS)
    allocation = child(backing, "allocation")
    threads = allocation.get("threads") if allocation is not None else None
    if threads is not None:
        if not threads.strip().isdigit():
            raise XMLError("Failed to parse memory allocation threads")
        mem.allocation_threads = int(threads)
    mem.discard = child(backing, "discard") is not None


SHMEM_MODELS = ("ivshmem", "ivshmem-plain", "ivshmem-doorbell")
SHMEM_ROLES = ("master", "peer")


def parse_shmem_model(el: Element, dev: Shmem) -> None:
    """The <shmem> parts libvirt 9.0 added: <model type=> (ivshmem when
    absent, for compatibility) and the role of the newer models."""
    model = child(el, "model")
    if model is not None:
        dev.model = prop_enum(model, "type", SHMEM_MODELS) or dev.model
    if dev.model != "ivshmem":
        dev.role = prop_enum(el, "role", SHMEM_ROLES)
