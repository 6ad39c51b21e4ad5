"""Formatting of <redirdev> and <redirfilter>."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.redirdev import RedirFilterUSBDev
from ..xmlwriter import XMLWriter
from .chardev import format_chr_source
from .context import FormatContext
from .device_info import format_device_info


def format_redirdevs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.redirdevs:
        w.start("redirdev", ("bus", dev.bus), ("type", dev.source.type))
        format_chr_source(w, dev.source, ctx)
        format_device_info(w, dev.info, ctx, allow_boot=True)
        w.end("redirdev")


def version_text(version: int) -> str:
    """0x0110 -> '1.10'."""
    major = ((version & 0xF000) >> 12) * 10 + ((version & 0x0F00) >> 8)
    minor = ((version & 0x00F0) >> 4) * 10 + (version & 0x000F)
    return f"{major}.{minor:02d}"


def _usbdev(w: XMLWriter, dev: RedirFilterUSBDev) -> None:
    out = "<usbdev"
    if dev.usb_class >= 0:
        out += f" class='0x{dev.usb_class:02X}'"
    if dev.vendor >= 0:
        out += f" vendor='0x{dev.vendor:04X}'"
    if dev.product >= 0:
        out += f" product='0x{dev.product:04X}'"
    if dev.version >= 0:
        out += f" version='{version_text(dev.version)}'"
    w.line(out + f" allow='{'yes' if dev.allow else 'no'}'/>")


def format_redirfilter(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    filt = dom.devices.redirfilter
    if filt is None:
        return
    w.start("redirfilter")
    for dev in filt.usbdevs:
        _usbdev(w, dev)
    w.end("redirfilter")
