"""<audio> (libvirt 9.0): an audio backend that sound devices and graphics
refer to by id."""

from __future__ import annotations

from dataclasses import dataclass, field

# What virDomainAudioDefFormat writes, in its order: the backend's own
# <audio> attributes, the attributes every <input>/<output> has, the
# backend's ones there, and the <settings> of fixed settings.
AUDIO_TYPE_ATTRS: dict[str, tuple[str, ...]] = {
    "oss": ("tryMMap", "exclusive", "dspPolicy"), "pulseaudio": ("serverName",),
    "sdl": ("driver",), "file": ("path",),
}
AUDIO_IO_COMMON_ATTRS = ("mixingEngine", "fixedSettings", "voices", "bufferLength")
AUDIO_IO_BACKEND_ATTRS: dict[str, tuple[str, ...]] = {
    "alsa": ("dev",), "coreaudio": ("bufferCount",),
    "jack": ("serverName", "clientName", "connectPorts", "exactName"),
    "oss": ("dev", "bufferCount", "tryPoll"),
    "pulseaudio": ("name", "streamName", "latency"), "sdl": ("bufferCount",),
}
AUDIO_SETTINGS_ATTRS = ("frequency", "channels", "format")
# Unsigned numbers: libvirt leaves a zero out.
AUDIO_UINT_ATTRS = frozenset({"timerPeriod", "voices", "bufferLength", "bufferCount",
                              "latency", "frequency", "channels"})


@dataclass(slots=True)
class AudioNode:
    """A child of <audio> (<input>, <output>, <settings>): its attributes in
    document order and its own children."""

    tag: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[AudioNode] = field(default_factory=list)


@dataclass(slots=True)
class Audio:
    id: int
    type: str
    # The backend's own attributes (timerPeriod, driver, serverName, ...).
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[AudioNode] = field(default_factory=list)
