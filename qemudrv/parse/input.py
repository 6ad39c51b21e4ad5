"""Parsing of <input>."""

from __future__ import annotations

import re

from ..errors import ConfigError, XMLError
from ..model.address import USBAddress
from ..model.input import (
    INPUT_BUSES,
    INPUT_GRAB_TOGGLES,
    INPUT_GRABS,
    INPUT_MODELS,
    INPUT_TYPES,
    MODERN_INPUT_BUSES,
    MODERN_INPUT_TYPES,
    Input,
)
from ..xmlreader import Element, child, children_by_tag, elements
from .context import ParseContext
from .device_info import parse_device_info
from .virtio_options import parse_virtio_options

X86_ARCHES = ("i686", "x86_64")


def guest_os(el: Element) -> tuple[str, str | None]:
    """(os type, arch) of the domain document ``el`` belongs to; parsers of
    a single device need them for libvirt's per-guest defaults."""
    root = el.getroottree().getroot()
    found = children_by_tag(root).get("os")
    type_ = child(found[0], "type") if found else None
    if type_ is None:
        return "hvm", None
    return (type_.text or "hvm").strip(), type_.get("arch")


def sanitize_path(path: str) -> str:
    """virFileSanitizePath: collapse repeated and trailing slashes."""
    out = re.sub(r"/{2,}", "/", path)
    if len(out) > 1 and out.endswith("/"):
        out = out[:-1]
    return out


def _modern_default_bus(type_: str, os_type: str, arch: str | None) -> str:
    if os_type != "hvm":
        return "xen"
    if type_ in ("mouse", "keyboard") and (arch is None or arch in X86_ARCHES):
        return "ps2"
    if (arch or "").startswith("s390") or type_ == "passthrough":
        return "virtio"
    return "none" if type_ == "evdev" else "usb"


def _enum(source: Element, name: str, choices: tuple[str, ...]) -> str | None:
    value = source.get(name)
    if value is not None and value not in choices:
        raise XMLError(f"Invalid value for attribute '{name}' in element 'source': "
                       f"'{value}'.")
    return value


def parse_modern_input(el: Element, ctx: ParseContext) -> Input:
    """virDomainInputDefParseXML (libvirt 9.0): the bus checks are
    validation's."""
    type_, bus, model = el.get("type"), el.get("bus"), el.get("model")
    if type_ is None:
        raise XMLError("missing input device type", code="internal error")
    if type_ not in MODERN_INPUT_TYPES:
        raise ConfigError(f"unknown input device type '{type_}'")
    if model is not None and model not in INPUT_MODELS:
        raise ConfigError(f"unknown input model '{model}'")
    if bus is not None and bus not in MODERN_INPUT_BUSES:
        raise ConfigError(f"unknown input bus type '{bus}'")
    os_type, arch = guest_os(el)
    dev = Input(type=type_, bus=bus or _modern_default_bus(type_, os_type, arch), model=model)
    parse_device_info(el, ctx, dev.info)
    if dev.bus == "usb" and dev.info.address is not None and not isinstance(
        dev.info.address, USBAddress
    ):
        raise XMLError("Invalid address for a USB device")
    kids = children_by_tag(el)  # read once for <source> and <driver>
    found = kids.get("source")
    source = found[0] if found else None
    # only passthrough (evdev=) and evdev (dev=) inputs read a host device
    path_attr = {"passthrough": "evdev", "evdev": "dev"}.get(type_)
    if source is not None and path_attr is not None:
        evdev = source.get(path_attr)
        if evdev:
            dev.evdev = sanitize_path(evdev)
        if dev.evdev is None:
            raise XMLError("Missing evdev path for input device")
        if type_ == "evdev":
            dev.grab = _enum(source, "grab", INPUT_GRABS)
            dev.grab_toggle = _enum(source, "grabToggle", INPUT_GRAB_TOGGLES)
            repeat = _enum(source, "repeat", ("on", "off"))
            dev.repeat = None if repeat is None else repeat == "on"
    found = kids.get("driver")
    dev.virtio = parse_virtio_options(found[0] if found else None)
    return dev


def parse_input(el: Element, ctx: ParseContext) -> Input:
    """virDomainInputDefParseXML."""
    if ctx.modern:
        return parse_modern_input(el, ctx)
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
