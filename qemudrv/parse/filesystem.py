"""Parsing of <filesystem> (libvirt 1.3.1's virDomainFSDefParseXML)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.disk import STORAGE_FORMATS
from ..model.filesystem import (
    FS_ACCESS_MODES,
    FS_DRIVERS,
    FS_TYPES,
    FS_WRPOLICIES,
    SOURCE_ATTRS,
    Filesystem,
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
                source = c.get(SOURCE_ATTRS[fs.type])
                seen_source = source is not None
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
        fs.driver = _enum(driver, FS_DRIVERS, "unknown fs driver type '{}'", False)
    if fmt is not None:
        if fmt not in STORAGE_FORMATS or fmt == "none":
            raise XMLError(f"unknown driver format value '{fmt}'")
        fs.format = fmt
    if wrpolicy is not None:
        fs.wrpolicy = _enum(
            wrpolicy, FS_WRPOLICIES, "unknown filesystem write policy '{}'", False
        )

    if source is None and fs.type != "ram":
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
    parse_device_info(el, ctx, fs.info)
    return fs
