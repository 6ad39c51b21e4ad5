"""Command line arguments for <input>: USB and virtio devices (PS/2 ones are
built into the machine)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.address import PCIAddress, VirtioMMIOAddress
from ..model.domain import Domain
from ..model.input import Input
from .address import device_address
from .command import CommandLine

_USB_DEVICES = {"mouse": "usb-mouse", "tablet": "usb-tablet", "keyboard": "usb-kbd"}
_VIRTIO = {
    "mouse": ("virtio-mouse", "virtio-mouse"),
    "tablet": ("virtio-tablet", "virtio-tablet"),
    "keyboard": ("virtio-keyboard", "virtio-keyboard"),
    "passthrough": ("virtio-input-host", "virtio-input-host"),
}


def usb_input_device(dom: Domain, dev: Input, alias: str, caps: QemuCaps) -> str:
    """qemuBuildUSBInputDevStr."""
    name = _USB_DEVICES.get(dev.type)
    if name is None:
        raise UnsupportedError(f"unsupported input device type '{dev.type}' on the usb bus")
    if dev.type == "keyboard" and not caps.has("usb-kbd"):
        raise UnsupportedError("usb keyboard is not supported by this QEMU binary")
    return f"{name},id={alias}" + device_address(dom, dev.info, caps)


def virtio_input_device(dom: Domain, dev: Input, alias: str, caps: QemuCaps) -> str:
    """qemuBuildVirtioInputDevStr."""
    if isinstance(dev.info.address, PCIAddress):
        suffix = "-pci"
    elif isinstance(dev.info.address, VirtioMMIOAddress):
        suffix = "-device"
    else:
        kind = dev.info.address.type if dev.info.address is not None else "none"
        raise UnsupportedError(f"Unsupported address type {kind} for virtio input device")
    name, flag = _VIRTIO[dev.type]
    if not caps.has(flag):
        raise UnsupportedError(f"{name} is not supported by this QEMU binary")
    out = f"{name}{suffix},id={alias}"
    if dev.type == "passthrough":
        out += ",evdev=" + (dev.evdev or "").replace(",", ",,")
    return out + device_address(dom, dev.info, caps)


def build_inputs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for i, dev in enumerate(dom.devices.inputs):
        alias = f"input{i}"
        if dev.bus == "usb":
            if caps.has("device"):
                cmd.add("-device", usb_input_device(dom, dev, alias, caps))
            elif dev.type in _USB_DEVICES:
                cmd.add("-usbdevice", "keyboard" if dev.type == "keyboard" else dev.type)
        elif dev.bus == "virtio":
            cmd.add("-device", virtio_input_device(dom, dev, alias, caps))
