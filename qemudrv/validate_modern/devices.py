"""Per-device checks of virDomainDeviceDefValidate (domain_validate.c) and
qemuValidateDomainDeviceDef (qemu_validate.c) for the device kinds without
a module of their own, in libvirt's device order."""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults.device_infos import device_infos
from ..errors import ConfigError
from ..model.address import Address, PCIAddress, SpaprVioAddress
from ..model.domain import Domain
from .controller import validate_controller

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


def _check_address(addr: Address | None, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefAddress."""
    if isinstance(addr, PCIAddress):
        _check_zpci(addr, caps)
    elif isinstance(addr, SpaprVioAddress) and addr.reg is not None and addr.reg > 0xFFFFFFFF:
        raise ConfigError(f"spapr-vio reg='0x{addr.reg:x}' exceeds maximum possible value "
                          "(0xffffffff)")


def validate_devices(dom: Domain, caps: QemuCaps) -> None:
    """Device by device: its address (qemuValidateDomainDeviceInfo), then
    what its kind needs."""
    for kind, dev, info in device_infos(dom):
        _check_address(info.address, caps)
        if kind == "controller":
            validate_controller(dev, caps)
