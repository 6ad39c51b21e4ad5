"""libvirt 9.0's address assignment: USB ports, bus names, pSeries PHBs."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest
from qemudrv_helpers import domain_xml
from test_modern_cmdline import argv, modern_caps, option

from harness.protocol import Capabilities, DefinitionRejected
from qemudrv.driver import QemuDriver


def _devices(args: list[str]) -> list[dict[str, object]]:
    return [json.loads(d) for d in option(args, "-device")]


def test_usb_devices_get_the_first_free_ports_of_the_controllers() -> None:
    args = argv("""
    <input type='tablet' bus='usb'/>
    <input type='keyboard' bus='usb'><address type='usb' bus='0' port='1'/></input>""",
                modern_caps("usb-kbd"))
    devices = {d["id"]: d for d in _devices(args)}
    assert devices["input1"]["port"] == "1"
    assert (devices["input0"]["bus"], devices["input0"]["port"]) == ("usb.0", "2")


def test_more_usb_devices_than_ports_add_a_hub() -> None:
    # A PIIX3 UHCI has two ports: the hub takes port 1, the devices port 2
    # and the hub's first ports.
    xml = domain_xml("<input type='tablet' bus='usb'/>" * 3)
    out = QemuDriver().xml_to_argv(xml, modern_caps()).output
    assert '"port":"2"' in out and '"port":"1.1"' in out and '"port":"1.2"' in out


def test_a_port_taken_twice_is_refused() -> None:
    xml = domain_xml("<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/>"
                     "</input>" * 2)
    with pytest.raises(DefinitionRejected, match="Duplicate USB address bus 0 port 1"):
        QemuDriver().xml_to_argv(xml, modern_caps())


def test_xml2xml_leaves_usb_ports_unassigned() -> None:
    xml = domain_xml("<input type='tablet' bus='usb'/>")
    out = QemuDriver().xml_to_xml(xml, modern_caps()).output
    assert "<address type='usb'" not in out


def test_pseries_grows_by_phbs() -> None:
    xml = domain_xml("<controller type='pci' index='2' model='pci-root'/>"
                     "<controller type='usb' model='none'/><memballoon model='none'/>",
                     arch="ppc64", machine="pseries")
    out = QemuDriver().xml_to_xml(xml, modern_caps()).output
    assert out.count("<model name='spapr-pci-host-bridge'/>") == 3
    assert "<target index='2'/>" in out


def test_only_pseries_has_more_than_one_pci_root() -> None:
    xml = domain_xml("<controller type='pci' index='1' model='pci-root'/>")
    with pytest.raises(DefinitionRejected, match="should have index 0"):
        QemuDriver().xml_to_xml(xml, modern_caps())


def test_a_pci_bridge_needs_an_index_above_0() -> None:
    xml = domain_xml("<controller type='pci' index='0' model='pci-root'/>"
                     "<controller type='pci' index='1' model='pci-bridge'>"
                     "<target chassisNr='1' port='2'/></controller>")
    # A pci-bridge has no port: validation at define time refuses it.
    with pytest.raises(DefinitionRejected, match="Option 'port' is not valid for PCI controller"):
        QemuDriver().xml_to_argv(xml, modern_caps())


def test_virtio_options_of_a_controller_reach_the_device() -> None:
    args = argv("<controller type='scsi' index='0' model='virtio-scsi'>"
                "<driver iommu='on' packed='off'/></controller>",
                modern_caps("virtio-scsi-pci"))
    scsi = next(d for d in _devices(args) if d["driver"] == "virtio-scsi-pci")
    assert (scsi["iommu_platform"], scsi["packed"]) == (True, False)
    out = QemuDriver().xml_to_xml(domain_xml("<controller type='scsi' index='0' "
                                             "model='virtio-scsi'><driver iommu='on'/>"
                                             "</controller>"), modern_caps()).output
    assert "<driver iommu='on'/>" in out


def _with_host_pci(caps: Capabilities, devices: list[dict[str, object]]) -> Capabilities:
    tables = dict(caps.tables)
    tables["pci"] = MappingProxyType({"devices": tuple(MappingProxyType(d) for d in devices)})
    return Capabilities(caps.name, caps.flags, caps.config, MappingProxyType(tables))


def test_pseries_host_devices_get_a_phb_per_iommu_group() -> None:
    hostdev = ("<hostdev mode='subsystem' type='pci' managed='yes'><source>"
               "<address domain='0x0001' bus='0x01' slot='0x00' function='0x{f}'/>"
               "</source></hostdev>")
    xml = domain_xml(hostdev.format(f=0) + hostdev.format(f=1)
                     + "<controller type='usb' model='none'/><memballoon model='none'/>",
                     arch="ppc64", machine="pseries")
    caps = _with_host_pci(modern_caps(), [
        {"address": "0001:01:00.0", "iommu_group": 5},
        {"address": "0001:01:00.1", "iommu_group": 6},
    ])
    out = QemuDriver().xml_to_xml(xml, caps).output
    # Never on the default PHB; one new PHB per group.
    assert "<target index='2'/>" in out
    assert "bus='0x01' slot='0x01'" in out and "bus='0x02' slot='0x01'" in out
