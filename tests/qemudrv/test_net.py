"""Network interfaces: parsing rules, defaults, formatting and the three
command line styles of libvirt 1.3.1."""

from __future__ import annotations

import pytest
from qemudrv_helpers import argv, domain_xml, xml

from qemudrv.errors import UnsupportedError, XMLError
from qemudrv.parse.net import parse_mac

USER = "<interface type='user'><mac address='52:54:00:e5:48:58'/>{}</interface>"


def test_mac_parsing() -> None:
    assert parse_mac("52:54:00:AA:b:0C") == "52:54:00:aa:0b:0c"
    assert parse_mac("52:54:00:aa:bb") is None
    assert parse_mac("52:54:00:aa:bb:xyz") is None


def test_multicast_mac_rejected() -> None:
    with pytest.raises(XMLError, match="multicast"):
        xml(domain_xml("<interface type='user'><mac address='01:00:5e:00:00:01'/></interface>"))


def test_default_model_depends_on_arch() -> None:
    assert "<model type='rtl8139'/>" in xml(domain_xml(USER.format("")))
    s390 = domain_xml(USER.format(""), arch="s390x", machine="s390-ccw-virtio")
    assert "<model type='virtio'/>" in xml(s390)


def test_generated_target_dropped_only_when_inactive() -> None:
    doc = domain_xml(USER.format("<target dev='vnet7'/>"))
    assert "vnet7" not in xml(doc)
    running = doc.replace("<domain type='qemu'>", "<domain type='qemu' id='1'>")
    assert "<target dev='vnet7'/>" in xml(running, active=True)
    assert "<target dev='tap0'/>" in xml(domain_xml(USER.format("<target dev='tap0'/>")))


def test_driver_kept_for_virtio_only() -> None:
    driver = "<driver name='vhost' queues='1' txmode='iothread'/><backend tap='/dev/x' vhost='/dev/y'/>"
    out = xml(domain_xml(USER.format("<model type='e1000'/>" + driver)))
    assert "<driver" not in out and "<backend tap='/dev/x'/>" in out
    out = xml(domain_xml(USER.format("<model type='virtio'/>" + driver)))
    # a single queue is no multiqueue
    assert "<driver name='vhost' txmode='iothread'/>" in out
    assert "<backend tap='/dev/x' vhost='/dev/y'/>" in out


def test_negative_queues_rejected() -> None:
    with pytest.raises(XMLError, match="queues"):
        xml(domain_xml(USER.format("<model type='virtio'/><driver queues='-5'/>")))


def test_offloads_formatted_host_then_guest() -> None:
    out = xml(domain_xml(USER.format(
        "<model type='virtio'/><driver><guest csum='off'/><host tso4='on'/></driver>"
    )))
    assert "<driver>\n        <host tso4='on'/>\n        <guest csum='off'/>\n      </driver>" in out


def test_udp_source_with_local() -> None:
    iface = ("<interface type='udp'><mac address='52:54:00:8c:b9:05'/>"
             "<source address='192.168.10.1' port='5555'><local address='192.168.10.1' port='5556'/>"
             "</source></interface>")
    out = xml(domain_xml(iface))
    assert ("<source address='192.168.10.1' port='5555'>\n"
            "        <local address='192.168.10.1' port='5556'/>\n      </source>") in out
    line = argv(domain_xml(iface))
    assert "-net socket,udp=192.168.10.1:5555,localaddr=192.168.10.1:5556,vlan=0,name=hostnet0" in line


def test_legacy_command_line_and_net_none() -> None:
    line = argv(domain_xml(USER.format("<model type='virtio'/>")))
    assert "-net nic,macaddr=52:54:00:e5:48:58,vlan=0,model=virtio,name=net0 " in line
    assert "-net user,vlan=0,name=hostnet0" in line
    assert "-net none" in argv(domain_xml(""))
    assert "-net" not in argv(domain_xml(""), "device")


def test_device_and_netdev_command_line() -> None:
    doc = domain_xml(USER.format("<model type='virtio'/><driver txmode='iothread' ioeventfd='on'/>"))
    line = argv(doc, "device", "virtio-tx-alg")
    assert "-device virtio-net-pci,tx=bh,vlan=0,id=net0,mac=52:54:00:e5:48:58,bus=pci,addr=0x3 " in line
    line = argv(doc, "device", "netdev", "virtio-tx-alg", "virtio-blk-pci.ioeventfd")
    assert "-netdev user,id=hostnet0 -device virtio-net-pci,tx=bh,ioeventfd=on,netdev=hostnet0," in line
    with pytest.raises(UnsupportedError, match="'tx' option"):
        argv(doc, "device")


def test_vhostuser_multiqueue_needs_flag() -> None:
    doc = domain_xml("<interface type='vhostuser'><mac address='52:54:00:ee:96:6d'/>"
                 "<source type='unix' path='/tmp/v.sock' mode='server'/><model type='virtio'/>"
                 "<driver queues='4'/></interface>")
    line = argv(doc, "device", "netdev", "vhost-user-multiqueue")
    assert ("-chardev socket,id=charnet0,path=/tmp/v.sock,server "
            "-netdev type=vhost-user,id=hostnet0,chardev=charnet0,queues=4 "
            "-device virtio-net-pci,mq=on,vectors=10,netdev=hostnet0,id=net0") in line
    with pytest.raises(UnsupportedError, match="multi-queue"):
        argv(doc, "device", "netdev")


def test_ethernet_script_and_ifname() -> None:
    doc = domain_xml("<interface type='ethernet'><mac address='00:11:22:33:44:55'/>"
                 "<script path='/etc/qemu-ifup'/><target dev='nic02'/></interface>")
    assert "-net tap,ifname=nic02,script=/etc/qemu-ifup,vlan=0,name=hostnet0" in argv(doc)


def test_hostdev_interface_shares_info_and_numbering() -> None:
    doc = domain_xml(
        "<interface type='hostdev' managed='yes'><mac address='00:11:22:33:44:55'/>"
        "<source><address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/>"
        "</source></interface>" + USER.format("<model type='e1000'/>")
    )
    line = argv(doc, "device", "pci-device", hostdev_pci_backend_default="kvm")
    assert "-device e1000,vlan=1,id=net1," in line
    # NICs get their slots before host devices
    assert "-device pci-assign,host=03:07.1,id=hostdev0,bus=pci,addr=0x4" in line
    out = xml(doc)
    assert "<interface type='hostdev' managed='yes'>" in out
    assert "<address type='pci' domain='0x0000' bus='0x03' slot='0x07' function='0x1'/>" in out
    assert "<hostdev" not in out


def test_virtualport_and_vlan_round_trip() -> None:
    doc = domain_xml(
        "<interface type='bridge'><mac address='00:11:22:33:44:55'/><source bridge='br0'/>"
        "<vlan trunk='yes'><tag id='42'/><tag id='48' nativeMode='tagged'/></vlan>"
        "<virtualport type='openvswitch'><parameters "
        "interfaceid='09B11C53-8B5C-4EEB-8F00-D84EAA0AAA4F' profileid='menial'/></virtualport>"
        "<bandwidth><inbound average='1000' burst='1024' peak='4000'/></bandwidth>"
        "<model type='virtio'/></interface>"
    )
    out = xml(doc)
    assert "<vlan trunk='yes'>\n        <tag id='42'/>\n        <tag id='48' nativeMode='tagged'/>" in out
    assert ("<parameters interfaceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' profileid='menial'/>"
            in out)
    assert "<inbound average='1000' peak='4000' burst='1024'/>" in out


def test_virtualport_rejected_for_user() -> None:
    with pytest.raises(XMLError, match="virtualport"):
        xml(domain_xml(USER.format("<virtualport type='openvswitch'/>")))


def test_boot_network_goes_to_first_interface() -> None:
    doc = domain_xml(USER.format("<model type='virtio'/>") + USER.format("<model type='virtio'/>")
                 .replace("e5:48:58", "e5:48:59"),
                 extra="").replace("<type arch", "<boot dev='network'/><type arch")
    line = argv(doc, "device", "boot-index")
    assert line.count("bootindex=1") == 1
