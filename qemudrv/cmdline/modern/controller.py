"""Controllers as libvirt 9.0 writes them (qemuBuildControllersCommandLine)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...defaults.addresses import scsi_controller_model
from ...errors import UnsupportedError
from ...model.address import PCIAddress
from ...model.controller import Controller
from ...model.domain import Domain
from ..command import CommandLine
from .address import address_props, virtio_driver
from .props import Props, add_device
from .virtio import virtio_props
from .zpci import add_ext_device

# The order controllers appear on the command line, by type.
_ORDER = ("pci", "usb", "scsi", "ide", "sata", "virtio-serial")

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
    "dc390": "dc-390",
}
_VIRTIO_SCSI_MODELS = ("virtio-scsi", "virtio-transitional", "virtio-non-transitional")


def _virtio_props(base: str, cont: Controller, caps: QemuCaps) -> Props:
    """qemuBuildVirtioDevProps: the transport from the address, and the
    (non-)transitional variant a model asks for (PCI only)."""
    driver = virtio_driver(base, cont.info)
    if cont.model in ("virtio-transitional", "virtio-non-transitional"):
        if not isinstance(cont.info.address, PCIAddress):
            kind = cont.info.address.type if cont.info.address is not None else "none"
            raise UnsupportedError("virtio (non-)transitional models are not supported "
                                   f"for address type={kind}")
        if caps.has("virtio-pci-non-transitional"):
            driver += "-transitional" if cont.model == "virtio-transitional" \
                else "-non-transitional"
        elif cont.model == "virtio-non-transitional":
            raise UnsupportedError("virtio non-transitional model not supported for this qemu")
    return virtio_props(driver, cont.virtio)


def _usb_master_alias(dom: Domain, cont: Controller) -> str:
    """qemuBuildUSBControllerFindMasterAlias: the controller of the same
    index that is no companion."""
    for other in dom.devices.controllers:
        if (other.type == "usb" and other.index == cont.index
                and other.info.usb_master_startport is None and other.info.alias):
            return other.info.alias
    raise UnsupportedError("masterbus not found", code="internal error")


# qemuControllerModelUSBToCaps: the capability each USB model needs.
_USB_CAPS = {
    "piix3-uhci": "piix3-usb-uhci", "piix4-uhci": "piix4-usb-uhci", "ehci": "usb-ehci",
    "ich9-ehci1": "ich9-usb-ehci1", "ich9-uhci1": "ich9-usb-ehci1",
    "ich9-uhci2": "ich9-usb-ehci1", "ich9-uhci3": "ich9-usb-ehci1",
    "vt82c686b-uhci": "vt82c686b-usb-uhci", "pci-ohci": "pci-ohci",
    "nec-xhci": "nec-usb-xhci", "qemu-xhci": "qemu-xhci",
}


def _validate_usb(cont: Controller, caps: QemuCaps) -> str:
    """qemuValidateDomainDeviceDefControllerUSB: the model, which QEMU must have."""
    model = cont.model
    if model is None:
        raise UnsupportedError("no model provided for USB controller")
    flag = _USB_CAPS.get(model)
    if flag is None or not caps.has(flag):
        raise UnsupportedError(f"USB controller model '{model}' not supported in this "
                               "QEMU binary")
    if cont.ports is not None and model not in ("nec-xhci", "qemu-xhci"):
        raise UnsupportedError(f"usb controller type '{model}' doesn't support 'ports' "
                               "with this QEMU binary")
    return model


def _usb_props(dom: Domain, cont: Controller, caps: QemuCaps) -> Props:
    model = _validate_usb(cont, caps)
    props: Props = {"driver": _USB_DEVICES[model]}
    if cont.ports:
        props["p2"] = cont.ports
        props["p3"] = cont.ports
    if cont.info.usb_master_startport is not None:
        props["masterbus"] = f"{_usb_master_alias(dom, cont)}.0"
        props["firstport"] = cont.info.usb_master_startport
    else:
        props["id"] = cont.info.alias
    return props


def _scsi_props(dom: Domain, cont: Controller, caps: QemuCaps) -> Props:
    model = scsi_controller_model(dom, cont, caps)
    if model in _VIRTIO_SCSI_MODELS:
        props = _virtio_props("virtio-scsi", cont, caps)
        if cont.iothread:
            props["iothread"] = f"iothread{cont.iothread}"
        props["id"] = cont.info.alias
        for key, value in (("num_queues", cont.queues), ("cmd_per_lun", cont.cmd_per_lun),
                           ("max_sectors", cont.max_sectors)):
            if value:
                props[key] = value
        if cont.ioeventfd is not None:
            props["ioeventfd"] = cont.ioeventfd
        return props
    if model in _SCSI_DEVICES:
        return {"driver": _SCSI_DEVICES[model], "id": cont.info.alias}
    raise UnsupportedError(f"Unsupported controller model: {model}")


def _pci_props(cont: Controller) -> Props | None:
    """qemuBuildControllerPCIDevProps; None for the implicit pSeries PHB."""
    if ctl.is_pseries_phb(cont) and not cont.target_index:
        return None
    name = cont.model_name or cont.model
    props: Props = {"driver": name}
    if cont.model == "pci-bridge":
        props["chassis_nr"] = cont.chassis_nr
    elif cont.model in ("pci-expander-bus", "pcie-expander-bus"):
        props["bus_nr"] = cont.bus_nr
    elif cont.model in ("pcie-root-port", "pcie-switch-downstream-port"):
        props["port"] = cont.port
        props["chassis"] = cont.chassis
    elif cont.model == "pci-root":
        props["index"] = cont.target_index
    props["id"] = cont.info.alias
    if cont.model in ("pcie-root-port", "pcie-switch-downstream-port") and cont.hotplug:
        props["hotplug"] = cont.hotplug == "on"
    if (cont.model in ("pci-expander-bus", "pcie-expander-bus", "pci-root")
            and cont.numa_node is not None):
        props["numa_node"] = cont.numa_node
    return props


def controller_props(dom: Domain, cont: Controller, caps: QemuCaps) -> Props | None:
    """qemuBuildControllerDevProps; None where the controller has no device."""
    alias = cont.info.alias
    props: Props | None
    if cont.type == "scsi":
        props = _scsi_props(dom, cont, caps)
    elif cont.type == "virtio-serial":
        props = _virtio_props("virtio-serial", cont, caps)
        props["id"] = alias
        if cont.ports:
            props["max_ports"] = cont.ports
        if cont.vectors:
            props["vectors"] = cont.vectors
    elif cont.type == "ccid":
        props = {"driver": "usb-ccid", "id": alias}
    elif cont.type == "sata":
        props = {"driver": "ahci", "id": alias}
    elif cont.type == "usb":
        props = _usb_props(dom, cont, caps)
    elif cont.type == "pci":
        props = _pci_props(cont)
    else:
        raise UnsupportedError(f"Unsupported controller type: {cont.type}")
    if props is not None:
        props.update(address_props(dom, cont.info, caps))
    return props


def _skipped(dom: Domain, cont: Controller) -> bool:
    """qemuBuildSkipController: controllers the machine type provides."""
    if cont.type == "pci" and cont.model == "pcie-root":
        return True
    if cont.type == "pci" and cont.model == "pci-root" and not ctl.is_pseries(dom):
        return True
    if cont.type == "sata" and cont.index == 0 and ctl.machine_is_q35(dom):
        return True
    if cont.type == "scsi" and cont.index == 0 and cont.model == "ncr53c90":
        return ctl.has_builtin_esp(dom)
    return cont.type == "ide" and cont.index == 0 and ctl.machine_has_builtin_ide(dom)


def _forbids_legacy_usb(dom: Domain) -> bool:
    """qemuBuildDomainForbidLegacyUSBController."""
    return ctl.machine_is_q35(dom) or _is_virt_board(dom)


def _is_virt_board(dom: Domain) -> bool:
    machine = dom.os.machine or ""
    return (dom.os.arch or "") in ("armv6l", "armv7l", "aarch64", "riscv32", "riscv64") and (
        machine == "virt" or machine.startswith("virt-"))


def build_global_controllers(cmd: CommandLine, dom: Domain) -> None:
    """qemuBuildGlobalControllerCommandLine: the 64-bit PCI hole of a root."""
    for cont in dom.devices.controllers:
        if cont.type != "pci" or not cont.pcihole64:
            continue
        if cont.model == "pci-root":
            host = "i440FX-pcihost"
        elif cont.model == "pcie-root":
            host = "q35-pcihost"
        else:
            raise UnsupportedError("64-bit PCI hole setting is only for root PCI controllers",
                                   code="internal error")
        cmd.add("-global", f"{host}.pci-hole64-size={cont.pcihole64}K")


def build_controllers_of_type(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                              type_: str) -> None:
    """qemuBuildControllersByTypeCommandLine."""
    _build_controllers(cmd, dom, caps, [c for c in dom.devices.controllers if c.type == type_])


def _build_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps,
                       controllers: list[Controller]) -> None:
    """The controllers of one type, in the domain's order."""
    for cont in controllers:
        if (cont.type == "pci" and cont.model == "pci-root" and cont.index == 0
                and cont.hotplug is not None):
            cmd.add("-global", f"PIIX4_PM.acpi-root-pci-hotplug={cont.hotplug}")
        if _skipped(dom, cont):
            continue
        if cont.type == "usb" and cont.model == "none":
            continue
        if cont.type == "usb" and cont.model is None and not _forbids_legacy_usb(dom):
            continue  # the legacy controller (-usb), or none at all on s390
        props = controller_props(dom, cont, caps)
        if props is not None:
            add_ext_device(cmd, cont.info, caps)
            add_device(cmd, props, caps)


def _build_legacy_usb(cmd: CommandLine, dom: Domain) -> None:
    """qemuBuildLegacyUSBControllerCommandLine: -usb where the USB
    controller was left to the machine."""
    legacy = others = 0
    for cont in dom.devices.controllers:
        if cont.type != "usb":
            continue
        if cont.model == "none":
            return
        if cont.model is None:
            legacy += 1
        else:
            others += 1
    if legacy > 1:
        raise UnsupportedError("Multiple legacy USB controllers are not supported")
    if not others and not _forbids_legacy_usb(dom) and not ctl.is_s390(dom):
        cmd.add("-usb")


def build_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildControllersCommandLine."""
    # One pass sorts the controllers by type, rather than one per type.
    by_type: dict[str, list[Controller]] = {}
    for cont in dom.devices.controllers:
        by_type.setdefault(cont.type, []).append(cont)
    for type_ in _ORDER:
        controllers = by_type.get(type_)
        if controllers:
            _build_controllers(cmd, dom, caps, controllers)
    _build_legacy_usb(cmd, dom)


def build_hubs(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildHubCommandLine: USB hubs, on the port assigned to them."""
    for hub in dom.devices.hubs:
        if hub.type != "usb":
            raise UnsupportedError(f"hub type {hub.type} not supported")
        add_device(cmd, {"driver": "usb-hub", "id": hub.info.alias,
                         **address_props(dom, hub.info, caps)}, caps)


def build_ccid_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    build_controllers_of_type(cmd, dom, caps, "ccid")
