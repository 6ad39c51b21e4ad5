"""virDomainControllerDefValidate and the hot-plug and device parts of
qemuValidateDomainDeviceDefControllerPCI: PCI controller options."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import ConfigError
from ..model.controller import Controller

# (option, lowest, highest) of virDomainControllerDefValidate's range checks.
_RANGES = (
    ("chassisNr", "chassis_nr", 1, 255),
    ("chassis", "chassis", 0, 255),
    ("port", "port", 0, 255),
    ("busNr", "bus_nr", 1, 254),
)

# The models whose hotplug option QEMU cannot take at all.
_NO_HOTPLUG = ("pci-bridge", "dmi-to-pci-bridge", "pcie-switch-upstream-port",
               "pci-expander-bus", "pcie-expander-bus", "pcie-root", "pcie-to-pci-bridge")


# virValidateControllerPCIModelNameToQEMUCaps: the flag of each QEMU device.
_MODEL_NAME_FLAGS = {
    "pci-bridge": "pci-bridge",
    "i82801b11-bridge": "dmi-to-pci-bridge",
    "ioh3420": "ioh3420",
    "x3130-upstream": "x3130-upstream",
    "xio3130-downstream": "xio3130-downstream",
    "pxb": "pxb",
    "pxb-pcie": "pxb-pcie",
    "pcie-root-port": "pcie-root-port",
    "spapr-pci-host-bridge": "spapr-pci-host-bridge",
    "pcie-pci-bridge": "pcie-pci-bridge",
}


def _check_generic(cont: Controller) -> None:
    if cont.model in ("pci-root", "pcie-root") and cont.info.address is not None:
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
    for option, attr, low, high in _RANGES:
        value = getattr(cont, attr)
        if value is not None and not low <= value <= high:
            raise ConfigError(f"PCI controller {option} '{value}' out of range - must be "
                              f"{low}-{high}")
    if cont.numa_node is not None and cont.numa_node >= 0 and cont.index == 0:
        raise ConfigError("The PCI controller with index=0 can't be associated with a NUMA "
                          "node")


def _check_hotplug(cont: Controller, caps: QemuCaps) -> None:
    if cont.hotplug is None:
        return
    model_name = cont.model_name or "none"
    unsupported = "setting the 'hotplug' property on a '{}' device is not supported by this " \
                  "QEMU binary"
    if cont.model == "pci-root" and not caps.has("piix4.acpi-root-pci-hotplug"):
        raise ConfigError(unsupported.format("pci-root"))
    if cont.model in ("pcie-root-port", "pcie-switch-downstream-port") and \
            not caps.has("pcie-root-port.hotplug"):
        raise ConfigError(unsupported.format(model_name))
    if cont.model in _NO_HOTPLUG:
        raise ConfigError(f"Option 'hotplug' is not valid for PCI controller with index "
                          f"'{cont.index}', model '{cont.model}' and modelName '{model_name}'")


def validate_controller(cont: Controller, caps: QemuCaps) -> None:
    if cont.type != "pci":
        return
    _check_generic(cont)
    _check_hotplug(cont, caps)
    flag = _MODEL_NAME_FLAGS.get(cont.model_name or "")
    if flag is not None and not caps.has(flag):
        raise ConfigError(f"The '{cont.model_name}' device is not supported by this QEMU "
                          "binary")
