"""<audio> (virDomainAudioDefParseXML, libvirt 9.0)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.audio import Audio, AudioNode
from ..xmlreader import Element, elements, tag
from .context import ParseContext

AUDIO_TYPES = (
    "none", "alsa", "coreaudio", "jack", "oss", "pulseaudio", "sdl", "spice", "file", "dbus",
)


def _node(el: Element) -> AudioNode:
    return AudioNode(
        tag(el),
        [(str(k), str(v)) for k, v in el.attrib.items()],
        [_node(c) for c in elements(el)],
    )


def parse_audio(el: Element, ctx: ParseContext) -> Audio:
    type_ = el.get("type")
    if type_ is None:
        raise XMLError("missing audio device type")
    if type_ not in AUDIO_TYPES:
        raise XMLError(f"unknown audio type '{type_}'")
    id_s = el.get("id")
    if id_s is None or not id_s.isdigit() or int(id_s) < 1:
        raise XMLError("missing audio 'id' attribute" if id_s is None
                       else f"invalid audio 'id' value '{id_s}'")
    attrs = [(str(k), str(v)) for k, v in el.attrib.items() if k not in ("id", "type")]
    return Audio(int(id_s), type_, attrs, [_node(c) for c in elements(el)])
