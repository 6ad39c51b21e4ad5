"""Command line arguments for <controller> (libvirt 1.3.1).

Also the shared ``,bus=...,addr=...`` suffix of ``-device`` arguments
(qemuBuildDeviceAddressStr), since it needs the controllers' aliases.
"""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults import controllers as ctl
from ..defaults.addresses import scsi_controller_model
from ..errors import ConfigError, UnsupportedError
from ..model.address import (
    CCWAddress,
    DeviceInfo,
    ISAAddress,
    PCIAddress,
    SpaprVioAddress,
    USBAddress,
    VirtioMMIOAddress,
    VirtioS390Address,
)
from ..model.controller import Controller
from ..model.domain import Domain
from .command import CommandLine

# The order controllers appear on the command line, by type.
_ORDER = ("pci", "usb", "scsi", "ide", "sata", "fdc", "virtio-serial", "ccid")

_USB_DEVICES = {
    "piix3-uhci": ("piix3-usb-uhci", "piix3-usb-uhci"),
    "piix4-uhci": ("piix4-usb-uhci", "piix4-usb-uhci"),
    "ehci": ("usb-ehci", "usb-ehci"),
    "ich9-ehci1": ("ich9-usb-ehci1", "ich9-usb-ehci1"),
    "ich9-uhci1": ("ich9-usb-uhci1", "ich9-usb-ehci1"),
    "ich9-uhci2": ("ich9-usb-uhci2", "ich9-usb-ehci1"),
    "ich9-uhci3": ("ich9-usb-uhci3", "ich9-usb-ehci1"),
    "vt82c686b-uhci": ("vt82c686b-usb-uhci", "vt82c686b-usb-uhci"),
    "pci-ohci": ("pci-ohci", "pci-ohci"),
    "nec-xhci": ("nec-usb-xhci", "nec-usb-xhci"),
}

_PCI_DEVICES = {
    # model: (required model name, capability, what the error calls it)
    "pci-bridge": ("pci-bridge", "pci-bridge", "the pci-bridge controller"),
    "dmi-to-pci-bridge": (
        "i82801b11-bridge", "dmi-to-pci-bridge", "the dmi-to-pci-bridge (i82801b11-bridge) controller"
    ),
    "pcie-root-port": ("ioh3420", "ioh3420", "the pcie-root-port (ioh3420) controller"),
    "pcie-switch-upstream-port": (
        "x3130-upstream", "x3130-upstream", "the pcie-switch-upstream-port (x3130-upstream) controller"
    ),
    "pcie-switch-downstream-port": (
        "xio3130-downstream", "xio3130-downstream",
        "the pcie-switch-downstream-port (xio3130-downstream) controller",
    ),
}


def controller_alias(dom: Domain, type_: str, index: int) -> str:
    """virDomainControllerAliasFind."""
    cont = ctl.find_controller(dom, type_, index)
    if cont is None:
        raise UnsupportedError(f"Could not find {type_} controller with index {index} required for device")
    if not cont.info.alias:
        raise UnsupportedError(f"Device alias was not set for {type_} controller with index {index} ")
    return cont.info.alias


def _addr_str(a: PCIAddress) -> str:
    return f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function}"


def device_address(dom: Domain, info: DeviceInfo, caps: QemuCaps) -> str:
    """qemuBuildDeviceAddressStr: where a -device sits."""
    a = info.address
    if isinstance(a, PCIAddress):
        if a.domain != 0:
            raise UnsupportedError("Only PCI device addresses with domain=0 are supported")
        cont = ctl.find_controller(dom, "pci", a.bus)
        if cont is None:
            raise UnsupportedError(
                f"Could not find PCI controller with index {a.bus} required for device at "
                f"address {_addr_str(a)}"
            )
        if not cont.info.alias:
            raise UnsupportedError(
                f"Device alias was not set for PCI controller with index {a.bus} required "
                f"for device at address {_addr_str(a)}"
            )
        if not caps.has("pci-multifunction"):
            if a.function != 0:
                raise UnsupportedError("Only PCI device addresses with function=0 are supported")
            if a.multifunction is True:
                raise UnsupportedError(
                    "Only PCI device addresses with multifunction=off are supported"
                )
        multibus = ctl.has_pci_multibus(dom, caps)
        out = f",bus={cont.info.alias}" if multibus else ",bus=pci"
        if a.multifunction is True:
            out += ",multifunction=on"
        elif a.multifunction is False:
            out += ",multifunction=off"
        out += f",addr=0x{a.slot:x}"
        if a.function:
            out += f".0x{a.function:x}"
        return out
    if isinstance(a, USBAddress):
        alias = controller_alias(dom, "usb", a.bus)
        return f",bus={alias}.0,port={a.port}"
    if isinstance(a, SpaprVioAddress):
        return f",reg=0x{a.reg:x}" if a.reg is not None else ""
    if isinstance(a, CCWAddress):
        return f",devno={a.cssid:x}.{a.ssid:x}.{a.devno:04x}"
    if isinstance(a, ISAAddress):
        out = ""
        if a.iobase:
            out += f",iobase=0x{a.iobase:x}"
        if a.irq:
            out += f",irq=0x{a.irq:x}"
        return out
    return ""


def check_ccw_s390(dom: Domain, info: DeviceInfo, caps: QemuCaps, name: str) -> None:
    """qemuCheckCCWS390AddressSupport."""
    a = info.address
    if isinstance(a, CCWAddress):
        if not (dom.os.machine or "").startswith("s390-ccw"):
            raise UnsupportedError(
                f"cannot use CCW address type for device '{name}' using machine type "
                f"'{dom.os.machine}'"
            )
        if not caps.has("virtio-ccw"):
            raise UnsupportedError("CCW address type is not supported by this QEMU")
    elif isinstance(a, VirtioS390Address):
        if not caps.has("virtio-s390"):
            raise UnsupportedError("virtio S390 address type is not supported by this QEMU")


def usb_id(index: int) -> str:
    return "usb" if index == 0 else f"usb{index}"


def _usb_controller(dom: Domain, cont: Controller, caps: QemuCaps) -> str:
    model = cont.model
    if model is None:
        model = "pci-ohci" if ctl.is_ppc64(dom) else "piix3-uhci"
    device, flag = _USB_DEVICES.get(model, (model, ""))
    if not flag or not caps.has(flag):
        raise UnsupportedError(f"{device} not supported in this QEMU binary")
    if cont.info.usb_master_startport is not None:
        return f"{device},masterbus={usb_id(cont.index)}.0,firstport={cont.info.usb_master_startport}"
    return f"{device},id={usb_id(cont.index)}"


def _pci_controller(cont: Controller, caps: QemuCaps) -> str:
    if cont.index == 0:
        raise UnsupportedError(
            f"index for pci controllers of model '{cont.model}' must be > 0"
        )
    spec = _PCI_DEVICES.get(cont.model or "")
    if spec is None:
        raise UnsupportedError(f"Unsupported PCI controller model {cont.model}")
    name, flag, what = spec
    if cont.model_name is None or (cont.model == "pci-bridge" and cont.chassis_nr is None):
        raise UnsupportedError(f"autogenerated {cont.model} options not set")
    if cont.model_name != name:
        raise UnsupportedError(
            f"PCI controller model name '{cont.model_name}' is not valid for a {cont.model}"
        )
    if not caps.has(flag):
        raise UnsupportedError(f"{what} is not supported in this QEMU binary")
    alias = cont.info.alias
    if cont.model == "pci-bridge":
        return f"{name},chassis_nr={cont.chassis_nr},id={alias}"
    if cont.model in ("pcie-root-port", "pcie-switch-downstream-port"):
        return f"{name},port=0x{cont.port or 0:x},chassis={cont.chassis},id={alias}"
    return f"{name},id={alias}"


def controller_device(dom: Domain, cont: Controller, caps: QemuCaps) -> str:
    """qemuBuildControllerDevStr."""
    check_ccw_s390(dom, cont.info, caps, "controller")
    model = cont.model
    if cont.type == "scsi":
        model = scsi_controller_model(dom, cont, caps)
        _check_scsi_model(model, caps)
    if not (cont.type == "scsi" and model == "virtio-scsi"):
        for what, value in (
            ("queues", cont.queues), ("cmd_per_lun", cont.cmd_per_lun),
            ("max_sectors", cont.max_sectors), ("ioeventfd", cont.ioeventfd),
        ):
            if value:
                raise UnsupportedError(f"'{what}' is only supported by virtio-scsi controller")
    a = cont.info.address
    alias = cont.info.alias
    if cont.type == "scsi":
        if model == "virtio-scsi":
            if isinstance(a, CCWAddress):
                out = "virtio-scsi-ccw"
            elif isinstance(a, VirtioS390Address):
                out = "virtio-scsi-s390"
            elif isinstance(a, VirtioMMIOAddress):
                out = "virtio-scsi-device"
            else:
                out = "virtio-scsi-pci"
            if cont.iothread:
                out += f",iothread=iothread{cont.iothread}"
        elif model == "lsilogic":
            out = "lsi"
        elif model == "ibmvscsi":
            out = "spapr-vscsi"
        elif model == "lsisas1078":
            out = "megasas"
        else:
            raise UnsupportedError(f"Unsupported controller model: {model}")
        out += f",id={alias}"
    elif cont.type == "virtio-serial":
        if isinstance(a, PCIAddress):
            out = "virtio-serial-pci"
        elif isinstance(a, CCWAddress):
            out = "virtio-serial-ccw"
        elif isinstance(a, VirtioS390Address):
            out = "virtio-serial-s390"
        elif isinstance(a, VirtioMMIOAddress):
            out = "virtio-serial-device"
        else:
            out = "virtio-serial"
        out += f",id={alias}"
        if cont.ports is not None:
            out += f",max_ports={cont.ports}"
        if cont.vectors is not None:
            out += f",vectors={cont.vectors}"
    elif cont.type == "ccid":
        out = f"usb-ccid,id={alias}"
    elif cont.type == "sata":
        out = f"ahci,id={alias}"
    elif cont.type == "usb":
        out = _usb_controller(dom, cont, caps)
    elif cont.type == "pci":
        out = _pci_controller(cont, caps)
    elif cont.type == "ide":
        if ctl.machine_has_builtin_ide(dom):
            raise UnsupportedError("Only a single IDE controller is supported for this machine type")
        raise UnsupportedError(
            "IDE controllers are unsupported for this QEMU binary or machine type"
        )
    else:
        raise UnsupportedError(f"Unsupported controller type: {cont.type}")
    if cont.queues:
        out += f",num_queues={cont.queues}"
    if cont.cmd_per_lun:
        out += f",cmd_per_lun={cont.cmd_per_lun}"
    if cont.max_sectors:
        out += f",max_sectors={cont.max_sectors}"
    if cont.ioeventfd is not None and caps.has("virtio-blk-pci.ioeventfd"):
        out += f",ioeventfd={'on' if cont.ioeventfd else 'off'}"
    return out + device_address(dom, cont.info, caps)


def _check_scsi_model(model: str, caps: QemuCaps) -> None:
    if model == "lsilogic" and not caps.has("lsi"):
        raise UnsupportedError("This QEMU doesn't support the LSI 53C895A SCSI controller")
    if model == "virtio-scsi" and not caps.has("virtio-scsi-pci"):
        raise UnsupportedError("This QEMU doesn't support virtio scsi controller")
    if model == "lsisas1078" and not caps.has("megasas"):
        raise UnsupportedError("This QEMU doesn't support the LSI SAS1078 controller")
    if model not in ("lsilogic", "virtio-scsi", "lsisas1078", "ibmvscsi"):
        raise UnsupportedError(f"Unsupported controller model: {model}")


def _build_pcihole64(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    for cont in dom.devices.controllers:
        if cont.type != "pci" or not cont.pcihole64_set:
            continue
        if cont.model == "pci-root":
            host, flag, ok = "i440FX-pcihost", "i440fx-pci-hole64-size", ctl.machine_is_i440fx(dom)
        elif cont.model == "pcie-root":
            host, flag, ok = "q35-pcihost", "q35-pci-hole64-size", ctl.machine_is_q35(dom)
        else:
            raise ConfigError("64-bit PCI hole setting is only for root PCI controllers")
        if not ok:
            raise UnsupportedError(
                f"Setting the 64-bit PCI hole size is not supported for machine '{dom.os.machine}'"
            )
        if not caps.has(flag):
            raise UnsupportedError(
                "64-bit PCI hole size setting is not supported with this QEMU binary"
            )
        cmd.add("-global", f"{host}.pci-hole64-size={cont.pcihole64 or 0}K")


def build_controllers(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if caps.has("device"):
        _build_pcihole64(cmd, dom, caps)
    usb_count = 0
    usb_none = False
    usb_legacy = False
    if caps.has("device"):
        for type_ in _ORDER:
            for cont in dom.devices.controllers:
                if cont.type != type_:
                    continue
                if cont.type == "usb" and cont.model == "none":
                    usb_none = True
                    continue
                if cont.type == "pci" and cont.model in ("pci-root", "pcie-root"):
                    continue
                if cont.type == "fdc":
                    continue
                if cont.type == "ide" and cont.index == 0 and ctl.machine_has_builtin_ide(dom):
                    continue
                if cont.type == "sata":
                    if not caps.has("ich9-ahci"):
                        raise UnsupportedError("SATA is not supported with this QEMU binary")
                    if cont.index == 0 and ctl.machine_is_q35(dom):
                        continue
                elif (
                    cont.type == "usb"
                    and cont.model is None
                    and not ctl.machine_is_q35(dom)
                    and not caps.has("piix3-usb-uhci")
                ):
                    if usb_legacy:
                        raise UnsupportedError("Multiple legacy USB controllers are not supported")
                    usb_legacy = True
                    continue
                cmd.add("-device", controller_device(dom, cont, caps))
                if cont.type == "usb":
                    usb_count += 1
    if usb_count == 0 and not usb_none and not ctl.machine_is_q35(dom) and not ctl.is_s390(dom):
        cmd.add("-usb")
