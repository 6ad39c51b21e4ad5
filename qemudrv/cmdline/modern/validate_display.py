"""libvirt 9.0's checks of graphics, video, input, sound and audio devices
(qemuValidateDomainDeviceDefGraphics and friends) and the QEMU driver's of
character devices (validate_chardev), with libvirt's messages."""

from __future__ import annotations

from ...caps import QemuCaps
from ...errors import ConfigError
from ...model.address import CCWAddress
from ...model.audio import Audio
from ...model.domain import Domain
from ...model.graphics import Graphics
from ...model.input import Input
from ...model.sound import Sound
from ...model.video import Video
from .validate_chardev import check_qemu_chr_source


def _ensure_audio_id(dom: Domain, audio_id: int) -> None:
    """virDomainEnsureAudioID."""
    if audio_id and not any(a.id == audio_id for a in dom.devices.audios):
        raise ConfigError(f"no audio device with ID {audio_id}", code="XML error")


def _check_generic_graphics(dom: Domain, g: Graphics) -> None:
    """virDomainGraphicsDefValidate."""
    if g.type in ("vnc", "spice", "rdp") and any(
            lis.type == "network" and not lis.network for lis in g.listens):
        raise ConfigError("'network' attribute is required for listen type 'network'",
                          code="XML error")
    if g.type == "vnc":
        _ensure_audio_id(dom, g.audio_id)
    elif g.type == "dbus" and g.p2p and g.dbus_address:
        raise ConfigError("D-Bus p2p with an address is not supported", code="XML error")


# virQEMUCapsFillDomainDeviceGraphicsCaps: the capability each type needs
# (none lets rdp or desktop in).
_GRAPHICS_CAPS = {"sdl": "sdl", "vnc": "vnc", "spice": "spice",
                  "egl-headless": "egl-headless", "dbus": "display-dbus"}


def _check_graphics(dom: Domain, g: Graphics, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefGraphics."""
    needed = _GRAPHICS_CAPS.get(g.type)
    if needed is None or not caps.has(needed):
        raise ConfigError(f"{g.type} graphics are not supported with this QEMU")
    if any(other.type == "egl-headless" for other in dom.devices.graphics):
        # Only VNC and SPICE pair with egl-headless, and SPICE without its own GL.
        if g.type not in ("egl-headless", "vnc", "spice"):
            raise ConfigError("graphics type 'egl-headless' is only supported with one "
                              "of: 'vnc', 'spice' graphics types")
        if g.type == "spice" and g.gl:
            raise ConfigError("multiple OpenGL displays are not supported by QEMU")
    if g.type == "spice":
        first = g.listens[0] if g.listens else None
        if first is not None and first.type in ("address", "network") and g.tls_port > 0 \
                and not caps.conf("spice_tls", False):
            raise ConfigError("spice TLS port set in XML configuration, but TLS is "
                              "disabled in qemu.conf")
        if g.gl:
            if not caps.has("spice-gl"):
                raise ConfigError("This QEMU doesn't support spice OpenGL")
            if g.rendernode and not caps.has("spice-rendernode"):
                raise ConfigError("This QEMU doesn't support spice OpenGL rendernode")
    elif g.type == "egl-headless":
        if g.rendernode and not caps.has("egl-headless.rendernode"):
            raise ConfigError("This QEMU doesn't support OpenGL rendernode with "
                              "egl-headless graphics type")
    elif g.type == "vnc":
        if g.power_control is not None and not caps.has("vnc-power-control"):
            raise ConfigError("VNC power control is not available")
        if g.auth.passwd is not None and len(g.auth.passwd) > 8:
            raise ConfigError(f"VNC password is {len(g.auth.passwd)} characters long, "
                              "only 8 permitted")
    elif g.type == "dbus" and g.audio_id > 0:
        audio = next((a for a in dom.devices.audios if a.id == g.audio_id), None)
        if audio is not None and audio.type != "dbus":
            raise ConfigError("The associated audio is not of 'dbus' kind.")


# virQEMUCapsFillDomainDeviceVideoCaps: the capability each model needs.
_VIDEO_CAPS = {"vga": "VGA", "cirrus": "cirrus-vga", "vmvga": "vmware-svga", "qxl": "qxl",
               "virtio": "virtio-gpu", "bochs": "bochs-display", "ramfb": "ramfb"}
_UINT_MAX_KIB = 0xFFFFFFFF // 1024


def _check_qemu_video(v: Video, caps: QemuCaps) -> None:
    """qemuValidateDomainDeviceDefVideo."""
    if v.type == "none":
        return
    needed = _VIDEO_CAPS.get(v.type)
    if needed is None or not caps.has(needed):
        raise ConfigError(f"domain configuration does not support video model '{v.type}'")
    if v.type not in ("qxl", "virtio"):
        if not v.primary:
            raise ConfigError(f"video type '{v.type}' is only valid as primary video device")
        if v.heads != 1:
            raise ConfigError(f"video type '{v.type}' doesn't support multiple 'heads'")
    if v.accel is not None and v.accel.accel2d:
        raise ConfigError("qemu does not support the accel2d setting")
    if v.type == "qxl":
        for name, size in (("vram", v.vram), ("ram", v.ram)):
            if size > _UINT_MAX_KIB:
                raise ConfigError(f"value for '{name}' must be less than '{_UINT_MAX_KIB}'",
                                  code="value too large")
        if v.vgamem:
            if v.vgamem < 1024:
                raise ConfigError("value for 'vgamem' must be at least 1 MiB (1024 KiB)")
            if v.vgamem & (v.vgamem - 1):
                raise ConfigError("value for 'vgamem' must be power of two")
    if v.type not in ("vga", "qxl", "virtio", "bochs") and v.resolution is not None:
        raise ConfigError("model resolution is not supported", code="XML error")
    if v.type in ("vga", "vmvga") and v.vram and v.vram < 1024:
        raise ConfigError("value for 'vram' must be at least 1 MiB (1024 KiB)")
    if v.backend == "vhostuser":
        if v.type == "virtio" and not caps.has("vhost-user-gpu"):
            raise ConfigError("this QEMU does not support 'vhost-user' video device")
    elif v.accel is not None and v.accel.accel3d:
        if v.type != "virtio":
            raise ConfigError("3d acceleration is supported only with 'virtio' video device")
        if not any(caps.has(c) for c in ("virtio-gpu.virgl", "virtio-gpu-gl-pci",
                                         "virtio-vga-gl")):
            raise ConfigError("3d acceleration is not supported by this QEMU binary")
    if v.type == "ramfb" and v.info.address is not None:
        raise ConfigError("'address' is not supported for 'ramfb' video devices")


def _check_video(dom: Domain, v: Video) -> None:
    """virDomainVideoDefValidate."""
    if v.type == "default":
        raise ConfigError("missing video model and cannot determine default",
                          code="internal error")
    if len(dom.devices.videos) > 1 and any(o.type == "none" for o in dom.devices.videos):
        raise ConfigError("a 'none' video type must be the only video device defined "
                          "for the domain")
    if v.backend == "vhostuser" and v.type != "virtio":
        raise ConfigError("'vhostuser' driver is only supported with 'virtio' device")
    if v.backend != "vhostuser" and v.accel is not None and v.accel.rendernode:
        raise ConfigError("unsupported rendernode accel attribute without 'vhostuser'")
    if v.resolution is not None and 0 in v.resolution:
        raise ConfigError("video resolution values must be greater than 0")
    if v.type != "qxl":
        for name, size in (("ram", v.ram), ("vram64", v.vram64), ("vgamem", v.vgamem)):
            if size:
                raise ConfigError(f"{name} attribute only supported for video type qxl")
    if v.type == "ramfb" and v.info.address is not None:
        raise ConfigError("address not supported for video type ramfb")
    if v.type != "virtio" and v.virtio is not None:
        for attr in v.virtio.switches:
            raise ConfigError(f"{attr} driver option is only supported for virtio devices"
                              if attr != "page_per_vq" else
                              "page_per_vq option is only supported for virtio devices")


# qemuValidateDomainDeviceDefInput: the capability a virtio input needs (named
# as its device), and the one for its CCW form.
_VIRTIO_INPUT_CAPS = {"mouse": ("virtio-mouse", "virtio-mouse-ccw"),
                      "tablet": ("virtio-tablet", "virtio-tablet-ccw"),
                      "keyboard": ("virtio-keyboard", "virtio-keyboard-ccw"),
                      "passthrough": ("virtio-input-host", None),
                      "evdev": ("input-linux", None)}


def _check_input(dom: Domain, dev: Input, caps: QemuCaps) -> None:
    """virDomainInputDefValidate, then qemuValidateDomainDeviceDefInput."""
    if dom.os.type == "hvm":
        if dev.bus == "ps2" and dev.type not in ("mouse", "keyboard"):
            raise ConfigError(f"ps2 bus does not support {dev.type} input device",
                              code="internal error")
        if dev.bus == "xen":
            raise ConfigError(f"unsupported input bus {dev.bus}", code="internal error")
    if dev.bus == "ps2" and dom.os.arch not in ("i686", "x86_64") and not caps.has("i8042"):
        raise ConfigError(f"{dev.bus} is not supported by this QEMU binary")
    if dev.bus == "usb" and dev.type == "keyboard" and not caps.has("usb-kbd"):
        raise ConfigError("usb keyboard is not supported by this QEMU binary")
    if dev.bus != "virtio":
        return
    if dev.model in ("virtio-transitional", "virtio-non-transitional"):
        raise ConfigError("virtio (non-)transitional models are not supported for "
                          f"input type={dev.type}")
    cap, ccw_cap = _VIRTIO_INPUT_CAPS[dev.type]
    ccw = isinstance(dev.info.address, CCWAddress)
    if not caps.has(cap) or (ccw and (ccw_cap is None or not caps.has(ccw_cap))):
        raise ConfigError(f"{cap} is not supported by this QEMU binary")


# qemuSoundCodecTypeToCaps
_CODEC_CAPS = {"duplex": "hda-duplex", "micro": "hda-micro", "output": "hda-output"}


def _check_sound(dom: Domain, snd: Sound, caps: QemuCaps) -> None:
    """virDomainSoundDefValidate, then qemuValidateDomainDeviceDefSound."""
    _ensure_audio_id(dom, snd.audio_id)
    if snd.model == "usb" and not caps.has("usb-audio"):
        raise ConfigError("usb-audio controller is not supported by this QEMU binary")
    if snd.model == "ich9" and not caps.has("ich9-intel-hda"):
        raise ConfigError("The ich9-intel-hda audio controller is not supported in this "
                          "QEMU binary")
    if snd.model == "ich7":
        raise ConfigError(f"sound card model '{snd.model}' is not supported by qemu",
                          code="internal error")
    for codec in snd.codecs:
        if not caps.has(_CODEC_CAPS[codec.type]):
            raise ConfigError(f"hda-{codec.type} not supported in this QEMU binary")


def _check_audio(dom: Domain, audio: Audio, caps: QemuCaps) -> None:
    """virDomainAudioDefValidate, then qemuValidateDomainDeviceDefAudio."""
    if sum(1 for a in dom.devices.audios if a.id == audio.id) > 1:
        raise ConfigError(f"audio ID {audio.id} is used multiple times", code="XML error")
    if audio.type == "spice" and not any(g.type == "spice" for g in dom.devices.graphics):
        raise ConfigError("Spice audio is not supported without spice graphics")
    if audio.type == "dbus" and not caps.has("display-dbus"):
        raise ConfigError("D-Bus audio is not supported with this QEMU")


def validate_display(dom: Domain, caps: QemuCaps) -> None:
    """The checks of the families here, in libvirt's device order
    (virDomainDeviceInfoIterateFlags)."""
    d = dom.devices
    for snd in d.sounds:
        _check_sound(dom, snd, caps)
    for v in d.videos:
        # the generic device check comes before the driver's
        _check_video(dom, v)
        _check_qemu_video(v, caps)
    for card in d.smartcards:
        if card.passthru is not None:
            check_qemu_chr_source(card.passthru, dom, caps)
    for dev in (*d.serials, *d.parallels, *d.channels, *d.consoles):
        check_qemu_chr_source(dev.source, dom, caps)
    for inp in d.inputs:
        _check_input(dom, inp, caps)
    for g in d.graphics:
        _check_generic_graphics(dom, g)
        _check_graphics(dom, g, caps)
    for audio in d.audios:
        _check_audio(dom, audio, caps)
