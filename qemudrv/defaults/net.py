"""Defaults of network interfaces (libvirt 1.3.1).

``net_post_parse``: an interface without a model gets the machine's usual
NIC (qemuDomainDeviceDefPostParse), and the host device behind each
``type='hostdev'`` interface joins the host device list, ahead of the
<hostdev> elements, as virDomainDefParseXML puts it there.
"""

from __future__ import annotations

from typing import Any

from ..model.domain import Domain


def default_model(dom: Domain) -> str:
    arch = dom.os.arch or ""
    machine = dom.os.machine or ""
    if arch in ("s390", "s390x"):
        return "virtio"
    if arch in ("armv7l", "aarch64"):
        if machine == "versatilepb":
            return "smc91c111"
        if machine == "virt" or machine.startswith("virt-"):
            return "virtio"
        return "lan9118"
    return "rtl8139"


def default_model_modern(dom: Domain, caps: Any) -> str:
    """qemuDomainDefaultNetModel of libvirt 9.0: RISC-V virt guests get
    virtio, other machines the first NIC the emulator has."""
    arch = dom.os.arch or ""
    if arch in ("s390", "s390x", "armv6l", "armv7l", "aarch64"):
        return default_model(dom)
    machine = dom.os.machine or ""
    if arch in ("riscv32", "riscv64") and (machine == "virt" or machine.startswith("virt-")):
        return "virtio"
    for flag, model in (("rtl8139", "rtl8139"), ("e1000", "e1000"), ("virtio-net", "virtio")):
        if caps.has(flag):
            return model
    return "rtl8139"


def _insert_hostdevs(dom: Domain) -> None:
    present = {id(hd) for hd in dom.devices.hostdevs}
    front = [
        net.hostdev
        for net in dom.devices.interfaces
        if net.type == "hostdev" and net.hostdev is not None and id(net.hostdev) not in present
    ]
    dom.devices.hostdevs[:0] = front


def net_post_parse(dom: Domain, caps: Any = None) -> None:
    for net in dom.devices.interfaces:
        if dom.modern and net.type == "vdpa" and not net.model:
            net.model = "virtio"
        elif net.type != "hostdev" and not net.model:
            net.model = default_model_modern(dom, caps) if dom.modern else default_model(dom)
    _insert_hostdevs(dom)
