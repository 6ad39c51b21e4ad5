"""Per-device checks of virDomainDeviceDefValidate (domain_validate.c) and
qemuValidateDomainDeviceDef (qemu_validate.c) for the device kinds without
a module of their own, in libvirt's device order."""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults.device_infos import device_lists, serial_alias_console
from ..errors import ConfigError
from ..model.address import DeviceInfo, PCIAddress, SpaprVioAddress
from ..model.chardev import ChrDevice
from ..model.domain import Domain
from ..model.misc import MemoryDevice
from .chardev import validate_chr_source
from .machine import is_arm_virt, is_pseries, is_riscv_virt, is_s390

# qemuValidateChrSerialTargetTypeToAddressType: the address each serial
# target type takes (system and sclp serials take none).
_SERIAL_TARGET_ADDRESS = {
    "isa-serial": "isa",
    "usb-serial": "usb",
    "pci-serial": "pci",
    "spapr-vio-serial": "spapr-vio",
    "isa-debug": "isa",
}
_ADDRESSLESS_SERIAL_TARGETS = ("system-serial", "sclp-serial")

# qemuValidateChrSerialTargetModelToTargetType.
_SERIAL_MODEL_TARGET = {
    "isa-serial": "isa-serial",
    "usb-serial": "usb-serial",
    "pci-serial": "pci-serial",
    "spapr-vty": "spapr-vio-serial",
    "pl011": "system-serial",
    "16550a": "system-serial",
    "sclpconsole": "sclp-serial",
    "sclplmconsole": "sclp-serial",
    "isa-debugcon": "isa-debug",
}


# VIR_DOMAIN_DEVICE_ZPCI_MAX_UID
_ZPCI_MAX_UID = 0xFFFF


def _check_zpci(addr: PCIAddress, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefZPCIAddress (the fid takes any 32-bit value)."""
    if addr.zpci_uid is None and addr.zpci_fid is None:
        return
    if not caps.has("zpci"):
        raise ConfigError("This QEMU binary doesn't support zPCI")
    uid = addr.zpci_uid
    if uid is not None and not 0 < uid <= _ZPCI_MAX_UID:
        raise ConfigError(f"Invalid PCI address uid='0x{uid:04x}', must be > 0x0000 and "
                          f"<= 0x{_ZPCI_MAX_UID:04x}", code="XML error")


def _check_serial_target(chr_dev: ChrDevice) -> None:
    """qemuValidateDomainChrTargetDef."""
    target, model = chr_dev.target_type, chr_dev.target_model
    addr = chr_dev.info.address
    if target in _SERIAL_TARGET_ADDRESS:
        expected = _SERIAL_TARGET_ADDRESS[target]
        if addr is not None and addr.type != expected:
            raise ConfigError(f"Target type '{target}' requires address type '{expected}'")
    elif target in _ADDRESSLESS_SERIAL_TARGETS and addr is not None:
        raise ConfigError(f"Target type '{target}' cannot have an associated address")
    if model in _SERIAL_MODEL_TARGET and target != _SERIAL_MODEL_TARGET[model]:
        raise ConfigError(f"Target model '{model}' requires target type "
                          f"'{_SERIAL_MODEL_TARGET[model]}'")


def _serial_fits_machine(chr_dev: ChrDevice, dom: Domain) -> bool:
    target, model = chr_dev.target_type, chr_dev.target_model
    if target == "system-serial" and (
            (model == "pl011" and not is_arm_virt(dom))
            or (model == "16550a" and not is_riscv_virt(dom))):
        return False
    if not is_pseries(dom) and (target == "spapr-vio-serial" or model == "spapr-vty"):
        return False
    return is_s390(dom) or not (
        target == "sclp-serial" or model in ("sclpconsole", "sclplmconsole"))


def _check_chr(chr_dev: ChrDevice, dom: Domain) -> None:
    """virDomainChrDefValidate, then qemuValidateDomainChrDef."""
    validate_chr_source(chr_dev.source, chr_dev)
    if chr_dev.kind == "serial":
        _check_serial_target(chr_dev)
    if chr_dev.kind == "parallel" and (is_s390(dom) or is_pseries(dom)):
        raise ConfigError("parallel ports are not supported")
    if chr_dev.kind == "serial" and not _serial_fits_machine(chr_dev, dom):
        raise ConfigError(
            f"Serial device with target type '{chr_dev.target_type}' and target model "
            f"'{chr_dev.target_model}' not compatible with guest architecture or "
            "machine type")


def _check_memory_device(mem: MemoryDevice, dom: Domain) -> None:
    """virDomainMemoryDefValidate: guest NUMA nodes count from zero."""
    if mem.target_node == -1:
        return
    nodes = len(dom.cpu.cells) if dom.cpu else 0
    if nodes == 0:
        raise ConfigError("can't add memory backend as guest has no NUMA nodes configured",
                          code="")
    if mem.target_node >= nodes:
        raise ConfigError(f"can't add memory backend for guest node '{mem.target_node}' "
                          f"as the guest has only '{nodes}' NUMA nodes configured", code="")


def validate_devices(dom: Domain, caps: QemuCaps) -> None:
    # qemuValidateDomainDeviceInfo's address checks come first for each device.
    # (Straight from the device lists, as device_infos lists them.)
    alias = serial_alias_console(dom)
    for kind, devices_of_kind in device_lists(dom):
        for dev in devices_of_kind:
            info = getattr(dev, "info", None)
            if not isinstance(info, DeviceInfo) or (dev is alias and kind == "console"):
                continue
            addr = info.address
            if isinstance(addr, PCIAddress):
                if addr.zpci_uid is not None or addr.zpci_fid is not None:
                    _check_zpci(addr, caps)
            elif isinstance(addr, SpaprVioAddress) and addr.reg is not None \
                    and addr.reg > 0xFFFFFFFF:
                raise ConfigError(f"spapr-vio reg='0x{addr.reg:x}' exceeds maximum possible "
                                  "value (0xffffffff)")
    devices = dom.devices
    for card in devices.smartcards:
        if card.passthru is not None:
            validate_chr_source(card.passthru)
    for chr_dev in [*devices.serials, *devices.parallels, *devices.channels,
                    *devices.consoles]:
        _check_chr(chr_dev, dom)
    for rng in devices.rngs:
        if rng.backend == "egd" and rng.chardev is not None:
            validate_chr_source(rng.chardev)
    for mem in devices.memories:
        _check_memory_device(mem, dom)
    for redirdev in devices.redirdevs:
        validate_chr_source(redirdev.source)
