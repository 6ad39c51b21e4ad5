"""Parsing of <sound>."""

from __future__ import annotations

from ..errors import ConfigError
from ..model.sound import CODEC_TYPES, SOUND_MODELS, Sound, SoundCodec
from ..xmlreader import Element, elements
from .context import ParseContext
from .device_info import parse_device_info


def parse_sound(el: Element, ctx: ParseContext) -> Sound:
    model = el.get("model")
    if model not in SOUND_MODELS:
        raise ConfigError(f"unknown sound model '{model}'")
    dev = Sound(model=model)
    if model in ("ich6", "ich9"):
        # only HDA controllers carry codecs; each is at the next address
        for c in elements(el, "codec"):
            type_ = c.get("type")
            if type_ not in CODEC_TYPES:
                raise ConfigError(f"unknown codec type '{type_}'")
            dev.codecs.append(SoundCodec(type=type_, cad=len(dev.codecs)))
    parse_device_info(el, ctx, dev.info)
    return dev
