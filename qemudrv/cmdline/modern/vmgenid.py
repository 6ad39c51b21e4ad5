"""The VM generation ID device of libvirt 9.0's command line
(qemuBuildVMGenIDCommandLine) and its check (qemuValidateDomainDef)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.domain import Domain
from ..command import CommandLine
from .props import add_device


def build_vmgenid(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    if dom.genid is not None:
        add_device(cmd, {"driver": "vmgenid", "guid": dom.genid, "id": "vmgenid0"}, caps)


def validate_vmgenid(dom: Domain, caps: QemuCaps) -> None:
    if dom.genid is not None and not caps.has("vmgenid"):
        raise ConfigError("this QEMU does not support the 'genid' capability")
