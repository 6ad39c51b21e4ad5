"""<audio> (virDomainAudioDefFormat, libvirt 9.0)."""

from __future__ import annotations

from ..model.audio import AudioNode
from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext


def _format_node(w: XMLWriter, node: AudioNode) -> None:
    body = w.child()
    for c in node.children:
        _format_node(body, c)
    w.wrap(node.tag, body, *node.attrs)


def format_audios(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for audio in dom.devices.audios:
        body = w.child()
        for c in audio.children:
            _format_node(body, c)
        w.wrap("audio", body, ("id", audio.id), ("type", audio.type), *audio.attrs)
