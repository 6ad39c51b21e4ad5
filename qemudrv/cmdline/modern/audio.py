"""libvirt 9.0's -audiodev (qemuBuildAudioCommandLineArg): one JSON backend
per <audio>, with its <input> and <output> settings."""

from __future__ import annotations

from collections.abc import Mapping

from ...model.audio import Audio, AudioNode
from ...model.domain import Domain
from ..command import CommandLine
from .props import Props, add_audiodev

# qemuAudioDriver: QEMU's driver name of each <audio> type.
_QEMU_DRIVERS = {"pulseaudio": "pa", "file": "wav"}

# Kinds of value: a tristate switch, a positive number (0 is left out), a string.
_BOOL, _POSITIVE, _STRING = "bool", "positive", "string"

# The backend-specific properties of <input>/<output>, in libvirt's order:
# (XML attribute, QEMU property, kind).
_IO_PROPS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "alsa": (("dev", "dev", _STRING),),
    "coreaudio": (("bufferCount", "buffer-count", _POSITIVE),),
    "jack": (("serverName", "server-name", _STRING), ("clientName", "client-name", _STRING),
             ("connectPorts", "connect-ports", _STRING), ("exactName", "exact-name", _BOOL)),
    "oss": (("dev", "dev", _STRING), ("bufferCount", "buffer-count", _POSITIVE),
            ("tryPoll", "try-poll", _BOOL)),
    "pulseaudio": (("name", "name", _STRING), ("streamName", "stream-name", _STRING),
                   ("latency", "latency", _POSITIVE)),
    "sdl": (("bufferCount", "buffer-count", _POSITIVE),),
}

# The backend's own properties (attributes of <audio>), after timer-period.
_BACKEND_PROPS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "oss": (("tryMMap", "try-mmap", _BOOL), ("exclusive", "exclusive", _BOOL),
            ("dspPolicy", "dsp-policy", "int")),
    "pulseaudio": (("serverName", "server", _STRING),),
    "file": (("path", "path", _STRING),),
}


def _add(props: Props, attrs: Mapping[str, str],
         table: tuple[tuple[str, str, str], ...]) -> None:
    for attr, name, kind in table:
        raw = attrs.get(attr)
        if raw is None:
            continue
        if kind == _BOOL:
            props[name] = raw == "yes"
        elif kind == _STRING:
            props[name] = raw
        elif kind == "int" or int(raw) > 0:
            props[name] = int(raw)


def _io_props(audio: Audio, direction: str) -> Props:
    """qemuBuildAudioCommonProps and the backend's per-direction ones."""
    node = next((c for c in audio.children if c.tag == direction), None)
    if node is None:
        return {}
    attrs = dict(node.attrs)
    props: Props = {}
    _add(props, attrs, (("mixingEngine", "mixing-engine", _BOOL),
                        ("fixedSettings", "fixed-settings", _BOOL),
                        ("voices", "voices", _POSITIVE),
                        ("bufferLength", "buffer-length", _POSITIVE)))
    if attrs.get("fixedSettings") == "yes":
        # The fixed stream format counts only when the settings are fixed.
        settings = next((c for c in node.children if c.tag == "settings"), AudioNode("settings"))
        _add(props, dict(settings.attrs), (("frequency", "frequency", _POSITIVE),
                                           ("channels", "channels", _POSITIVE),
                                           ("format", "format", _STRING)))
    _add(props, attrs, _IO_PROPS.get(audio.type, ()))
    return props


def build_audio(cmd: CommandLine, dom: Domain) -> None:
    """qemuBuildAudioCommandLine (post-parse gave the domain its default
    <audio>, defaults/modern.py add_default_audio)."""
    for audio in dom.devices.audios:
        attrs = dict(audio.attrs)
        props: Props = {"id": f"audio{audio.id}",
                        "driver": _QEMU_DRIVERS.get(audio.type, audio.type)}
        _add(props, attrs, (("timerPeriod", "timer-period", _POSITIVE),))
        _add(props, attrs, _BACKEND_PROPS.get(audio.type, ()))
        if audio.type == "sdl" and "driver" in attrs:
            cmd.setenv("SDL_AUDIODRIVER", attrs["driver"])
        for direction, key in (("input", "in"), ("output", "out")):
            io = _io_props(audio, direction)
            if io:
                props[key] = io
        add_audiodev(cmd, props)
