"""The <devices> of a domain, one list per device kind, in libvirt's order."""

from __future__ import annotations

from dataclasses import dataclass, field

from .audio import Audio
from .chardev import Channel, Console, Parallel, Serial
from .controller import Controller
from .disk import Disk
from .filesystem import Filesystem
from .graphics import Graphics
from .hostdev import Hostdev
from .input import Input
from .iommu import IOMMU
from .misc import (
    NVRAM,
    Hub,
    Lease,
    Memballoon,
    MemoryDevice,
    Panic,
    Shmem,
    Vsock,
    Watchdog,
)
from .net import Interface
from .redirdev import Redirdev, RedirFilter
from .rng import RNG
from .smartcard import Smartcard
from .sound import Sound
from .tpm import TPM
from .video import Video


@dataclass(slots=True)
class Devices:
    emulator: str | None = None
    disks: list[Disk] = field(default_factory=list)
    controllers: list[Controller] = field(default_factory=list)
    leases: list[Lease] = field(default_factory=list)
    filesystems: list[Filesystem] = field(default_factory=list)
    interfaces: list[Interface] = field(default_factory=list)
    smartcards: list[Smartcard] = field(default_factory=list)
    serials: list[Serial] = field(default_factory=list)
    parallels: list[Parallel] = field(default_factory=list)
    consoles: list[Console] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    graphics: list[Graphics] = field(default_factory=list)
    sounds: list[Sound] = field(default_factory=list)
    audios: list[Audio] = field(default_factory=list)
    videos: list[Video] = field(default_factory=list)
    hostdevs: list[Hostdev] = field(default_factory=list)
    redirdevs: list[Redirdev] = field(default_factory=list)
    redirfilter: RedirFilter | None = None
    hubs: list[Hub] = field(default_factory=list)
    watchdog: Watchdog | None = None
    memballoon: Memballoon | None = None
    rngs: list[RNG] = field(default_factory=list)
    tpms: list[TPM] = field(default_factory=list)
    nvram: NVRAM | None = None
    panics: list[Panic] = field(default_factory=list)
    shmems: list[Shmem] = field(default_factory=list)
    memories: list[MemoryDevice] = field(default_factory=list)
    vsock: Vsock | None = None
    iommu: IOMMU | None = None
