"""<devices>: each family's formatter, in the order libvirt writes them."""

from __future__ import annotations

from collections.abc import Callable

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
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
from .context import FormatContext
from .iommu import format_iommu

Formatter = Callable[[XMLWriter, Domain, FormatContext], None]

ORDER: list[Formatter] = [
    disk.format_disks,
    controller.format_controllers,
    misc.format_leases,
    filesystem.format_filesystems,
    net.format_interfaces,
    smartcard.format_smartcards,
    chardev.format_serials,
    chardev.format_parallels,
    chardev.format_consoles,
    chardev.format_channels,
    input.format_inputs,
    graphics.format_graphics,
    sound.format_sounds,
    video.format_videos,
    hostdev.format_hostdevs,
    redirdev.format_redirdevs,
    redirdev.format_redirfilter,
    misc.format_hubs,
    misc.format_watchdog,
    misc.format_memballoon,
    rng.format_rngs,
    tpm.format_tpms,
    misc.format_nvram,
    misc.format_panics,
    misc.format_shmems,
    misc.format_memories,
]

# libvirt 9.0 writes the TPM after the inputs and the audio backends after
# the sound devices.
ORDER_MODERN: list[Formatter] = [
    f for f in ORDER if f is not tpm.format_tpms
]
ORDER_MODERN.insert(ORDER_MODERN.index(graphics.format_graphics), tpm.format_tpms)
ORDER_MODERN.insert(ORDER_MODERN.index(sound.format_sounds) + 1, audio.format_audios)
ORDER_MODERN.append(format_iommu)
ORDER_MODERN.append(misc.format_vsock)


def format_devices(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    w.start("devices")
    if dom.devices.emulator:
        w.element("emulator", dom.devices.emulator)
    for formatter in ORDER_MODERN if dom.modern else ORDER:
        formatter(w, dom, ctx)
    w.end("devices")
