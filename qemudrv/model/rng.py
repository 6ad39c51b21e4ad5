"""Model of <rng> (a virtio random number generator and its host source)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .chardev import ChrSource
from .virtio_options import VirtioOptions

RNG_MODELS = ("virtio",)
RNG_MODELS_MODERN = (*RNG_MODELS, "virtio-transitional", "virtio-non-transitional")
RNG_BACKENDS = ("random", "egd")
RNG_BACKENDS_MODERN = (*RNG_BACKENDS, "builtin")  # libvirt 9.0


@dataclass(slots=True)
class RNG:
    model: str = "virtio"
    backend: str = "random"
    # random: the host device to read; egd: the daemon's chardev
    file: str | None = None
    chardev: ChrSource | None = None
    rate: int = 0  # bytes per period; 0 = unlimited
    period: int = 0  # milliseconds
    info: DeviceInfo = field(default_factory=DeviceInfo)
    virtio: VirtioOptions | None = None  # libvirt 9.0
