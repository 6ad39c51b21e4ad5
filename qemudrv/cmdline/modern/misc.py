"""Small device families of libvirt 9.0's command line."""

from __future__ import annotations

from ...caps import QemuCaps
from ...model.address import CCWAddress, VirtioMMIOAddress
from ...model.domain import Domain
from ..command import CommandLine
from .address import address_props
from .props import Props, add_device


def build_memballoon(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildMemballoonCommandLine (the stats period is set over QMP)."""
    dev = dom.devices.memballoon
    if dev is None or dev.model == "none":
        return
    a = dev.info.address
    if isinstance(a, CCWAddress):
        driver = "virtio-balloon-ccw"
    elif isinstance(a, VirtioMMIOAddress):
        driver = "virtio-balloon-device"
    else:
        driver = "virtio-balloon-pci"
    props: Props = {"driver": driver, "id": dev.info.alias}
    if dev.autodeflate is not None:
        props["deflate-on-oom"] = dev.autodeflate
    props.update(address_props(dom, dev.info, caps))
    add_device(cmd, props)
