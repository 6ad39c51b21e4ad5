"""Controllers as libvirt 9.0 writes them (qemuBuildControllersCommandLine)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...defaults.addresses import scsi_controller_model
from ...errors import UnsupportedError
from ...model.address import CCWAddress, VirtioMMIOAddress
from ...model.controller import Controller
from ...model.domain import Domain
from ..command import CommandLine
from .address import address_props
from .props import Props, add_device

# The order controllers appear on the command line, by type.
_ORDER = ("pci", "usb", "scsi", "ide", "sata", "fdc", "virtio-serial", "isa")

_USB_DEVICES = {
    "piix3-uhci": "piix3-usb-uhci",
    "piix4-uhci": "piix4-usb-uhci",
    "ehci": "usb-ehci",
    "ich9-ehci1": "ich9-usb-ehci1",
    "ich9-uhci1": "ich9-usb-uhci1",
    "ich9-uhci2": "ich9-usb-uhci2",
    "ich9-uhci3": "ich9-usb-uhci3",
    "vt82c686b-uhci": "vt82c686b-usb-uhci",
    "pci-ohci": "pci-ohci",
    "nec-xhci": "nec-usb-xhci",
    "qemu-xhci": "qemu-xhci",
}

_SCSI_DEVICES = {
    "lsilogic": "lsi",
    "lsisas1068": "mptsas1068",
    "lsisas1078": "megasas",
    "ibmvscsi": "spapr-vscsi",
    "vmpvscsi": "pvscsi",
    "am53c974": "am53c974",
    "dc390": "dc390",
}


def _virtio_driver(base: str, cont: Controller) -> str:
    a = cont.info.address
    if isinstance(a, CCWAddress):
        return f"{base}-ccw"
    if isinstance(a, VirtioMMIOAddress):
        return f"{base}-device"
    return f"{base}-pci"


def _usb_props(dom: Domain, cont: Controller) -> Props:
    model = cont.model or ("pci-ohci" if ctl.is_ppc64(dom) else "piix3-uhci")
    props: Props = {"driver": _USB_DEVICES.get(model, model)}
    if cont.ports is not None and model in ("qemu-xhci", "nec-xhci"):
        props["p2"] = cont.ports
        props["p3"] = cont.ports
    if cont.info.usb_master_startport is not None:
        master = "usb" if cont.index == 0 else f"usb{cont.index}"
        props["masterbus"] = f"{master}.0"
        props["firstport"] = cont.info.usb_master_startport
    else:
        props["id"] = cont.info.alias
    return props


def _pci_props(cont: Controller) -> Props:
    name = cont.model_name or cont.model
    props: Props = {"driver": name}
    if cont.model == "pci-bridge":
        props["chassis_nr"] = cont.chassis_nr
    elif cont.model in ("pcie-root-port", "pcie-switch-downstream-port"):
        props["port"] = cont.port
        props["chassis"] = cont.chassis
    props["id"] = cont.info.alias
    return props


def controller_props(dom: Domain, cont: Controller, caps: QemuCaps) -> Props:
    """qemuBuildControllerDevProps."""
    alias = cont.info.alias
    props: Props
    if cont.type == "scsi":
        model = scsi_controller_model(dom, cont, caps)
        if model == "virtio-scsi":
            props = {"driver": _virtio_driver("virtio-scsi", cont)}
            if cont.iothread:
                props["iothread"] = f"iothread{cont.iothread}"
            props["id"] = alias
        elif model in _SCSI_DEVICES:
            props = {"driver": _SCSI_DEVICES[model], "id": alias}
        else:
            raise UnsupportedError(f"Unsupported controller model: {model}")
    elif cont.type == "virtio-serial":
        props = {"driver": _virtio_driver("virtio-serial", cont), "id": alias}
        if cont.ports is not None:
            props["max_ports"] = cont.ports
        if cont.vectors is not None:
            props["vectors"] = cont.vectors
    elif cont.type == "ccid":
        props = {"driver": "usb-ccid", "id": alias}
    elif cont.type == "sata":
        props = {"driver": "ahci", "id": alias}
    elif cont.type == "usb":
        props = _usb_props(dom, cont)
    elif cont.type == "pci":
        props = _pci_props(cont)
    else:
        raise UnsupportedError(f"Unsupported controller type: {cont.type}")
    for key, value in (("num_queues", cont.queues), ("cmd_per_lun", cont.cmd_per_lun),
                       ("max_sectors", cont.max_sectors)):
        if value:
            props[key] = value
    if cont.ioeventfd is not None:
        props["ioeventfd"] = cont.ioeventfd
    props.update(address_props(dom, cont.info, caps))
    return props


def _implicit(dom: Domain, cont: Controller) -> bool:
    """Controllers the machine type itself provides: no -device."""
    if cont.type == "pci" and cont.model in ("pci-root", "pcie-root"):
        return True
    if cont.type == "usb" and cont.model == "none":
        return True
    if cont.type in ("fdc", "isa"):
        return True
    if cont.type == "ide" and cont.index == 0 and ctl.machine_has_builtin_ide(dom):
        return True
    return cont.type == "sata" and cont.index == 0 and ctl.machine_is_q35(dom)


def _legacy_usb(dom: Domain, cont: Controller, caps: QemuCaps) -> bool:
    """A default USB controller QEMU offers no device for: the machine's own,
    switched on with -usb (qemuBuildLegacyUSBControllerCommandLine)."""
    return (cont.type == "usb" and cont.model is None and not ctl.machine_is_q35(dom)
            and not ctl.is_ppc64(dom) and not caps.has("piix3-usb-uhci"))


def build_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    legacy_usb = False
    for type_ in _ORDER:
        for cont in dom.devices.controllers:
            if cont.type != type_ or _implicit(dom, cont):
                continue
            if _legacy_usb(dom, cont, caps):
                if legacy_usb:
                    raise UnsupportedError("Multiple legacy USB controllers are not supported")
                legacy_usb = True
                cmd.add("-usb")
                continue
            add_device(cmd, controller_props(dom, cont, caps), caps)


def build_ccid_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for cont in dom.devices.controllers:
        if cont.type == "ccid":
            add_device(cmd, controller_props(dom, cont, caps), caps)
