"""Parsing of <filesystem> (libvirt 1.3.1's virDomainFSDefParseXML; a 9.0
set adds virtiofs, 9p modes and virtio options)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.disk import STORAGE_FORMATS, VIRTIO_OPTIONS
from ..model.filesystem import (
    FS_ACCESS_MODES,
    FS_CACHE_MODES,
    FS_DRIVERS,
    FS_MODELS,
    FS_MULTIDEVS,
    FS_SANDBOX_MODES,
    FS_TYPES,
    FS_WRPOLICIES,
    MODERN_FS_DRIVERS,
    SOURCE_ATTRS,
    Filesystem,
    VirtiofsBinary,
)
from ..xmlreader import Element, child, elements, scale
from .context import ParseContext
from .device_info import parse_device_info

_ULLONG_MAX = 2**64 - 1


def _scaled_bytes(el: Element | None, what: str) -> int:
    """virDomainParseScaledValue with a scale of 1: bytes unless a unit says
    otherwise; 0 when the element is absent."""
    if el is None:
        return 0
    raw = (el.text or "").strip()
    try:
        number = int(raw, 10)
    except ValueError:
        raise XMLError(f"could not parse element {what}") from None
    if number < 0:
        raise XMLError(f"could not parse element {what}")
    value = scale(number, el.get("unit"), 1, what)
    if value > _ULLONG_MAX:
        raise XMLError(f"value of {what} is too large")
    return value


def _enum(value: str, choices: tuple[str, ...], message: str, allow_first: bool) -> str:
    """virXXXTypeFromString; the first (default) value is refused where
    libvirt checks for ``<= 0``."""
    if value not in choices or (not allow_first and value == choices[0]):
        raise XMLError(message.format(value))
    return value


def _parse_ram_usage(usage: str | None, units: str | None) -> int:
    if usage is None:
        raise XMLError("missing 'usage' attribute for RAM filesystem")
    try:
        number = int(usage.strip(), 10)
    except ValueError:
        raise XMLError(f"cannot parse usage '{usage}' for RAM filesystem") from None
    if number < 0:
        raise XMLError(f"cannot parse usage '{usage}' for RAM filesystem")
    value = scale(number, units, 1024, "filesystem source")
    if value > _ULLONG_MAX:
        raise XMLError("usage of RAM filesystem is too large")
    return value


def _switch(el: Element | None, name: str) -> bool | None:
    """virXMLPropTristateSwitch of an optional element."""
    if el is None or el.get(name) is None:
        return None
    value = el.get(name)
    if value not in ("on", "off"):
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{value}'. Expected 'on' or 'off'")
    return value == "on"


def _choice(el: Element | None, name: str, choices: tuple[str, ...]) -> str | None:
    """virXMLPropEnum of an optional element."""
    if el is None or el.get(name) is None:
        return None
    value = el.get(name)
    if value not in choices:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{value}'.")
    return value


def _mode(el: Element, name: str) -> int:
    value = el.get(name)
    if value is None:
        return 0
    try:
        number = int(value, 8)
    except ValueError:
        raise XMLError(f"Invalid value for attribute '{name}' in element 'filesystem': "
                       f"'{value}'. Expected octal integer value") from None
    if number > 0o777:
        raise XMLError(f"invalid {name}: '0{number:o}'")
    return number


def _parse_modern(el: Element, fs: Filesystem) -> None:
    """libvirt 9.0's virDomainFSDefParseXML additions: 9p modes, model and
    multidevs, virtio options, and how virtiofsd runs."""
    if el.get("accessmode") is None and fs.socket is not None:
        fs.accessmode = ""  # post-parse leaves an external virtiofsd's mode unset
    fs.fmode = _mode(el, "fmode")
    fs.dmode = _mode(el, "dmode")
    fs.model = _choice(el, "model", FS_MODELS)
    fs.multidevs = _choice(el, "multidevs", FS_MULTIDEVS)
    driver = child(el, "driver")
    if driver is not None:
        for name in VIRTIO_OPTIONS:
            value = _switch(driver, name)
            if value is not None:
                fs.virtio[name] = value
    if fs.driver != "virtiofs":
        return
    queue = driver.get("queue") if driver is not None else None
    if queue is not None:
        try:
            fs.queue_size = int(queue, 10)
        except ValueError:
            raise XMLError(f"cannot parse queue size '{queue}' for virtiofs") from None
    binary_el = child(el, "binary")
    binary = VirtiofsBinary()
    if binary_el is not None:
        binary.path = binary_el.get("path")
        binary.xattr = _switch(binary_el, "xattr")
        binary.cache = _choice(child(binary_el, "cache"), "mode", FS_CACHE_MODES)
        binary.sandbox = _choice(child(binary_el, "sandbox"), "mode", FS_SANDBOX_MODES)
        lock = child(binary_el, "lock")
        binary.posix_lock = _switch(lock, "posix")
        binary.flock = _switch(lock, "flock")
        pool = child(binary_el, "thread_pool")
        size = pool.get("size") if pool is not None else None
        if size is not None:
            try:
                binary.thread_pool_size = int(size, 10)
            except ValueError:
                raise XMLError(f"cannot parse thread pool size '{size}' for virtiofs") from None
    fs.binary = binary


def parse_filesystem(el: Element, ctx: ParseContext) -> Filesystem:
    fs = Filesystem()
    type_ = el.get("type")
    if type_ is not None:
        fs.type = _enum(type_, FS_TYPES, "unknown filesystem type '{}'", True)
    accessmode = el.get("accessmode")
    if accessmode is not None:
        fs.accessmode = _enum(accessmode, FS_ACCESS_MODES, "unknown accessmode '{}'", True)
    fs.space_hard_limit = _scaled_bytes(child(el, "space_hard_limit"), "./space_hard_limit[1]")
    fs.space_soft_limit = _scaled_bytes(child(el, "space_soft_limit"), "./space_soft_limit[1]")

    source = target = usage = units = None
    seen_source = seen_target = seen_driver = False
    driver = wrpolicy = fmt = None
    for c in elements(el):
        if c.tag == "source" and not seen_source:
            # the first <source> counts, even without the attribute
            if fs.type == "ram":
                # libvirt keeps no source string here: the last <source> wins
                usage, units = c.get("usage"), c.get("units")
            else:
                if ctx.modern and fs.type in ("mount", "bind"):
                    fs.socket = c.get("socket")
                source = c.get(SOURCE_ATTRS[fs.type])
                seen_source = source is not None or fs.socket is not None
        elif c.tag == "target" and not seen_target:
            target = c.get("dir")
            seen_target = target is not None
        elif c.tag == "readonly":
            fs.readonly = True
        elif c.tag == "driver" and not seen_driver:
            driver, wrpolicy = c.get("type"), c.get("wrpolicy")
            # only a file-backed filesystem has an image format
            if fs.type == "file":
                fmt = c.get("format")
            seen_driver = driver is not None
    if driver is not None:
        drivers = MODERN_FS_DRIVERS if ctx.modern else FS_DRIVERS
        fs.driver = _enum(driver, drivers, "unknown fs driver type '{}'", False)
    if ctx.modern:
        _parse_modern(el, fs)
    if fmt is not None:
        if fmt not in STORAGE_FORMATS or fmt == "none":
            raise XMLError(f"unknown driver format value '{fmt}'")
        fs.format = fmt
    if wrpolicy is not None:
        fs.wrpolicy = _enum(
            wrpolicy, FS_WRPOLICIES, "unknown filesystem write policy '{}'", False
        )

    if source is None and fs.type != "ram" and fs.socket is None:
        raise XMLError(
            f"missing source information for {target}" if target else "missing source information"
        )
    if target is None:
        raise XMLError(
            f"missing target information for {source}" if source else "missing target information"
        )
    if fs.type == "ram":
        fs.usage = _parse_ram_usage(usage, units)
    fs.source, fs.target = source, target
    parse_device_info(el, ctx, fs.info, allow_boot=ctx.modern)
    return fs
