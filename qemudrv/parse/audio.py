"""<audio> (virDomainAudioDefParseXML, libvirt 9.0).

The model keeps the attributes as given; what libvirt reads is checked here
so the formatter and the command line can rely on it."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.audio import (
    AUDIO_IO_BACKEND_ATTRS,
    AUDIO_IO_COMMON_ATTRS,
    AUDIO_SETTINGS_ATTRS,
    AUDIO_TYPE_ATTRS,
    AUDIO_UINT_ATTRS,
    Audio,
    AudioNode,
)
from ..xmlreader import Element, elements, tag
from .context import ParseContext

AUDIO_TYPES = (
    "none", "alsa", "coreaudio", "jack", "oss", "pulseaudio", "sdl", "spice", "file", "dbus",
)
# virTristateBool attributes and the enums of libvirt's audio definition
_TRISTATES = frozenset({"mixingEngine", "fixedSettings", "exactName", "tryPoll", "tryMMap",
                        "exclusive"})
# VIR_XML_PROP_NONZERO numbers
_NONZERO = frozenset({"timerPeriod", "voices", "bufferLength", "frequency", "channels"})
_ENUMS = {"format": ("u8", "s8", "u16", "s16", "u32", "s32", "f32"),
          "driver": ("esd", "alsa", "arts", "pulseaudio")}


def _check_values(el: Element, names: tuple[str, ...]) -> None:
    """virXMLPropTristateBool / virXMLPropUInt / virXMLPropEnum's checks."""
    for name in names:
        value = el.get(name)
        if value is None:
            continue
        where = f"attribute '{name}' in element '{tag(el)}': '{value}'"
        if name in _TRISTATES and value not in ("yes", "no"):
            raise XMLError(f"Invalid value for {where}. Expected one of 'yes', 'no'")
        if name in AUDIO_UINT_ATTRS and not value.isdigit():
            raise XMLError(f"Invalid value for {where}. Expected non-negative integer value")
        if name in _NONZERO and int(value) == 0:
            raise XMLError(f"Invalid value for attribute '{name}' in element '{tag(el)}': "
                           "Zero is not permitted")
        if name == "dspPolicy" and not value.lstrip("-").isdigit():
            raise XMLError(f"Invalid value for {where}. Expected integer value")
        if name in _ENUMS and value not in _ENUMS[name]:
            raise XMLError(f"Invalid value for {where}.")


def _node(el: Element) -> AudioNode:
    return AudioNode(
        tag(el),
        [(str(k), str(v)) for k, v in el.attrib.items()],
        [_node(c) for c in elements(el)],
    )


def _check_io(el: Element, type_: str) -> None:
    """virDomainAudioCommonParse and the backend's own parser."""
    _check_values(el, AUDIO_IO_COMMON_ATTRS + AUDIO_IO_BACKEND_ATTRS.get(type_, ()))
    if el.get("fixedSettings") == "yes" and el.get("mixingEngine") != "yes":
        raise ConfigError("fixed audio settings requires mixing engine")
    settings = next(iter(elements(el, "settings")), None)
    if settings is not None:
        if el.get("fixedSettings") != "yes":
            raise ConfigError("audio settings specified without fixed settings flag")
        _check_values(settings, AUDIO_SETTINGS_ATTRS)


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
    _check_values(el, ("timerPeriod", *AUDIO_TYPE_ATTRS.get(type_, ())))
    for child in elements(el):
        if tag(child) in ("input", "output"):
            _check_io(child, type_)
    attrs = [(str(k), str(v)) for k, v in el.attrib.items() if k not in ("id", "type")]
    return Audio(int(id_s), type_, attrs, [_node(c) for c in elements(el)])
