"""The devices of a domain and their address information, in libvirt's order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model.address import DeviceInfo
from ..model.domain import Domain


def device_lists(dom: Domain) -> tuple[tuple[str, Sequence[Any]], ...]:
    """(kind, devices) in virDomainDeviceInfoIterate's order."""
    d = dom.devices
    return (
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
        ("watchdog", () if d.watchdog is None else (d.watchdog,)),
        ("memballoon", () if d.memballoon is None else (d.memballoon,)),
        ("hub", d.hubs),
        ("shmem", d.shmems),
        ("rng", d.rngs),
        ("nvram", () if d.nvram is None else (d.nvram,)),
        ("redirdev", d.redirdevs),
        ("tpm", d.tpms),
        ("panic", d.panics),
        ("memory", d.memories),
        ("iommu", () if d.iommu is None else (d.iommu,)),
        ("vsock", () if d.vsock is None else (d.vsock,)),
    )


def iter_devices(dom: Domain) -> list[tuple[str, Any]]:
    """(kind, device) in virDomainDeviceInfoIterate's order."""
    return [(kind, dev) for kind, items in device_lists(dom) for dev in items]


def device_info(dev: Any) -> DeviceInfo | None:
    info = getattr(dev, "info", None)
    return info if isinstance(info, DeviceInfo) else None


def device_infos(dom: Domain) -> list[tuple[str, Any, DeviceInfo]]:
    """(kind, device, info) of the devices that have an info, in libvirt's
    order; a console mirroring serial 0 is left out (it shares its info)."""
    alias = serial_alias_console(dom)
    out: list[tuple[str, Any, DeviceInfo]] = []
    append = out.append
    for kind, items in device_lists(dom):
        for dev in items:
            info = getattr(dev, "info", None)
            if isinstance(info, DeviceInfo) and not (dev is alias and kind == "console"):
                append((kind, dev, info))
    return out


def serial_alias_console(dom: Domain) -> Any:
    """The first console of a serial type mirrors serial 0 (same info)."""
    consoles = dom.devices.consoles
    if consoles and dom.devices.serials and getattr(consoles[0], "target_type", None) == "serial":
        return consoles[0]
    return None
