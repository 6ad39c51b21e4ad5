"""Parsing of <input>."""

from __future__ import annotations

import re

from ..errors import ConfigError, XMLError
from ..model.address import USBAddress
from ..model.input import INPUT_BUSES, INPUT_TYPES, Input
from ..xmlreader import Element, child, elements
from .context import ParseContext
from .device_info import parse_device_info

X86_ARCHES = ("i686", "x86_64")


def guest_os(el: Element) -> tuple[str, str | None]:
    """(os type, arch) of the domain document ``el`` belongs to; parsers of
    a single device need them for libvirt's per-guest defaults."""
    root = el.getroottree().getroot()
    os_ = child(root, "os")
    type_ = child(os_, "type") if os_ is not None else None
    if type_ is None:
        return "hvm", None
    return (type_.text or "hvm").strip(), type_.get("arch")


def sanitize_path(path: str) -> str:
    """virFileSanitizePath: collapse repeated and trailing slashes."""
    out = re.sub(r"/{2,}", "/", path)
    if len(out) > 1 and out.endswith("/"):
        out = out[:-1]
    return out


def parse_input(el: Element, ctx: ParseContext) -> Input:
    """virDomainInputDefParseXML."""
    type_ = el.get("type")
    bus = el.get("bus")
    if type_ is None:
        raise XMLError("missing input device type")
    if type_ not in INPUT_TYPES:
        raise XMLError(f"unknown input device type '{type_}'")
    os_type, arch = guest_os(el)
    dev = Input(type=type_)
    if bus is not None:
        if bus not in INPUT_BUSES:
            raise XMLError(f"unknown input bus type '{bus}'")
        if os_type == "hvm":
            if bus == "ps2" and type_ == "tablet":
                raise ConfigError(f"ps2 bus does not support {type_} input device")
            if bus == "xen":
                raise ConfigError(f"unsupported input bus {bus}")
        else:
            if bus != "xen":
                raise ConfigError(f"unsupported input bus {bus}")
            if type_ not in ("mouse", "keyboard"):
                raise ConfigError(f"xen bus does not support {type_} input device")
        dev.bus = bus
    elif os_type == "hvm":
        x86 = arch is None or arch in X86_ARCHES
        dev.bus = "ps2" if type_ in ("mouse", "keyboard") and x86 else "usb"
    else:
        dev.bus = "xen"
    parse_device_info(el, ctx, dev.info)
    if dev.bus == "usb" and dev.info.address is not None and not isinstance(
        dev.info.address, USBAddress
    ):
        raise XMLError("Invalid address for a USB device")
    for src in elements(el, "source"):
        evdev = src.get("evdev")
        if evdev:
            dev.evdev = sanitize_path(evdev)
        break
    if dev.type == "passthrough" and dev.evdev is None:
        raise XMLError("Missing evdev path for input device passthrough")
    return dev
