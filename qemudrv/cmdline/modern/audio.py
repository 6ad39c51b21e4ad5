"""-audiodev as libvirt 9.0 writes it (qemuBuildAudioCommandLine)."""

from __future__ import annotations

from ...errors import UnsupportedError
from ...model.audio import Audio, AudioNode
from ...model.domain import Domain
from ..command import CommandLine
from .props import Props, add_audiodev

# qemuAudioDriver: QEMU's name for each <audio type=>.
_DRIVERS = {"pulseaudio": "pa", "file": "wav"}

# The backend-specific <input>/<output> attributes QEMU takes, in libvirt's
# order (qemuBuildAudio*Props): (XML attribute, property, kind).
_IO_PROPS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "alsa": (("dev", "dev", "str"),),
    "coreaudio": (("bufferCount", "buffer-count", "uint"),),
    "jack": (("serverName", "server-name", "str"), ("clientName", "client-name", "str"),
             ("connectPorts", "connect-ports", "str"), ("exactName", "exact-name", "bool")),
    "oss": (("dev", "dev", "str"), ("bufferCount", "buffer-count", "uint"),
            ("tryPoll", "try-poll", "bool")),
    "pulseaudio": (("name", "name", "str"), ("streamName", "stream-name", "str"),
                   ("latency", "latency", "uint")),
    "sdl": (("bufferCount", "buffer-count", "uint"),),
}

# The backend's own <audio> attributes that become top-level properties.
_TOP_PROPS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "oss": (("tryMMap", "try-mmap", "bool"), ("exclusive", "exclusive", "bool"),
            ("dspPolicy", "dsp-policy", "int")),
    "pulseaudio": (("serverName", "server", "str"),),
    "file": (("path", "path", "str"),),
}


def _add(props: Props, attrs: dict[str, str], spec: tuple[tuple[str, str, str], ...]) -> None:
    """virJSONValueObjectAdd's S: (string), T: (tristate) and p: (positive)
    kinds: an unset or zero value is left out."""
    for attr, key, kind in spec:
        value = attrs.get(attr)
        if value is None:
            continue
        if kind == "str":
            props[key] = value
        elif kind == "bool":
            props[key] = value == "yes"
        elif kind == "int" or int(value) > 0:
            props[key] = int(value)


def _io_props(audio: Audio, node: AudioNode | None) -> Props:
    """qemuBuildAudioCommonProps plus the backend's own properties."""
    props: Props = {}
    if node is None:
        return props
    attrs = dict(node.attrs)
    _add(props, attrs, (("mixingEngine", "mixing-engine", "bool"),
                        ("fixedSettings", "fixed-settings", "bool"),
                        ("voices", "voices", "uint"),
                        ("bufferLength", "buffer-length", "uint")))
    if attrs.get("fixedSettings") == "yes":
        # The fixed settings count only when they are fixed.
        settings = next((c for c in node.children if c.tag == "settings"), None)
        if settings is not None:
            _add(props, dict(settings.attrs), (("frequency", "frequency", "uint"),
                                               ("channels", "channels", "uint"),
                                               ("format", "format", "str")))
    _add(props, attrs, _IO_PROPS.get(audio.type, ()))
    return props


def audiodev_props(audio: Audio) -> Props:
    """qemuBuildAudioCommandLineArg."""
    attrs = dict(audio.attrs)
    props: Props = {"id": f"audio{audio.id}", "driver": _DRIVERS.get(audio.type, audio.type)}
    _add(props, attrs, (("timerPeriod", "timer-period", "uint"),))
    _add(props, attrs, _TOP_PROPS.get(audio.type, ()))
    if not audio.children:
        return props  # no <input> or <output>
    for tag, key in (("input", "in"), ("output", "out")):
        node = next((c for c in audio.children if c.tag == tag), None)
        io = _io_props(audio, node)
        if io:
            props[key] = io
    return props


def build_audio(cmd: CommandLine, dom: Domain) -> None:
    for audio in dom.devices.audios:
        driver = dict(audio.attrs).get("driver")
        if audio.type == "sdl" and driver:
            # libvirt assumes SDL 2.0's driver names.
            cmd.setenv("SDL_AUDIODRIVER", driver)
        add_audiodev(cmd, audiodev_props(audio))


def audio_id_string(dom: Domain, audio_id: int) -> str:
    """qemuGetAudioIDString: the backend a device names, else the first one."""
    audios = dom.devices.audios
    found = next((a for a in audios if a.id == audio_id), None) if audio_id else \
        (audios[0] if audios else None)
    if found is None:
        raise UnsupportedError("unable to find audio backend for sound device",
                               code="internal error")
    return f"audio{found.id}"
