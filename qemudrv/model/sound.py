"""Model of <sound> and its HDA codecs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

SOUND_MODELS = ("sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb")
MODERN_SOUND_MODELS = (*SOUND_MODELS, "ich7")
CODEC_TYPES = ("duplex", "micro")
MODERN_CODEC_TYPES = (*CODEC_TYPES, "output")


@dataclass(slots=True)
class SoundCodec:
    type: str = "duplex"
    cad: int = 0


@dataclass(slots=True)
class Sound:
    model: str = "ich6"
    codecs: list[SoundCodec] = field(default_factory=list)
    audio_id: int = 0  # <audio id=> (libvirt 9.0): the backend it plays through
    info: DeviceInfo = field(default_factory=DeviceInfo)
