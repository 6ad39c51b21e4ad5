"""<audio> (virDomainAudioDefFormat, libvirt 9.0): the attributes libvirt
knows, in its order, whatever order the definition gave them in."""

from __future__ import annotations

from ..model.audio import (
    AUDIO_IO_BACKEND_ATTRS,
    AUDIO_IO_COMMON_ATTRS,
    AUDIO_SETTINGS_ATTRS,
    AUDIO_TYPE_ATTRS,
    AUDIO_UINT_ATTRS,
    Audio,
    AudioNode,
)
from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext

Attrs = list[tuple[str, str]]


def _pick(attrs: dict[str, str], names: tuple[str, ...]) -> Attrs:
    return [(name, attrs[name]) for name in names
            if name in attrs and not (name in AUDIO_UINT_ATTRS and int(attrs[name]) == 0)]


def _format_io(w: XMLWriter, audio: Audio, node: AudioNode) -> None:
    """virDomainAudioCommonFormat: the element only when something is set;
    <settings> only with fixed settings."""
    attrs = dict(node.attrs)
    written = _pick(attrs, AUDIO_IO_COMMON_ATTRS)
    written += _pick(attrs, AUDIO_IO_BACKEND_ATTRS.get(audio.type, ()))
    if not written:
        return
    if attrs.get("fixedSettings") != "yes":
        w.empty(node.tag, *written)
        return
    settings = next((c for c in node.children if c.tag == "settings"), None)
    w.start(node.tag, *written)
    w.empty("settings", *_pick(dict(settings.attrs) if settings else {}, AUDIO_SETTINGS_ATTRS))
    w.end(node.tag)


def format_audios(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for audio in dom.devices.audios:
        attrs = dict(audio.attrs)
        body = w.child()
        for tag in ("input", "output"):
            node = next((c for c in audio.children if c.tag == tag), None)
            if node is not None:
                _format_io(body, audio, node)
        top = _pick(attrs, ("timerPeriod",)) + _pick(attrs, AUDIO_TYPE_ATTRS.get(audio.type, ()))
        w.wrap("audio", body, ("id", audio.id), ("type", audio.type), *top)
