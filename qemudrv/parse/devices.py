"""Dispatch of the children of <devices> to their family parsers.

libvirt reads each device kind with its own XPath query, so devices of one
kind keep document order and unknown elements are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import XMLError
from ..model.devices import Devices
from ..xmlreader import Element, children_by_tag, text
from . import (
    audio,
    chardev,
    controller,
    disk,
    filesystem,
    graphics,
    hostdev,
    input,
    misc,
    net,
    redirdev,
    rng,
    smartcard,
    sound,
    tpm,
    video,
)
from .context import ParseContext
from .iommu import parse_iommu

Parser = Callable[[Element, ParseContext], Any]

# tag -> (parser, attribute of Devices, error when more than one is given)
_LISTS: dict[str, tuple[Parser, str]] = {
    "disk": (disk.parse_disk, "disks"),
    "controller": (controller.parse_controller, "controllers"),
    "lease": (misc.parse_lease, "leases"),
    "filesystem": (filesystem.parse_filesystem, "filesystems"),
    "interface": (net.parse_interface, "interfaces"),
    "smartcard": (smartcard.parse_smartcard, "smartcards"),
    "serial": (chardev.parse_serial, "serials"),
    "parallel": (chardev.parse_parallel, "parallels"),
    "console": (chardev.parse_console, "consoles"),
    "channel": (chardev.parse_channel, "channels"),
    "input": (input.parse_input, "inputs"),
    "graphics": (graphics.parse_graphics, "graphics"),
    "sound": (sound.parse_sound, "sounds"),
    "video": (video.parse_video, "videos"),
    "hostdev": (hostdev.parse_hostdev, "hostdevs"),
    "redirdev": (redirdev.parse_redirdev, "redirdevs"),
    "hub": (misc.parse_hub, "hubs"),
    "rng": (rng.parse_rng, "rngs"),
    "panic": (misc.parse_panic, "panics"),
    "shmem": (misc.parse_shmem, "shmems"),
    "memory": (misc.parse_memory, "memories"),
    "audio": (audio.parse_audio, "audios"),
    "tpm": (tpm.parse_tpm, "tpms"),
}

_SINGLE: dict[str, tuple[Parser, str, str]] = {
    "redirfilter": (
        redirdev.parse_redirfilter,
        "redirfilter",
        "only one set of redirection filter rule is supported",
    ),
    "watchdog": (misc.parse_watchdog, "watchdog", "only a single watchdog device is supported"),
    "memballoon": (
        misc.parse_memballoon,
        "memballoon",
        "only a single memory balloon device is supported",
    ),
    "nvram": (misc.parse_nvram, "nvram", "only a single nvram device is supported"),
    "vsock": (misc.parse_vsock, "vsock", "only a single vsock device is supported"),
    "iommu": (parse_iommu, "iommu", "only a single IOMMU device is supported"),
}

# The order in which libvirt's parser visits device kinds; errors of an
# earlier kind win, and some kinds look at those parsed before them.
_ORDER = [
    "disk", "controller", "lease", "filesystem", "interface", "smartcard",
    "serial", "parallel", "console", "channel", "input", "graphics", "sound",
    "video", "hostdev", "redirdev", "redirfilter", "hub", "watchdog",
    "memballoon", "rng", "tpm", "nvram", "panic", "shmem", "memory",
]
# libvirt 9.0 reads <audio> right after <sound>.
_ORDER_MODERN = [
    *_ORDER[:_ORDER.index("sound") + 1], "audio", *_ORDER[_ORDER.index("sound") + 1:], "iommu",
    "vsock",
]


def parse_devices(el: Element | None, ctx: ParseContext,
                  devices: Devices | None = None) -> Devices:
    """The devices of <devices>, filled into ``devices`` when given (the
    domain's own, still empty: no second one is built)."""
    if devices is None:
        devices = Devices()
    if el is None:
        return devices
    by_tag = children_by_tag(el)
    emulator = by_tag.get("emulator")
    devices.emulator = text(emulator[0]) if emulator else None
    for name in _ORDER_MODERN if ctx.modern else _ORDER:
        found = by_tag.get(name)
        if not found:
            continue
        if name in _LISTS:
            parser, attr = _LISTS[name]
            target = getattr(devices, attr)
            if name == "tpm":
                tpm.check_tpm_count(len(found), ctx)
            for item in found:
                target.append(parser(item, ctx))
        else:
            parser, attr, too_many = _SINGLE[name]
            if len(found) > 1:
                raise XMLError(too_many)
            setattr(devices, attr, parser(found[0], ctx))
    return devices
