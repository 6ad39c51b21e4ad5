"""Per-device checks of virDomainDeviceDefValidate (domain_validate.c) and
qemuValidateDomainDeviceDef (qemu_validate.c) for the device kinds without
a module of their own, in libvirt's device order."""

from __future__ import annotations

from ..caps import QemuCaps
from ..defaults.device_infos import device_infos
from ..errors import ConfigError
from ..model.address import PCIAddress
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


def validate_devices(dom: Domain, caps: QemuCaps) -> None:
    # qemuValidateDomainDeviceInfo's address checks come first for each device.
    for _, _, info in device_infos(dom):
        if isinstance(info.address, PCIAddress):
            _check_zpci(info.address, caps)
    devices = dom.devices
    for cont in devices.controllers:
        validate_controller(cont, caps)
