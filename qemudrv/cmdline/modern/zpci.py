"""The zPCI companion device an s390 PCI device with a zPCI address gets
(qemuCommandAddExtDevice, qemuBuildZPCIDevProps); every family writing a
PCI device calls it first."""

from __future__ import annotations

from ...caps import QemuCaps
from ...model.address import DeviceInfo, PCIAddress
from ..command import CommandLine
from .props import add_device


def add_ext_device(cmd: CommandLine, info: DeviceInfo, caps: QemuCaps) -> None:
    a = info.address
    if not isinstance(a, PCIAddress) or (a.zpci_uid is None and a.zpci_fid is None):
        return
    add_device(cmd, {"driver": "zpci", "uid": a.zpci_uid or 0, "fid": a.zpci_fid or 0,
                     "target": info.alias, "id": f"zpci{a.zpci_uid or 0}"}, caps)
