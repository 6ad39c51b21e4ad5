"""Model of <sound> and its HDA codecs."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

SOUND_MODELS = ("sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb")
CODEC_TYPES = ("duplex", "micro")


@dataclass
class SoundCodec:
    type: str = "duplex"
    cad: int = 0


@dataclass
class Sound:
    model: str = "ich6"
    codecs: list[SoundCodec] = field(default_factory=list)
    info: DeviceInfo = field(default_factory=DeviceInfo)
