"""Small builders shared by the qemudrv unit tests."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from harness.protocol import Capabilities
from qemudrv.caps import QemuCaps
from qemudrv.model.domain import Domain
from qemudrv.parse.context import ParseContext
from qemudrv.parse.devices import parse_devices
from qemudrv.xmlreader import child, parse_document


def caps(*flags: str, **config: Any) -> QemuCaps:
    tables = MappingProxyType({"env": MappingProxyType({"set": MappingProxyType({})})})
    return QemuCaps(
        Capabilities("test", frozenset(flags), MappingProxyType(dict(config)), tables)
    )


def domain(devices: str, *, arch: str = "x86_64", machine: str = "pc",
           active: bool = False, flags: tuple[str, ...] = ()) -> Domain:
    """A domain holding only ``devices`` (parsed with the family parsers)."""
    text = (
        f"<domain type='qemu'><name>d</name><os><type arch='{arch}' machine='{machine}'>"
        f"hvm</type></os><devices>{devices}</devices></domain>"
    )
    root = parse_document(text)
    dom = Domain(name="d")
    dom.devices = parse_devices(child(root, "devices"), ParseContext(caps(*flags), inactive=not active))
    dom.os.type, dom.os.arch, dom.os.machine = "hvm", arch, machine
    return with_root_controllers(dom)


def with_root_controllers(dom: Domain) -> Domain:
    """Give ``dom`` the pci-root and USB controllers (with their aliases)
    that device addresses refer to on the command line."""
    from qemudrv.model.controller import Controller

    root = Controller(type="pci", index=0, model="pci-root")
    root.info.alias = "pci.0"
    usb = Controller(type="usb", index=0)
    usb.info.alias = "usb"
    dom.devices.controllers[:0] = [root, usb]
    return dom
