"""Formatting of <input>."""

from __future__ import annotations

from ..defaults.chardev import dom_arch, dom_os_type
from ..model.domain import Domain
from ..model.input import Input
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info
from .virtio_options import virtio_options_attrs


def _format_modern_input(w: XMLWriter, dev: Input, ctx: FormatContext) -> None:
    """virDomainInputDefFormat (libvirt 9.0)."""
    body = w.child()
    driver = virtio_options_attrs(dev.virtio)
    if driver:
        body.empty("driver", *driver)
    source: list[tuple[str, str | None]] = [
        ("dev" if dev.type == "evdev" else "evdev", dev.evdev), ("grab", dev.grab),
        ("grabToggle", dev.grab_toggle),
        ("repeat", None if dev.repeat is None else "on" if dev.repeat else "off")]
    if any(v is not None for _, v in source):
        body.empty("source", *source)
    format_device_info(body, dev.info, ctx)
    w.wrap("input", body, ("type", dev.type), ("bus", None if dev.bus == "none" else dev.bus),
           ("model", dev.model))


def format_input(w: XMLWriter, dev: Input, ctx: FormatContext) -> None:
    """virDomainInputDefFormat."""
    if ctx.modern:
        _format_modern_input(w, dev, ctx)
        return
    body = w.child()
    if dev.evdev is not None:
        body.empty("source", ("evdev", dev.evdev))
    format_device_info(body, dev.info, ctx)
    w.wrap("input", body, ("type", dev.type), ("bus", dev.bus))


def format_inputs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    """USB and virtio inputs as defined; PS/2 (or Xen) ones only as the
    mouse and keyboard every x86 guest with graphics has. libvirt 9.0
    writes every input as listed."""
    if dom.modern:
        for dev in dom.devices.inputs:
            format_input(w, dev, ctx)
        return
    for dev in dom.devices.inputs:
        if dev.bus in ("usb", "virtio"):
            format_input(w, dev, ctx)
    if dom.devices.graphics and dom_arch(dom) in ("", "i686", "x86_64"):
        bus = "ps2" if dom_os_type(dom) == "hvm" else "xen"
        for type_ in ("mouse", "keyboard"):
            format_input(w, Input(type=type_, bus=bus), ctx)
