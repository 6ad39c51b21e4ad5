"""Devices of the non-x86 platforms on libvirt 9.0's command line: the
zPCI companion of an s390 PCI device (qemuCommandAddExtDevice) and the
pSeries NVRAM (qemuBuildNVRAMCommandLine)."""

from __future__ import annotations

from ...caps import QemuCaps
from ...model.address import DeviceInfo, PCIAddress, SpaprVioAddress
from ...model.domain import Domain
from ..command import CommandLine
from .props import add_device


def add_ext_device(cmd: CommandLine, info: DeviceInfo, caps: QemuCaps) -> None:
    """qemuCommandAddExtDevice: a PCI device of an s390 guest is announced
    by a zpci device with its uid and fid, before the device itself."""
    a = info.address
    if not isinstance(a, PCIAddress) or a.zpci_uid is None:
        return
    add_device(cmd, {"driver": "zpci", "uid": a.zpci_uid, "fid": a.zpci_fid,
                     "target": info.alias, "id": f"zpci{a.zpci_uid}"}, caps)


def build_nvram(cmd: CommandLine, dom: Domain) -> None:
    """qemuBuildNVRAMCommandLine: the spapr-vio register of the NVRAM."""
    nvram = dom.devices.nvram
    if nvram is None:
        return
    a = nvram.info.address
    reg = a.reg if isinstance(a, SpaprVioAddress) and a.reg is not None else 0
    cmd.add("-global", f"spapr-nvram.reg=0x{reg:x}")
