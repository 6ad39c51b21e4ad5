"""Unit tests of <disk>/<controller> parsing, formatting and -drive building."""

from __future__ import annotations

from lxml import etree
from qemudrv_helpers import format_with, parse_element, qemu_caps

from qemudrv.cmdline.disk_drive import build_drive_str, network_drive_uri
from qemudrv.format.controller import format_controller
from qemudrv.format.disk import format_disk
from qemudrv.model.address import DriveAddress
from qemudrv.model.disk import NetHost, StorageSource
from qemudrv.parse.context import ParseContext
from qemudrv.parse.controller import parse_controller
from qemudrv.parse.disk import parse_disk


def _roundtrip(xml: str, parse, fmt) -> str:  # type: ignore[no-untyped-def]
    return format_with(fmt, parse_element(xml, parse))


def test_disk_gets_drive_address_from_target() -> None:
    el = etree.fromstring(
        "<disk type='file' device='cdrom'><source file='/x.iso'/>"
        "<target dev='hdc' bus='ide'/><readonly/></disk>"
    )
    disk = parse_disk(el, ParseContext(qemu_caps()))
    assert disk.info.address == DriveAddress(0, 1, 0, 0)


def test_disk_roundtrip_keeps_libvirt_order() -> None:
    xml = (
        "<disk type='network' device='disk'>\n"
        "  <driver name='qemu' type='raw' cache='none'/>\n"
        "  <auth username='u'>\n    <secret type='ceph' usage='x'/>\n  </auth>\n"
        "  <source protocol='rbd' name='pool/img'>\n"
        "    <host name='mon' port='6789'/>\n  </source>\n"
        "  <target dev='vda' bus='virtio'/>\n  <serial>abc</serial>\n"
        "</disk>\n"
    )
    assert _roundtrip(xml, parse_disk, format_disk) == xml


def test_pci_controller_model_and_target_roundtrip() -> None:
    xml = (
        "<controller type='pci' index='3' model='pcie-root-port'>\n"
        "  <model name='ioh3420'/>\n  <target chassis='3' port='0x18'/>\n"
        "</controller>\n"
    )
    assert _roundtrip(xml, parse_controller, format_controller) == xml


def test_drive_str_legacy_ide_cdrom() -> None:
    el = etree.fromstring(
        "<disk type='file' device='cdrom'><source file='/a,b.iso'/>"
        "<target dev='hdc' bus='ide'/></disk>"
    )
    disk = parse_disk(el, ParseContext(qemu_caps()))
    disk.src.format = "raw"
    assert build_drive_str(disk, False, qemu_caps(), False) == (
        "file=/a,,b.iso,if=ide,media=cdrom,bus=1,unit=0,format=raw"
    )


def test_network_uris() -> None:
    nbd = StorageSource(type="network", protocol="nbd", path="bar",
                        hosts=[NetHost(transport="unix", socket="/run/sock")])
    assert network_drive_uri(nbd, None, None) == "nbd:unix:/run/sock:exportname=bar"
    gl = StorageSource(type="network", protocol="gluster", path="Vol/Img",
                       hosts=[NetHost(name="h", port=None)])
    assert network_drive_uri(gl, None, None) == "gluster://h:24007/Vol/Img"
    rbd = StorageSource(type="network", protocol="rbd", path="p/i",
                        hosts=[NetHost(name="::1", port="6321")])
    assert network_drive_uri(rbd, None, None) == (
        "rbd:p/i:auth_supported=none:mon_host=[\\:\\:1]\\:6321"
    )
