"""Post-parse defaults of <input>: the implicit mouse and keyboard."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..model.domain import Domain
from ..model.input import Input
from .chardev import dom_arch, dom_os_type


def add_implicit_inputs(dom: Domain, caps: Any = None) -> None:
    """With graphics, an x86 guest always has a mouse and a keyboard (PS/2
    for HVM, the Xen bus otherwise): add them unless already listed.
    libvirt 9.0 gives every x86 guest the PS/2 pair, graphics or not
    (qemuDomainDefAddImplicitInputDevice)."""
    arch = dom_arch(dom)
    if dom.modern:
        _check_usb_inputs(dom)
        if arch in ("i686", "x86_64"):
            _maybe_add(dom, "ps2")
        elif arch in ("ppc64", "ppc64le") and dom.devices.graphics:
            # qemuDomainDefAddDefaultDevices: ppc64 guests with graphics get a
            # USB keyboard, and a USB mouse unless a USB tablet points already.
            tablet = any(i.type == "tablet" and i.bus == "usb" for i in dom.devices.inputs)
            _maybe_add(dom, "usb", ("keyboard",) if tablet else ("keyboard", "mouse"))
        return
    if not dom.devices.graphics:
        return
    if arch not in ("", "i686", "x86_64"):
        return
    _maybe_add(dom, "ps2" if dom_os_type(dom) == "hvm" else "xen")


def _check_usb_inputs(dom: Domain) -> None:
    """virDomainDefParseXML (libvirt 9.0) refuses USB inputs when USB is off."""
    usb_none = any(c.type == "usb" and c.model == "none" for c in dom.devices.controllers)
    if usb_none and any(i.bus == "usb" for i in dom.devices.inputs):
        raise ConfigError("Can't add USB input device. USB bus is disabled")


def _maybe_add(dom: Domain, bus: str, types: tuple[str, ...] = ("mouse", "keyboard")) -> None:
    present = {(i.type, i.bus) for i in dom.devices.inputs}
    for type_ in types:
        if (type_, bus) not in present:
            dom.devices.inputs.append(Input(type=type_, bus=bus))
