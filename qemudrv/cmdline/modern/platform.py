"""Platform devices of libvirt 9.0's command line that come from the domain's
general sections: the VM generation ID device (qemuBuildVMGenIDCommandLine)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.domain import Domain
from ..command import CommandLine
from .props import add_device


def build_vmgenid(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.genid is not None:
        add_device(cmd, {"driver": "vmgenid", "guid": dom.genid, "id": "vmgenid0"}, caps)


def validate_platform(dom: Domain, caps: QemuCaps) -> None:
    """qemuValidateDomainDef's check of the generation ID device."""
    if dom.genid is not None and not caps.has("vmgenid"):
        raise ConfigError("this QEMU does not support the 'genid' capability")
