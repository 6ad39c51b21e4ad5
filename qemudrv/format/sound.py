"""Formatting of <sound>."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.sound import Sound
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info


def format_sound(w: XMLWriter, dev: Sound, ctx: FormatContext) -> None:
    body = w.child()
    for codec in dev.codecs:
        body.empty("codec", ("type", codec.type))
    if dev.audio_id > 0:
        body.empty("audio", ("id", dev.audio_id))
    format_device_info(body, dev.info, ctx)
    w.wrap("sound", body, ("model", dev.model))


def format_sounds(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.sounds:
        format_sound(w, dev, ctx)
