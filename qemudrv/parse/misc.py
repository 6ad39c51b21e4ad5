"""Parsing of <lease>, <hub>, <watchdog>, <memballoon>, <nvram>,
<panic>, <shmem> and <memory> (libvirt 1.3.1's domain_conf.c)."""

from __future__ import annotations

from dataclasses import replace

from ..bitmap import parse_bitmap
from ..errors import XMLError
from ..model.misc import (
    HUB_TYPES,
    MEMBALLOON_MODELS,
    MEMBALLOON_MODELS_MODERN,
    MEMORY_MODELS,
    NVRAM,
    PANIC_MODELS,
    PANIC_MODELS_MODERN,
    VSOCK_MODELS,
    WATCHDOG_ACTIONS,
    WATCHDOG_MODELS,
    Hub,
    Lease,
    Memballoon,
    MemoryDevice,
    Panic,
    Shmem,
    Vsock,
    Watchdog,
)
from ..xmlreader import Element, child, children_by_tag, elements, parse_int, scale
from .context import ParseContext
from .device_info import parse_device_info
from .general_values import parse_memory_value
from .memory import parse_memory_device, parse_shmem_model, prop_enum
from .net import sanitize_path
from .virtio_options import parse_virtio_options


def _content(el: Element) -> str:
    """xmlNodeGetContent: all text below the element."""
    return "".join(str(t) for t in el.itertext())


def parse_lease(el: Element, ctx: ParseContext) -> Lease:
    """virDomainLeaseDefParseXML: the first <key>, <lockspace>, <target>."""
    key = lockspace = path = offset = None
    for c in elements(el):
        if key is None and c.tag == "key":
            key = _content(c)
        elif lockspace is None and c.tag == "lockspace":
            lockspace = _content(c)
        elif path is None and c.tag == "target":
            path = c.get("path")
            offset = c.get("offset")
    if key is None:
        raise XMLError("Missing 'key' element for lease")
    if path is None:
        raise XMLError("Missing 'target' element for lease")
    lease = Lease(key=key, path=path, lockspace=lockspace)
    if offset is not None:
        try:
            lease.offset = int(offset, 10)
            if lease.offset < 0:
                raise ValueError(offset)
        except ValueError:
            raise XMLError(f"Malformed lease target offset {offset}") from None
    return lease


def parse_hub(el: Element, ctx: ParseContext) -> Hub:
    type_ = el.get("type")
    if type_ is None:
        raise XMLError("missing hub device type")
    if type_ not in HUB_TYPES:
        raise XMLError(f"unknown hub device type '{type_}'")
    hub = Hub(type=type_)
    parse_device_info(el, ctx, hub.info)
    return hub


def parse_watchdog(el: Element, ctx: ParseContext) -> Watchdog:
    model = el.get("model")
    if model is None:
        raise XMLError("watchdog must contain model name")
    if model not in WATCHDOG_MODELS:
        raise XMLError(f"unknown watchdog model '{model}'")
    action = el.get("action")
    if action is not None and action not in WATCHDOG_ACTIONS:
        raise XMLError(f"unknown watchdog action '{action}'")
    dev = Watchdog(model=model, action=action or "reset")
    parse_device_info(el, ctx, dev.info)
    return dev


def parse_memballoon(el: Element, ctx: ParseContext) -> Memballoon:
    model = el.get("model")
    if model is None:
        raise XMLError("balloon memory must contain model name")
    if model not in (MEMBALLOON_MODELS_MODERN if ctx.modern else MEMBALLOON_MODELS):
        raise XMLError(f"unknown memory balloon model '{model}'")
    dev = Memballoon(model=model)
    kids = children_by_tag(el)  # read once for <driver> and <stats>
    deflate = el.get("autodeflate")
    if deflate is not None:
        if deflate not in ("on", "off"):
            raise XMLError(f"invalid autodeflate attribute value '{deflate}'")
        dev.autodeflate = deflate == "on"
    if ctx.modern:
        reporting = prop_enum(el, "freePageReporting", ("on", "off"))
        if reporting is not None:
            dev.free_page_reporting = reporting == "on"
        found = kids.get("driver")
        dev.virtio = parse_virtio_options(found[0] if found else None)
    found = kids.get("stats")
    stats = found[0] if found else None
    if stats is not None and stats.get("period") is not None:
        try:
            dev.period = int(stats.get("period", ""), 10)
        except ValueError:
            raise XMLError("invalid statistics collection period") from None
        if not 0 <= dev.period <= 0xFFFFFFFF:
            raise XMLError("invalid statistics collection period")
    parse_device_info(el, ctx, dev.info)
    return dev


def parse_nvram(el: Element, ctx: ParseContext) -> NVRAM:
    dev = NVRAM()
    parse_device_info(el, ctx, dev.info)
    return dev


def parse_panic(el: Element, ctx: ParseContext) -> Panic:
    """virDomainPanicDefParseXML reads the device info without the
    inactive flag, so an alias in the document is always kept."""
    dev = Panic()
    parse_device_info(el, replace(ctx, inactive=False), dev.info)
    model = el.get("model")
    if model is not None:
        if model not in (PANIC_MODELS_MODERN if ctx.modern else PANIC_MODELS):
            raise XMLError(f"unknown panic model '{model}'")
        dev.model = model
    return dev


def _scaled_bytes(el: Element, what: str) -> int:
    """virDomainParseScaledValue with a scale of 1 (bytes by default)."""
    raw = (el.text or "").strip()
    try:
        number = int(raw, 10)
    except ValueError:
        raise XMLError(f"Invalid value '{raw}' for element or attribute '{what}'") from None
    if number < 0:
        raise XMLError(f"Invalid value '{raw}' for element or attribute '{what}'")
    value = scale(number, el.get("unit"), 1, what)
    if value > 2**64 - 1:
        raise XMLError(f"value of '{what}' is too large")
    return value


def parse_shmem(el: Element, ctx: ParseContext) -> Shmem:
    name = el.get("name")
    if name is None:
        raise XMLError("shmem element must contain 'name' attribute")
    dev = Shmem(name=name)
    if ctx.modern:
        parse_shmem_model(el, dev)
    size = child(el, "size")
    if size is not None:
        dev.size = _scaled_bytes(size, "./size[1]")
    server = child(el, "server")
    if server is not None:
        dev.server = True
        path = server.get("path")
        dev.server_path = sanitize_path(path) if path is not None else None
    msi = child(el, "msi")
    if msi is not None:
        dev.msi = True
        vectors = msi.get("vectors")
        if vectors is not None:
            try:
                dev.msi_vectors = parse_int(vectors, 0)
            except ValueError:
                dev.msi_vectors = -1
            if not 0 < dev.msi_vectors <= 0xFFFFFFFF:
                raise XMLError(f"invalid number of vectors for shmem: '{vectors}'")
        ioeventfd = msi.get("ioeventfd")
        if ioeventfd is not None:
            if ioeventfd not in ("on", "off"):
                raise XMLError(f"invalid msi ioeventfd setting for shmem: '{ioeventfd}'")
            dev.msi_ioeventfd = ioeventfd == "on"
    if dev.msi and not dev.server:
        raise XMLError("msi option is only supported with a server")
    parse_device_info(el, ctx, dev.info)
    return dev


def parse_memory(el: Element, ctx: ParseContext) -> MemoryDevice:
    """virDomainMemoryDefParseXML."""
    if ctx.modern:
        return parse_memory_device(el, ctx)
    model = el.get("model")
    if model is None:
        raise XMLError("missing memory model")
    if model not in MEMORY_MODELS:
        raise XMLError(f"invalid memory model '{model}'")
    dev = MemoryDevice(model=model)
    source = child(el, "source")
    if source is not None:
        dev.pagesize = parse_memory_value(child(source, "pagesize"), ctx) or 0
        mask = child(source, "nodemask")
        text = _content(mask) if mask is not None else ""
        if text:
            dev.source_nodes = parse_bitmap(text, "nodemask")
    target = child(el, "target")
    if target is None:
        raise XMLError("missing <target> element for <memory> device")
    node = child(target, "node")
    if node is not None:
        raw = _content(node).strip()
        if raw:
            try:
                dev.target_node = parse_int(raw, 10)
            except ValueError:
                raise XMLError("invalid value of memory device node") from None
            if dev.target_node < 0:
                raise XMLError("invalid value of memory device node")
    size = child(target, "size")
    if size is None:
        raise XMLError("missing element 'size' in <memory> target")
    dev.size = parse_memory_value(size, ctx, required=True) or 0
    parse_device_info(el, ctx, dev.info)
    return dev


def parse_vsock(el: Element, ctx: ParseContext) -> Vsock:
    """virDomainVsockDefParseXML (libvirt 9.0)."""
    dev = Vsock()
    model = el.get("model")
    if model is not None:
        if model not in VSOCK_MODELS:
            raise XMLError(f"unknown vsock model '{model}'")
        dev.model = model
    cid = child(el, "cid")
    if cid is not None:
        address = cid.get("address")
        if address is not None:
            if not address.isdigit() or not 3 <= int(address) <= 0xFFFFFFFF:
                raise XMLError(f"'{address}' is not a valid cid")
            dev.guest_cid = int(address)
        auto = cid.get("auto")
        if auto is not None:
            if auto not in ("yes", "no"):
                raise XMLError(f"unable to parse vsock auto value '{auto}'")
            dev.auto_cid = auto
    dev.virtio = parse_virtio_options(child(el, "driver"))
    parse_device_info(el, ctx, dev.info)
    return dev
