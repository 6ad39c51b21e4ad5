"""Unit tests of <hostdev>: parsing, formatting, SCSI address defaults and
the command line of PCI, USB and SCSI host devices."""

from __future__ import annotations

import pytest
from lxml import etree
from qemudrv_helpers import format_with, parse_element, qemu_caps, with_root_controllers

from qemudrv.cmdline.hostdev import build_pci_hostdev_device, usb_host_device
from qemudrv.defaults.hostdev import hostdev_post_parse, set_default_backend
from qemudrv.errors import UnsupportedError, XMLError
from qemudrv.format.hostdev import format_hostdev
from qemudrv.model.address import DriveAddress, PCIAddress
from qemudrv.model.controller import Controller
from qemudrv.model.domain import Domain
from qemudrv.model.hostdev import Hostdev
from qemudrv.parse.context import ParseContext
from qemudrv.parse.hostdev import parse_hostdev, parse_hostdev_source


def _parse(xml: str) -> Hostdev:
    return parse_element(xml, parse_hostdev)


def _format(hd: Hostdev) -> str:
    return format_with(format_hostdev, hd)


def _scsi(unit: int, address: str = "") -> str:
    return (
        "<hostdev mode='subsystem' type='scsi' managed='yes'><source>"
        f"<adapter name='scsi_host0'/><address bus='0' target='0' unit='{unit}'/>"
        f"</source>{address}</hostdev>"
    )


def test_pci_roundtrip_with_driver_boot_and_rom() -> None:
    xml = (
        "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
        "  <driver name='vfio'/>\n"
        "  <source>\n"
        "    <address domain='0x0000' bus='0x06' slot='0x12' function='0x5'/>\n"
        "  </source>\n"
        "  <boot order='1'/>\n"
        "  <rom bar='off' file='/etc/fake/bootrom.bin'/>\n"
        "</hostdev>\n"
    )
    assert _format(_parse(xml)) == xml


def test_usb_vendor_without_product_is_rejected() -> None:
    with pytest.raises(XMLError, match="missing product"):
        _parse(
            "<hostdev mode='subsystem' type='usb'><source>"
            "<vendor id='0x1234'/></source></hostdev>"
        )


def test_sgio_only_for_scsi() -> None:
    with pytest.raises(XMLError, match="sgio is only supported"):
        _parse(
            "<hostdev mode='subsystem' type='pci' sgio='unfiltered'><source>"
            "<address domain='0' bus='1' slot='2' function='3'/></source></hostdev>"
        )


def test_source_helper_reads_type_from_address() -> None:
    el = etree.fromstring(
        "<interface type='hostdev'><source>"
        "<address type='pci' domain='0x0002' bus='0x06' slot='0x12' function='0x5'/>"
        "</source></interface>"
    )
    hd = Hostdev()
    parse_hostdev_source(el, ParseContext(qemu_caps()), hd)
    assert (hd.type, hd.domain, hd.bus, hd.slot, hd.function) == ("pci", 2, 6, 0x12, 5)


def test_scsi_units_fill_controllers_then_imply_the_next_one() -> None:
    """Unit 7 is the controller's own; a full bus sends the hostdev to a
    controller added afterwards, which later hostdevs fill in turn."""
    dom = with_root_controllers(Domain())
    dom.devices.controllers.append(Controller(type="scsi", index=0, model="virtio-scsi"))
    dom.devices.hostdevs = [_parse(_scsi(i)) for i in range(7)]
    dom.devices.hostdevs += [
        _parse(_scsi(7)),
        _parse(_scsi(8, "<address type='drive' controller='1' bus='0' target='0' unit='1'/>")),
        _parse(_scsi(9)),
    ]
    hostdev_post_parse(dom, qemu_caps())
    units = [(h.info.address.controller, h.info.address.unit) for h in dom.devices.hostdevs]
    assert units[:7] == [(0, u) for u in range(7)]
    assert units[7:] == [(1, 0), (1, 1), (1, 2)]


def test_default_backend_comes_from_config() -> None:
    dom = with_root_controllers(Domain())
    hd = _parse(
        "<hostdev mode='subsystem' type='pci'><source>"
        "<address domain='0' bus='6' slot='0x12' function='5'/></source></hostdev>"
    )
    dom.devices.hostdevs.append(hd)
    set_default_backend(dom, qemu_caps(hostdev_pci_backend_default="kvm"))
    assert hd.backend == "kvm"


def test_pci_device_string_and_multidomain_gate() -> None:
    dom = with_root_controllers(Domain())
    hd = Hostdev(type="pci", backend="vfio", domain=0x55, bus=6, slot=0x12, function=5)
    hd.info.alias = "hostdev0"
    hd.info.address = PCIAddress(0, 0, 3, 0)
    with pytest.raises(UnsupportedError, match="non-zero domain='0055'"):
        build_pci_hostdev_device(hd, dom, qemu_caps("device"))
    opt = build_pci_hostdev_device(
        hd, dom, qemu_caps("device", "host-pci-multidomain"), alias="hostdev3", bootindex=2
    )
    assert opt.startswith("vfio-pci,host=0055:06:12.5,id=hostdev3,bootindex=2")
    assert hd.info.alias == "hostdev0"


def test_usb_host_device() -> None:
    hd = Hostdev(type="usb", bus=14, device=6)
    hd.info.alias = "hostdev0"
    assert usb_host_device(with_root_controllers(Domain()), hd, qemu_caps("device")) == (
        "usb-host,hostbus=14,hostaddr=6,id=hostdev0"
    )


def test_scsi_hostdev_keeps_explicit_drive_address() -> None:
    hd = _parse(_scsi(3, "<address type='drive' controller='0' bus='0' target='2' unit='4'/>"))
    assert hd.info.address == DriveAddress(0, 0, 2, 4)
