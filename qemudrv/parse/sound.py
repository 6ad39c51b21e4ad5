"""Parsing of <sound>."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.sound import (
    CODEC_TYPES,
    MODERN_CODEC_TYPES,
    MODERN_SOUND_MODELS,
    SOUND_MODELS,
    Sound,
    SoundCodec,
)
from ..xmlreader import Element, elements
from .context import ParseContext
from .device_info import parse_device_info


def parse_sound(el: Element, ctx: ParseContext) -> Sound:
    model = el.get("model")
    if model is None or model not in (MODERN_SOUND_MODELS if ctx.modern else SOUND_MODELS):
        raise ConfigError(f"unknown sound model '{model}'")
    dev = Sound(model=model)
    if model in ("ich6", "ich9"):
        # only HDA controllers carry codecs; each is at the next address
        for c in elements(el, "codec"):
            type_ = c.get("type")
            if type_ is None or type_ not in (MODERN_CODEC_TYPES if ctx.modern
                                              else CODEC_TYPES):
                raise ConfigError(f"unknown codec type '{type_}'")
            dev.codecs.append(SoundCodec(type=type_, cad=len(dev.codecs)))
    if ctx.modern:
        for audio in elements(el, "audio"):
            value = audio.get("id")
            if value is None or not value.isdigit() or int(value) == 0:
                raise XMLError(f"Invalid value for attribute 'id' in element 'audio': "
                               f"'{value}'. Expected non-zero value" if value is not None
                               else "Missing required attribute 'id' in element 'audio'")
            dev.audio_id = int(value)
            break
    parse_device_info(el, ctx, dev.info)
    return dev
