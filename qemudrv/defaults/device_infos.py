"""The devices of a domain and their address information, in libvirt's order."""

from __future__ import annotations

from typing import Any

from ..model.address import DeviceInfo
from ..model.domain import Domain


def iter_devices(dom: Domain) -> list[tuple[str, Any]]:
    """(kind, device) in virDomainDeviceInfoIterate's order, as one list
    (several walks a conversion: a list is cheaper than nested generators)."""
    d = dom.devices
    out: list[tuple[str, Any]] = []
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
        if items:  # most lists are empty
            out += [(kind, dev) for dev in items]
    if d.watchdog is not None:
        out.append(("watchdog", d.watchdog))
    if d.memballoon is not None:
        out.append(("memballoon", d.memballoon))
    out += [("hub", hub) for hub in d.hubs]
    out += [("shmem", shmem) for shmem in d.shmems]
    out += [("rng", rng) for rng in d.rngs]
    if d.nvram is not None:
        out.append(("nvram", d.nvram))
    out += [("redirdev", redirdev) for redirdev in d.redirdevs]
    out += [("tpm", tpm) for tpm in d.tpms]
    out += [("panic", panic) for panic in d.panics]
    out += [("memory", memory) for memory in d.memories]
    if d.iommu is not None:
        out.append(("iommu", d.iommu))
    if d.vsock is not None:
        out.append(("vsock", d.vsock))
    return out


def device_info(dev: Any) -> DeviceInfo | None:
    info = getattr(dev, "info", None)
    return info if isinstance(info, DeviceInfo) else None


def device_infos(dom: Domain) -> list[tuple[str, Any, DeviceInfo]]:
    """(kind, device, info) of the devices that have an info, in libvirt's
    order; a console mirroring serial 0 is left out (it shares its info)."""
    alias = _serial_alias_console(dom)
    out: list[tuple[str, Any, DeviceInfo]] = []
    append = out.append
    for kind, dev in iter_devices(dom):
        info = getattr(dev, "info", None)
        if isinstance(info, DeviceInfo) and not (dev is alias and kind == "console"):
            append((kind, dev, info))
    return out


def _serial_alias_console(dom: Domain) -> Any:
    """The first console of a serial type mirrors serial 0 (same info)."""
    consoles = dom.devices.consoles
    if consoles and dom.devices.serials and getattr(consoles[0], "target_type", None) == "serial":
        return consoles[0]
    return None
