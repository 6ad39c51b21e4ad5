"""qemuValidateDomainDeviceDefControllerUSB, which libvirt 9.0 runs while it
builds the USB controller's -device (a command-line failure)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.controller import Controller

# qemuControllerModelUSBToCaps
_MODEL_FLAGS = {
    "piix3-uhci": "piix3-usb-uhci",
    "piix4-uhci": "piix4-usb-uhci",
    "ehci": "usb-ehci",
    "ich9-ehci1": "ich9-usb-ehci1",
    "ich9-uhci1": "ich9-usb-ehci1",
    "ich9-uhci2": "ich9-usb-ehci1",
    "ich9-uhci3": "ich9-usb-ehci1",
    "vt82c686b-uhci": "vt82c686b-usb-uhci",
    "pci-ohci": "pci-ohci",
    "nec-xhci": "nec-usb-xhci",
    "qemu-xhci": "qemu-xhci",
}


def check_usb_controller(cont: Controller, caps: QemuCaps) -> None:
    if cont.model is None:
        raise UnsupportedError("no model provided for USB controller")
    flag = _MODEL_FLAGS.get(cont.model)
    if flag is None or not caps.has(flag):
        raise UnsupportedError(f"USB controller model '{cont.model}' not supported in this "
                               "QEMU binary")
