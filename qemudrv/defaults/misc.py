"""Defaults of the smaller devices (libvirt 1.3.1's qemu_domain.c).

``add_default_devices``: the virtio memory balloon every QEMU guest gets
unless it names one (ARM boards get none). ``misc_post_parse``: the panic
model a guest's machine implies. ``assign_aliases``: the aliases of the
network, host device, filesystem and misc families, as
qemuAssignDeviceAliases names them.
"""

from __future__ import annotations

from typing import Any

from ..errors import XMLError
from ..model.domain import Domain
from ..model.misc import Memballoon, Panic
from .memory import assign_memory_aliases
from .net import assign_net_hostdev_aliases


def _no_default_balloon(dom: Domain) -> bool:
    if dom.modern:
        # libvirt 9.0's qemuDomainDefAddDefaultDevices: ARM and 32-bit SPARC.
        return dom.os.arch in ("armv6l", "armv7l", "aarch64", "sparc")
    return dom.os.arch in ("armv7l", "aarch64")


def add_default_devices(dom: Domain, caps: Any = None) -> None:
    """The memory balloon part of qemuDomainDefAddDefaultDevices; libvirt
    9.0 also gives pSeries and s390 guests their firmware's panic notifier."""
    if dom.devices.memballoon is None and not _no_default_balloon(dom):
        dom.devices.memballoon = Memballoon(model="virtio")
    if dom.modern:
        s390 = dom.os.arch in ("s390", "s390x")
        own = "pseries" if _is_pseries(dom) else "s390" if s390 else None
        if own is not None and not any(
            p.model in ("default", own) for p in dom.devices.panics
        ):
            dom.devices.panics.append(Panic())


def _is_pseries(dom: Domain) -> bool:
    return dom.os.arch in ("ppc64", "ppc64le") and (dom.os.machine or "").startswith("pseries")


def misc_post_parse(dom: Domain, caps: Any = None) -> None:
    """qemuDomainDeviceDefPostParse for panic devices: an unnamed model
    is the firmware notifier on pSeries, the ISA pvpanic elsewhere. Hubs
    need USB (checked while parsing in libvirt)."""
    if dom.devices.hubs and any(
        c.type == "usb" and c.model == "none" for c in dom.devices.controllers
    ):
        raise XMLError("Can't add USB hub: USB is disabled for this domain",
                       code="unsupported configuration")
    vsock = dom.devices.vsock
    if vsock is not None and vsock.auto_cid is None:
        # virDomainVsockDefPostParse: no cid given means an automatic one.
        vsock.auto_cid = "no" if vsock.guest_cid else "yes"
    if vsock is not None and vsock.model is None:
        vsock.model = "virtio"  # qemuDomainVsockDefPostParse
    for rng in dom.devices.rngs:
        if dom.modern and rng.backend == "random" and rng.file is None:
            rng.file = "/dev/random"  # virDomainRNGDefPostParse
    for panic in dom.devices.panics:
        if panic.model == "default":
            if _is_pseries(dom):
                panic.model = "pseries"
            elif dom.modern and dom.os.arch in ("s390", "s390x"):
                panic.model = "s390"
            else:
                panic.model = "isa"


def _alias_index(alias: str | None, prefix: str) -> int:
    """qemuDomainDeviceAliasIndex: N of PREFIXN, -1 if it is not one."""
    if not alias or not alias.startswith(prefix):
        return -1
    rest = alias[len(prefix):]
    return int(rest) if rest.isdigit() else -1


def assign_aliases(dom: Domain, caps: Any) -> None:
    """Aliases of this engineer's families (qemuAssignDeviceAliases).

    Interfaces are named by their position (a hostdev interface keeps the
    ``hostdev`` name of its host device but uses up its ``net`` number)
    whatever the flags; everything else needs the 'device' flag.
    """
    d = dom.devices
    if dom.modern:
        assign_net_hostdev_aliases(dom)
    for i, net in enumerate(d.interfaces):
        if net.type != "hostdev" and not dom.modern:
            net.info.alias = f"net{i}"
    if not caps.has("device"):
        return
    for i, fs in enumerate(d.filesystems):
        fs.info.alias = f"fs{i}"
    for i, hd in enumerate(d.hostdevs):
        if not dom.modern:
            hd.info.alias = f"hostdev{i}"
    for i, hub in enumerate(d.hubs):
        hub.info.alias = f"hub{i}"
    for i, shmem in enumerate(d.shmems):
        shmem.info.alias = f"shmem{i}"
    if d.watchdog is not None:
        d.watchdog.info.alias = "watchdog0"
    if d.memballoon is not None:
        d.memballoon.info.alias = "balloon0"
    for i, tpm in enumerate(d.tpms):
        tpm.info.alias = f"tpm{i}"
    if dom.modern:
        assign_memory_aliases(dom)
        if d.iommu is not None:
            d.iommu.info.alias = "iommu0"
        if d.vsock is not None:
            d.vsock.info.alias = "vsock0"
    else:
        for mem in d.memories:
            index = 0
            for other in d.memories:
                n = _alias_index(other.info.alias, "dimm")
                if n >= index:
                    index = n + 1
            mem.info.alias = f"dimm{index}"
