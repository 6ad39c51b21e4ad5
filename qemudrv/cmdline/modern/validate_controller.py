"""Checks of controllers at define time in libvirt 9.0:
virDomainControllerDefValidate (domain_validate.c) and
qemuValidateDomainDeviceDefController (qemu_validate.c), made once the
post-parse has filled in model names and target options."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults import controllers as ctl
from ...errors import ConfigError
from ...model.controller import Controller
from ...model.domain import Domain

# virValidateControllerPCIModelNameToQEMUCaps
_MODEL_NAME_CAPS = {
    "pci-bridge": "pci-bridge", "i82801b11-bridge": "dmi-to-pci-bridge",
    "ioh3420": "ioh3420", "x3130-upstream": "x3130-upstream",
    "xio3130-downstream": "xio3130-downstream", "pxb": "pxb", "pxb-pcie": "pxb-pcie",
    "pcie-root-port": "pcie-root-port", "spapr-pci-host-bridge": "spapr-pci-host-bridge",
    "pcie-pci-bridge": "pcie-pci-bridge",
}

# The model name each PCI controller model may have (pci-root: only a PHB).
_MODEL_NAMES = {
    "pci-root": ("spapr-pci-host-bridge",),
    "pci-bridge": ("pci-bridge",),
    "dmi-to-pci-bridge": ("i82801b11-bridge",),
    "pcie-root-port": ("ioh3420", "pcie-root-port"),
    "pcie-switch-upstream-port": ("x3130-upstream",),
    "pcie-switch-downstream-port": ("xio3130-downstream",),
    "pci-expander-bus": ("pxb",),
    "pcie-expander-bus": ("pxb-pcie",),
    "pcie-root": (),
    "pcie-to-pci-bridge": ("pcie-pci-bridge",),
}
_ROOTS = ("pci-root", "pcie-root")
_EXPANDERS = ("pci-expander-bus", "pcie-expander-bus")
_PORTS = ("pcie-root-port", "pcie-switch-downstream-port")

# qemuValidateCheckSCSIControllerModel: the capability and the message of
# each SCSI model that needs one.
_SCSI_CAPS = {
    "lsilogic": ("lsi", "the LSI 53C895A SCSI controller"),
    "virtio-scsi": ("virtio-scsi-pci", "virtio scsi controller"),
    "virtio-transitional": ("virtio-scsi-pci", "virtio scsi controller"),
    "virtio-non-transitional": ("virtio-scsi-pci", "virtio scsi controller"),
    "lsisas1068": ("mptsas1068", "the LSI SAS1068 (MPT Fusion) controller"),
    "lsisas1078": ("megasas", "the LSI SAS1078 (MegaRAID) controller"),
    "vmpvscsi": ("pvscsi", "the pvscsi (VMware paravirtual SCSI) controller"),
}
_VIRTIO_SCSI = ("virtio-scsi", "virtio-transitional", "virtio-non-transitional")


def _missing(cont: Controller, option: str) -> ConfigError:
    return ConfigError(f"Required option '{option}' is not set for PCI controller with index "
                       f"'{cont.index}', model '{cont.model}' and modelName "
                       f"'{cont.model_name or 'none'}'", code="internal error")


def _invalid(cont: Controller, option: str) -> ConfigError:
    return ConfigError(f"Option '{option}' is not valid for PCI controller with index "
                       f"'{cont.index}', model '{cont.model}' and modelName "
                       f"'{cont.model_name or 'none'}'")


def _invalid_value(cont: Controller, option: str) -> ConfigError:
    return ConfigError(f"Option '{option}' has invalid value for PCI controller with index "
                       f"'{cont.index}', model '{cont.model}' and modelName "
                       f"'{cont.model_name or 'none'}'")


def _validate_pci_generic(cont: Controller) -> None:
    """virDomainControllerDefValidate for PCI controllers."""
    if cont.model in _ROOTS and cont.info.address is not None:
        raise ConfigError("pci-root and pcie-root controllers should not have an address")
    if cont.index > 255:
        raise ConfigError(f"PCI controller index {cont.index} too high, maximum is 255")
    target = cont.target_index
    if target is not None:
        if not 0 <= target <= 30:
            raise ConfigError(f"PCI controller target index '{target}' out of range - "
                              "must be 0-30")
        if (cont.index == 0) != (target == 0):
            raise ConfigError("Only the PCI controller with index 0 can have target index 0, "
                              "and vice versa")
    if cont.numa_node is not None and cont.index == 0:
        raise ConfigError("The PCI controller with index=0 can't be associated with a NUMA "
                          "node")


def _validate_pci(dom: Domain, cont: Controller, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefControllerPCI."""
    model = cont.model or ""
    name = cont.model_name
    if name is None:
        if model not in _ROOTS or (model == "pci-root" and ctl.is_pseries(dom)):
            raise _missing(cont, "modelName")
    elif model == "pcie-root" or (model == "pci-root" and not ctl.is_pseries(dom)):
        raise _invalid(cont, "modelName")
    if name is not None and name not in _MODEL_NAMES.get(model, ()):
        raise _invalid_value(cont, "modelName")
    phb = model == "pci-root" and name == "spapr-pci-host-bridge"
    if model not in _ROOTS and cont.index == 0:
        raise ConfigError(f"Index for '{model}' controllers must be > 0")
    if model in _ROOTS and not phb and cont.index != 0:
        raise ConfigError(f"Index for '{model}' controllers must be 0")
    if phb and cont.target_index is None:
        raise _missing(cont, "targetIndex")
    if not phb and cont.target_index is not None:
        raise _invalid(cont, "targetIndex")
    if cont.pcihole64_set:
        if (model == "pci-root" and not ctl.machine_is_i440fx(dom)) or (
                model == "pcie-root" and not ctl.machine_is_q35(dom)):
            raise ConfigError("Setting the 64-bit PCI hole size is not supported for "
                              f"machine '{dom.os.machine}'")
        if model not in _ROOTS:
            raise _invalid(cont, "pcihole64")
    if model in _EXPANDERS and cont.bus_nr is None:
        raise _missing(cont, "busNr")
    if model not in _EXPANDERS and cont.bus_nr is not None:
        raise _invalid(cont, "busNr")
    if cont.numa_node is not None and model not in _EXPANDERS and (
            not phb or cont.target_index == 0):
        raise _invalid(cont, "numaNode")
    if model == "pci-bridge" and cont.chassis_nr is None:
        raise _missing(cont, "chassisNr")
    if model != "pci-bridge" and cont.chassis_nr is not None:
        raise _invalid(cont, "chassisNr")
    if model in _PORTS:
        if cont.chassis is None:
            raise _missing(cont, "chassis")
        if cont.port is None:
            raise _missing(cont, "port")
    else:
        if cont.chassis is not None:
            raise _invalid(cont, "chassis")
        if cont.port is not None:
            raise _invalid(cont, "port")
    if cont.hotplug is not None:
        if model == "pci-root":
            if not caps.has("piix4.acpi-root-pci-hotplug"):
                raise ConfigError("setting the 'hotplug' property on a 'pci-root' device is "
                                  "not supported by this QEMU binary")
        elif model in _PORTS:
            if not caps.has("pcie-root-port.hotplug"):
                raise ConfigError("setting the 'hotplug' property on a "
                                  f"'{name}' device is not supported by this QEMU binary")
        else:
            raise _invalid(cont, "hotplug")
    flag = _MODEL_NAME_CAPS.get(name or "")
    if flag is not None and not caps.has(flag):
        raise ConfigError(f"The '{name}' device is not supported by this QEMU binary")
    if phb and cont.numa_node is not None and not caps.has("spapr-pci-host-bridge.numa_node"):
        raise ConfigError(f"Option 'numaNode' is not supported by '{name}' device with this "
                          "QEMU binary")


def _validate_scsi(dom: Domain, cont: Controller, caps: QemuCaps) -> None:
    """qemuValidateCheckSCSIControllerModel and the virtio-scsi iothread."""
    model = cont.model or ""
    needed = _SCSI_CAPS.get(model)
    if needed is not None and not caps.has(needed[0]):
        raise ConfigError(f"This QEMU doesn't support {needed[1]}")
    if model in ("auto", "buslogic"):
        raise ConfigError(f"Unsupported controller model: {model}")
    if model == "ncr53c90":
        if cont.index != 0:
            raise ConfigError("ncr53c90 can only be used as first SCSI controller")
        if not ctl.has_builtin_esp(dom):
            raise ConfigError("ncr53c90 SCSI controller is not a built-in for this machine")
    if model in _VIRTIO_SCSI and cont.iothread:
        if cont.info.address is not None and cont.info.address.type not in ("pci", "ccw"):
            raise ConfigError("virtio-scsi IOThreads only available for virtio pci and "
                              "virtio ccw controllers")
        if not any(t.id == cont.iothread for t in dom.iothreads):
            raise ConfigError(f"controller iothread '{cont.iothread}' not defined in "
                              "iothreadid")


def _validate_virtio_scsi_only(cont: Controller) -> None:
    """qemuValidateDomainDeviceDefControllerAttributes."""
    if cont.type == "scsi" and cont.model in _VIRTIO_SCSI:
        return
    if not (cont.queues or cont.cmd_per_lun or cont.max_sectors or cont.iothread) \
            and cont.ioeventfd is None:
        return  # the usual case: none of them set
    for name, value in (("queues", cont.queues), ("cmd_per_lun", cont.cmd_per_lun),
                        ("max_sectors", cont.max_sectors)):
        if value:
            raise ConfigError(f"'{name}' is only supported by virtio-scsi controller")
    if cont.ioeventfd is not None:
        raise ConfigError("'ioeventfd' is only supported by virtio-scsi controller")
    if cont.iothread:
        raise ConfigError("'iothread' is only supported for virtio-scsi controller")


def validate_controllers(dom: Domain, caps: QemuCaps) -> None:
    for cont in dom.devices.controllers:
        if cont.type == "pci":
            _validate_pci_generic(cont)
        if cont.type == "scsi":
            _validate_scsi(dom, cont, caps)
        _validate_virtio_scsi_only(cont)
        if cont.type == "ide" and not (cont.index == 0 and ctl.machine_has_builtin_ide(dom)):
            if ctl.machine_has_builtin_ide(dom):
                raise ConfigError("Only a single IDE controller is supported for this "
                                  "machine type")
            raise ConfigError("IDE controllers are unsupported for this QEMU binary or "
                              "machine type")
        elif cont.type == "pci":
            _validate_pci(dom, cont, caps)
        elif (cont.type == "sata" and not (cont.index == 0 and ctl.machine_is_q35(dom))
              and not caps.has("ich9-ahci")):
            raise ConfigError("SATA is not supported with this QEMU binary")
