"""The devices of a domain and their address information, in libvirt's order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model.address import DeviceInfo
from ..model.domain import Domain


def iter_devices(dom: Domain) -> Iterator[tuple[str, Any]]:
    """(kind, device) in virDomainDeviceInfoIterate's order."""
    d = dom.devices
    for kind, items in (
        ("disk", d.disks),
        ("net", d.interfaces),
        ("sound", d.sounds),
        ("hostdev", d.hostdevs),
        ("video", d.videos),
        ("controller", d.controllers),
        ("smartcard", d.smartcards),
        ("serial", d.serials),
        ("parallel", d.parallels),
        ("channel", d.channels),
        ("console", d.consoles),
        ("input", d.inputs),
        ("fs", d.filesystems),
    ):
        for dev in items:
            yield kind, dev
    if d.watchdog is not None:
        yield "watchdog", d.watchdog
    if d.memballoon is not None:
        yield "memballoon", d.memballoon
    for hub in d.hubs:
        yield "hub", hub
    for shmem in d.shmems:
        yield "shmem", shmem
    for rng in d.rngs:
        yield "rng", rng
    if d.nvram is not None:
        yield "nvram", d.nvram
    for redirdev in d.redirdevs:
        yield "redirdev", redirdev
    for tpm in d.tpms:
        yield "tpm", tpm
    for panic in d.panics:
        yield "panic", panic
    for memory in d.memories:
        yield "memory", memory
    if d.iommu is not None:
        yield "iommu", d.iommu
    if d.vsock is not None:
        yield "vsock", d.vsock


def device_info(dev: Any) -> DeviceInfo | None:
    info = getattr(dev, "info", None)
    return info if isinstance(info, DeviceInfo) else None


def device_infos(dom: Domain) -> Iterator[tuple[str, Any, DeviceInfo]]:
    for kind, dev in iter_devices(dom):
        info = device_info(dev)
        if info is None:
            continue
        if kind == "console" and _console_is_serial_alias(dom, dev):
            continue
        yield kind, dev, info


def _console_is_serial_alias(dom: Domain, dev: Any) -> bool:
    """The first console of a serial type mirrors serial 0 (same info)."""
    consoles = dom.devices.consoles
    return bool(
        consoles and consoles[0] is dev and dom.devices.serials
        and getattr(dev, "target_type", None) == "serial"
    )
