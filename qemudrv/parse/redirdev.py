"""Parsing of <redirdev> and <redirfilter>."""

from __future__ import annotations

import re

from ..errors import ConfigError, XMLError
from ..model.address import USBAddress
from ..model.chardev import CHR_TYPES, CHR_TYPES_MODERN, ChrSource
from ..model.redirdev import REDIRDEV_BUSES, Redirdev, RedirFilter, RedirFilterUSBDev
from ..xmlreader import Element, elements, parse_int
from .chardev import parse_chr_source
from .context import ParseContext
from .device_info import parse_device_info


def parse_redirdev(el: Element, ctx: ParseContext) -> Redirdev:
    """virDomainRedirdevDefParseXML."""
    bus = el.get("bus")
    dev = Redirdev()
    if bus is not None:
        if bus not in REDIRDEV_BUSES:
            raise XMLError(f"unknown redirdev bus '{bus}'")
        dev.bus = bus
    type_ = el.get("type")
    if type_ is None:
        raise XMLError("missing type in redirdev")
    if type_ not in (CHR_TYPES_MODERN if ctx.modern else CHR_TYPES):
        raise XMLError(f"unknown redirdev character device type '{type_}'",
                       code="unsupported configuration" if ctx.modern else None)
    dev.source = parse_chr_source(el, ctx, ChrSource(type=type_))
    if type_ == "spicevmc":
        dev.source.spicevmc = "usbredir"
    if type_ == "dbus" and not dev.source.channel:
        dev.source.channel = "org.qemu.usbredir"
    parse_device_info(el, ctx, dev.info, allow_boot=True)
    if dev.bus == "usb" and dev.info.address is not None and not isinstance(
        dev.info.address, USBAddress
    ):
        raise XMLError("Invalid address for a USB device")
    return dev


def _int_attr(el: Element, name: str, message: str) -> int:
    value = el.get(name)
    if value is None:
        return -1
    try:
        number = parse_int(value, 0)
    except ValueError:
        raise XMLError(f"{message} {value}") from None
    if not -(2**31) <= number < 2**31:
        raise XMLError(f"{message} {value}")
    return number


_VERSION = re.compile(r"^\s*\+?(\d+)\.\+?(\d+)$")


def parse_usb_version(version: str) -> int:
    """'1.10' -> 0x0110 (binary-coded decimal, as USB writes it)."""
    m = _VERSION.match(version)
    if not m:
        raise ConfigError(f"Cannot parse USB device version {version}")
    major, minor_text = int(m.group(1)), m.group(2)
    minor = int(minor_text)
    if major >= 100 or minor >= 100:
        raise ConfigError(f"Cannot parse USB device version {version}")
    if len(minor_text) == 1:
        minor *= 10  # "1.1" means 1.10, not 1.01
    return (major // 10) << 12 | (major % 10) << 8 | (minor // 10) << 4 | (minor % 10)


def _parse_usbdev(el: Element) -> RedirFilterUSBDev:
    dev = RedirFilterUSBDev()
    dev.usb_class = _int_attr(el, "class", "Cannot parse USB Class code")
    if dev.usb_class != -1 and dev.usb_class & ~0xFF:
        raise XMLError(f"Invalid USB Class code {el.get('class')}")
    dev.vendor = _int_attr(el, "vendor", "Cannot parse USB vendor ID")
    dev.product = _int_attr(el, "product", "Cannot parse USB product ID")
    version = el.get("version")
    if version is not None and version != "-1":
        dev.version = parse_usb_version(version)
    allow = el.get("allow")
    if allow is None:
        raise XMLError("Missing allow attribute for USB redirection filter")
    if allow not in ("yes", "no"):
        raise XMLError("Invalid allow value, either 'yes' or 'no'")
    dev.allow = allow == "yes"
    return dev


def parse_redirfilter(el: Element, ctx: ParseContext) -> RedirFilter:
    return RedirFilter(usbdevs=[_parse_usbdev(c) for c in elements(el, "usbdev")])
