"""The checks of qemuValidateDomainDef on the general (non-device) parts
after the emulator's (qemudrv/validate_modern/emulator.py): the genid
capability, and fw_cfg entries out of QEMU's and the firmware's names."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.domain import Domain


def validate_general(dom: Domain, caps: QemuCaps) -> None:
    if dom.genid is not None and not caps.has("vmgenid"):
        raise ConfigError("this QEMU does not support the 'genid' capability")
    _validate_fw_cfg(dom)


def _validate_fw_cfg(dom: Domain) -> None:
    """qemuValidateDomainDefSysinfo."""
    for info in dom.sysinfos:
        for entry in info.fw_cfgs:
            if not entry.name.startswith("opt/"):
                raise ConfigError("Invalid firmware name")
            if entry.name.startswith(("opt/ovmf/", "opt/org.qemu/")):
                raise ConfigError("That firmware name is reserved")
