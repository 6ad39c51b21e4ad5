"""<input>: default buses, implicit PS/2 devices, USB and virtio devices."""

from __future__ import annotations

import pytest
from qemudrv_helpers import device_domain, format_with, qemu_caps

from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.input import build_inputs
from qemudrv.defaults.input import add_implicit_inputs
from qemudrv.errors import DefinitionRejected, UnsupportedError
from qemudrv.format.input import format_inputs


def test_default_bus_per_arch() -> None:
    assert device_domain("<input type='mouse'/>").devices.inputs[0].bus == "ps2"
    assert device_domain("<input type='mouse'/>", arch="ppc64").devices.inputs[0].bus == "usb"
    assert device_domain("<input type='tablet'/>").devices.inputs[0].bus == "usb"


def test_ps2_tablet_rejected() -> None:
    with pytest.raises(DefinitionRejected):
        device_domain("<input type='tablet' bus='ps2'/>")


def test_ps2_devices_only_written_with_graphics() -> None:
    dom = device_domain("<input type='mouse' bus='ps2'/><input type='tablet' bus='usb'/>")
    assert format_with(format_inputs, dom) == "<input type='tablet' bus='usb'/>\n"
    dom = device_domain("<input type='tablet' bus='usb'/><graphics type='vnc'/>")
    add_implicit_inputs(dom)
    assert format_with(format_inputs, dom).splitlines() == [
        "<input type='tablet' bus='usb'/>",
        "<input type='mouse' bus='ps2'/>",
        "<input type='keyboard' bus='ps2'/>",
    ]


def test_usb_and_virtio_devices() -> None:
    dom = device_domain(
        "<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>"
        "<input type='passthrough' bus='virtio'><source evdev='/dev/input/a,b'/>"
        "<address type='pci' domain='0' bus='0' slot='5' function='0'/></input>"
    )
    cmd = CommandLine()
    build_inputs(cmd, dom, qemu_caps("device", "virtio-input-host", "pci-multibus"))
    assert cmd.args == [
        "-device", "usb-tablet,id=input0,bus=usb.0,port=1",
        "-device", "virtio-input-host-pci,id=input1,evdev=/dev/input/a,,b,bus=pci.0,addr=0x5",
    ]
    with pytest.raises(UnsupportedError):
        build_inputs(CommandLine(), dom, qemu_caps("device"))
    cmd = CommandLine()
    build_inputs(cmd, device_domain("<input type='tablet' bus='usb'/>"), qemu_caps())
    assert cmd.args == ["-usbdevice", "tablet"]
