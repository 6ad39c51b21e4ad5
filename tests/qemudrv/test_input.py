"""<input>: default buses, implicit PS/2 devices, USB and virtio devices."""

from __future__ import annotations

import pytest
from chr_ui_helpers import caps, domain

from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.input import build_inputs
from qemudrv.defaults.input import add_implicit_inputs
from qemudrv.errors import DefinitionRejected, UnsupportedError
from qemudrv.format.context import FormatContext
from qemudrv.format.input import format_inputs
from qemudrv.xmlwriter import XMLWriter


def test_default_bus_per_arch() -> None:
    assert domain("<input type='mouse'/>").devices.inputs[0].bus == "ps2"
    assert domain("<input type='mouse'/>", arch="ppc64").devices.inputs[0].bus == "usb"
    assert domain("<input type='tablet'/>").devices.inputs[0].bus == "usb"


def test_ps2_tablet_rejected() -> None:
    with pytest.raises(DefinitionRejected):
        domain("<input type='tablet' bus='ps2'/>")


def test_ps2_devices_only_written_with_graphics() -> None:
    dom = domain("<input type='mouse' bus='ps2'/><input type='tablet' bus='usb'/>")
    w = XMLWriter()
    format_inputs(w, dom, FormatContext())
    assert w.text() == "<input type='tablet' bus='usb'/>\n"
    dom = domain("<input type='tablet' bus='usb'/><graphics type='vnc'/>")
    add_implicit_inputs(dom)
    w = XMLWriter()
    format_inputs(w, dom, FormatContext())
    assert w.text().splitlines() == [
        "<input type='tablet' bus='usb'/>",
        "<input type='mouse' bus='ps2'/>",
        "<input type='keyboard' bus='ps2'/>",
    ]


def test_usb_and_virtio_devices() -> None:
    dom = domain(
        "<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>"
        "<input type='passthrough' bus='virtio'><source evdev='/dev/input/a,b'/>"
        "<address type='pci' domain='0' bus='0' slot='5' function='0'/></input>"
    )
    cmd = CommandLine()
    build_inputs(cmd, dom, caps("device", "virtio-input-host", "pci-multibus"))
    assert cmd.args == [
        "-device", "usb-tablet,id=input0,bus=usb.0,port=1",
        "-device", "virtio-input-host-pci,id=input1,evdev=/dev/input/a,,b,bus=pci.0,addr=0x5",
    ]
    with pytest.raises(UnsupportedError):
        build_inputs(CommandLine(), dom, caps("device"))
    cmd = CommandLine()
    build_inputs(cmd, domain("<input type='tablet' bus='usb'/>"), caps())
    assert cmd.args == ["-usbdevice", "tablet"]
