"""Defaults of network interfaces (libvirt 1.3.1).

``net_post_parse``: an interface without a model gets the machine's usual
NIC (qemuDomainDeviceDefPostParse), and the host device behind each
``type='hostdev'`` interface joins the host device list, ahead of the
<hostdev> elements, as virDomainDefParseXML puts it there.
"""

from __future__ import annotations

from typing import Any

from ..model.address import DeviceInfo
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


def _next_index(infos: list[DeviceInfo], prefix: str) -> int:
    return max((_alias_number(info.alias, prefix) + 1 for info in infos), default=0)


def assign_net_hostdev_aliases(dom: Domain) -> None:
    """qemuAssignDeviceNetAlias and qemuAssignDeviceHostdevAlias of libvirt
    9.0: an alias already there (a user's ua-...) stays, the others take the
    number after the highest in use; a hostdev interface is a hostdevN."""
    d = dom.devices
    for net in d.interfaces:
        if net.info.alias:
            continue
        if net.type == "hostdev":
            infos = [hd.info for hd in d.hostdevs] + [n.info for n in d.interfaces]
            net.info.alias = f"hostdev{_next_index(infos, 'hostdev')}"
        else:
            net.info.alias = f"net{_next_index([n.info for n in d.interfaces], 'net')}"
    for hd in d.hostdevs:
        if not hd.info.alias:
            infos = [h.info for h in d.hostdevs] + [n.info for n in d.interfaces]
            hd.info.alias = f"hostdev{_next_index(infos, 'hostdev')}"


def _alias_number(alias: str | None, prefix: str) -> int:
    """qemuDomainDeviceAliasIndex: N of PREFIXN, -1 if it is not one."""
    rest = alias[len(prefix):] if alias and alias.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else -1


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
