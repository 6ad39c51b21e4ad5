"""Builders shared by the qemudrv unit tests.

Two levels: the family functions (parse, format, command line) work on a
``Domain`` with a bare ``QemuCaps`` (``qemu_caps``, ``device_domain``,
``parse_element``, ``format_with``); whole conversions go through the
driver with a small capability set of x86_64, s390x, ppc64 and aarch64
guests (``driver_caps``, ``domain_xml``, ``argv``, ``xml``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any, TypeVar

from lxml import etree

from harness.protocol import Capabilities
from qemudrv.caps import QemuCaps
from qemudrv.driver import QemuDriver
from qemudrv.format.context import FormatContext
from qemudrv.model.controller import Controller
from qemudrv.model.domain import Domain
from qemudrv.parse.context import ParseContext
from qemudrv.parse.devices import parse_devices
from qemudrv.xmlreader import Element, child, parse_document
from qemudrv.xmlwriter import XMLWriter

T = TypeVar("T")

# -- family functions ----------------------------------------------------------


def qemu_caps(*flags: str, **config: Any) -> QemuCaps:
    """Capabilities with ``flags`` and ``config`` and next to no host data."""
    tables = MappingProxyType({
        "env": MappingProxyType({"set": MappingProxyType({})}),
        "host": MappingProxyType({"arch": "x86_64"}),
    })
    return QemuCaps(
        Capabilities("test", frozenset(flags), MappingProxyType(dict(config)), tables)
    )


def device_domain(devices: str, *, arch: str = "x86_64", machine: str = "pc",
                  active: bool = False, flags: tuple[str, ...] = ()) -> Domain:
    """A domain holding only ``devices`` (parsed with the family parsers)."""
    text = (
        f"<domain type='qemu'><name>d</name><os><type arch='{arch}' machine='{machine}'>"
        f"hvm</type></os><devices>{devices}</devices></domain>"
    )
    root = parse_document(text)
    dom = Domain(name="d")
    ctx = ParseContext(qemu_caps(*flags), inactive=not active)
    dom.devices = parse_devices(child(root, "devices"), ctx)
    dom.os.type, dom.os.arch, dom.os.machine = "hvm", arch, machine
    return with_root_controllers(dom)


def with_root_controllers(dom: Domain) -> Domain:
    """Give ``dom`` the pci-root and USB controllers (with their aliases)
    that device addresses refer to on the command line."""
    root = Controller(type="pci", index=0, model="pci-root")
    root.info.alias = "pci.0"
    usb = Controller(type="usb", index=0)
    usb.info.alias = "usb"
    dom.devices.controllers[:0] = [root, usb]
    return dom


def parse_element(
    xml: str, parse: Callable[[Element, ParseContext], T], *, inactive: bool = True
) -> T:
    """One element parsed by a family parser."""
    return parse(etree.fromstring(xml), ParseContext(qemu_caps(), inactive=inactive))


def format_with(
    fmt: Callable[[XMLWriter, T, FormatContext], None], subject: T, *, inactive: bool = True
) -> str:
    """What a family formatter writes for ``subject`` (a device or a domain)."""
    w = XMLWriter()
    fmt(w, subject, FormatContext(inactive=inactive))
    return w.text()


# -- whole conversions ---------------------------------------------------------

_GUESTS = tuple(
    MappingProxyType({
        "os_type": "hvm", "arch": arch, "wordsize": 64, "emulator": emulator,
        "machines": tuple(MappingProxyType({"name": m}) for m in machines),
        "domains": (MappingProxyType({"type": "qemu"}), MappingProxyType({"type": "kvm"})),
    })
    for arch, emulator, machines in (
        ("x86_64", "/usr/bin/qemu-system-x86_64", ("pc",)),
        ("s390x", "/usr/bin/qemu-system-s390x", ("s390-ccw-virtio",)),
        ("ppc64", "/usr/bin/qemu-system-ppc64", ("pseries",)),
        ("aarch64", "/usr/bin/qemu-system-aarch64", ("virt",)),
    )
)


def driver_caps(*flags: str, **config: Any) -> Capabilities:
    tables = {
        "guests": _GUESTS,
        "host": MappingProxyType({
            "arch": "x86_64", "page_size": 4096, "numa_max_node": 7,
            "tpm_cancel_path": "/sys/class/misc/tpm0/device/cancel", "scsi_sg_name": "sg0",
        }),
        "monitor": MappingProxyType({"type": "unix", "path": "/tmp/mon", "listen": True}),
        "secrets": MappingProxyType({"value": "s3cret", "usage_id": "myusage"}),
    }
    return Capabilities("test", frozenset(flags), MappingProxyType(dict(config)),
                        MappingProxyType(tables))


def domain_xml(devices: str, arch: str = "x86_64", machine: str = "pc", extra: str = "") -> str:
    return f"""<domain type='qemu'>
  <name>t</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>219136</memory>
  <vcpu>1</vcpu>
  <os><type arch='{arch}' machine='{machine}'>hvm</type></os>
  {extra}
  <devices>
{devices}
  </devices>
</domain>
"""


def argv(xml: str, *flags: str, **config: Any) -> str:
    return QemuDriver().xml_to_argv(xml, driver_caps(*flags, **config)).output


def xml(text: str, *, active: bool = False) -> str:
    return QemuDriver().xml_to_xml(text, driver_caps(), active=active).output
