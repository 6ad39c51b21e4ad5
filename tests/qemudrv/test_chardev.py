"""Character devices: parsing, the serial/console rules, -chardev values."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from qemudrv_helpers import device_domain, format_with, qemu_caps

from qemudrv.cmdline.chardev import build_channels, build_chardev, build_serials, legacy_chr_arg
from qemudrv.cmdline.command import CommandLine
from qemudrv.defaults.chardev import assign_virtio_serial_ports, chardev_post_parse
from qemudrv.errors import DefinitionRejected, UnsupportedError
from qemudrv.format.chardev import format_consoles, format_serials
from qemudrv.model.address import VirtioSerialAddress
from qemudrv.model.chardev import ChrSource


def test_serial_gets_implicit_console() -> None:
    dom = device_domain("<serial type='pty'/>")
    chardev_post_parse(dom)
    assert [c.target_type for c in dom.devices.consoles] == ["serial"]
    assert format_with(format_consoles, dom) == (
        "<console type='pty'>\n  <target type='serial' port='0'/>\n</console>\n"
    )


def test_console_alone_becomes_the_serial_port() -> None:
    dom = device_domain("<console type='file'><source path='/tmp/x' append='on'/></console>")
    chardev_post_parse(dom)
    assert len(dom.devices.serials) == 1
    assert format_with(format_serials, dom) == (
        "<serial type='file'>\n  <source path='/tmp/x' append='on'/>\n"
        "  <target port='0'/>\n</serial>\n"
    )


def test_console_on_s390_is_virtio() -> None:
    dom = device_domain("<console type='pty'/>", arch="s390x", machine="s390-ccw-virtio")
    chardev_post_parse(dom)
    assert dom.devices.consoles[0].target_type == "virtio"
    assert not dom.devices.serials


def test_ports_number_after_highest_earlier_one() -> None:
    dom = device_domain("<serial type='pty'><target port='3'/></serial><serial type='pty'/>")
    chardev_post_parse(dom)
    assert [s.port for s in dom.devices.serials] == [3, 4]


def test_pty_path_is_live_only() -> None:
    xml = "<serial type='pty'><source path='/dev/pts/4'/></serial>"
    assert device_domain(xml).devices.serials[0].source.path is None
    assert device_domain(xml, active=True).devices.serials[0].source.path == "/dev/pts/4"


@pytest.mark.parametrize(
    "xml, message",
    [
        ("<serial type='file'/>", "Missing source path"),
        ("<serial type='tcp'><source service='1'/></serial>", "Missing source host"),
        ("<serial type='bogus'/>", "unknown type presented"),
        ("<channel type='pty'/>", "target type must be specified"),
        ("<serial type='spicevmc'/>", "spicevmc device type only supports virtio"),
    ],
)
def test_rejections(xml: str, message: str) -> None:
    with pytest.raises(DefinitionRejected, match=message):
        device_domain(xml)


def test_udp_unset_ends() -> None:
    src = ChrSource(type="udp", connect_service="9999")
    assert build_chardev(src, "serial1", qemu_caps()) == (
        "udp,id=charserial1,host=,port=9999,localaddr=,localport=0"
    )
    assert legacy_chr_arg(src) == "udp::9999@:0"


def test_file_append_needs_flag() -> None:
    src = ChrSource(type="file", path="/tmp/s", append=True)
    assert build_chardev(src, "serial0", qemu_caps("chardev-file-append")).endswith(",append=on")
    with pytest.raises(UnsupportedError):
        build_chardev(src, "serial0", qemu_caps())


def test_legacy_serial_and_none() -> None:
    dom = device_domain("<serial type='tcp'><source mode='bind' host='h' service='1'/>"
                 "<protocol type='telnet'/></serial>")
    cmd = CommandLine()
    build_serials(cmd, dom, qemu_caps())
    assert cmd.args == ["-serial", "telnet:h:1,server,nowait"]
    cmd = CommandLine()
    build_serials(cmd, device_domain(""), qemu_caps())
    assert cmd.args == ["-serial", "none"]


def test_virtio_serial_ports() -> None:
    dom = device_domain(
        "<channel type='pty'><target type='virtio' name='a'/></channel>"
        "<channel type='pty'><target type='virtio' name='b'/>"
        "<address type='virtio-serial' controller='0' port='1'/></channel>"
        "<channel type='pty'><target type='virtio' name='c'/></channel>"
    )
    # controllers as their family models them: type, index, ports
    dom.devices.controllers = [
        SimpleNamespace(type="virtio-serial", index=0, ports=3),
        SimpleNamespace(type="virtio-serial", index=1, ports=None),
    ]
    assign_virtio_serial_ports(dom)
    addrs = [c.info.address for c in dom.devices.channels]
    assert addrs == [
        VirtioSerialAddress(0, 0, 2),
        VirtioSerialAddress(0, 0, 1),
        VirtioSerialAddress(1, 0, 1),
    ]


def test_unix_channel_path_per_domain() -> None:
    dom = device_domain("<channel type='unix'><source mode='bind'/>"
                 "<target type='virtio' name='org.qemu.guest_agent.0'/>"
                 "<address type='virtio-serial' controller='0' bus='0' port='1'/></channel>")
    cmd = CommandLine()
    build_channels(cmd, dom, qemu_caps("device", "chardev", channel_target_dir="/tmp"))
    assert cmd.args[:2] == [
        "-chardev",
        "socket,id=charchannel0,path=/tmp/domain-d/org.qemu.guest_agent.0,server,nowait",
    ]
