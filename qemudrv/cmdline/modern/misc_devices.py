"""The smaller devices qemuBuildCommandLine adds near its end in libvirt 9.0:
the spapr NVRAM, panic notifiers and the vsock device."""

from __future__ import annotations

from ...caps import QemuCaps
from ...model.address import ISAAddress, SpaprVioAddress
from ...model.domain import Domain
from ..command import CommandLine
from .address import address_props
from .misc import _virtio_driver
from .props import Props, add_device


def build_nvram(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildNVRAMCommandLine: pSeries' NVRAM is set on its global device."""
    nvram = dom.devices.nvram
    if nvram is None:
        return
    addr = nvram.info.address
    reg = addr.reg if isinstance(addr, SpaprVioAddress) and addr.reg is not None else 0
    cmd.add("-global", f"spapr-nvram.reg=0x{reg:x}")


def build_panics(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildPanicCommandLine: only the ISA notifier is a device; the
    others are machine or CPU features."""
    for panic in dom.devices.panics:
        if panic.model != "isa":
            continue
        props: Props = {"driver": "pvpanic"}
        addr = panic.info.address
        # pvpanic calls its port 'ioport', not 'iobase'.
        if isinstance(addr, ISAAddress) and addr.iobase is not None:
            props["ioport"] = addr.iobase
        add_device(cmd, props, caps)


def build_vsock(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildVsockCommandLine: the vhost fd libvirt opened is passed on."""
    vsock = dom.devices.vsock
    if vsock is None:
        return
    cid = vsock.guest_cid
    if vsock.auto_cid == "yes":
        # qemuProcessPrepareDomain picks a free cid; the tests fix it.
        cid = int(caps.host.get("vsock_auto_cid", cid))
    props: Props = {"driver": _virtio_driver("vhost-vsock", vsock.info.address),
                    "id": vsock.info.alias or "vsock0", "guest-cid": cid,
                    "vhostfd": str(caps.table("fds").get("vsock_vhost", -1))}
    props.update(address_props(dom, vsock.info, caps))
    add_device(cmd, props, caps)
