"""Command line arguments for <sound>: -device per card (pcspk always goes
through -soundhw), or one -soundhw list without -device."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.domain import Domain
from ..model.sound import Sound, SoundCodec
from .address import device_address
from .command import CommandLine

# (device name, flag it needs) where QEMU's name differs from libvirt's
_DEVICES: dict[str, tuple[str, str | None]] = {
    "es1370": ("ES1370", None),
    "ac97": ("AC97", None),
    "ich6": ("intel-hda", None),
    "usb": ("usb-audio", "usb-audio"),
    "ich9": ("ich9-intel-hda", "ich9-intel-hda"),
    "sb16": ("sb16", None),
}
_FLAG_ERRORS = {
    "usb-audio": "usb-audio controller is not supported by this QEMU binary",
    "ich9-intel-hda": "The ich9-intel-hda audio controller is not supported in this QEMU binary",
}
_CODECS = {"duplex": ("hda-duplex", "hda-duplex"), "micro": ("hda-micro", "hda-micro")}


def sound_device(dom: Domain, dev: Sound, alias: str, caps: QemuCaps) -> str:
    """qemuBuildSoundDevStr."""
    name, flag = _DEVICES[dev.model]
    if flag is not None and not caps.has(flag):
        raise UnsupportedError(_FLAG_ERRORS[flag])
    return f"{name},id={alias}" + device_address(dom, dev.info, caps)


def codec_device(alias: str, codec: SoundCodec, caps: QemuCaps) -> str:
    """qemuBuildSoundCodecStr: a codec on the controller's HDA bus."""
    name, flag = _CODECS[codec.type]
    if not caps.has(flag):
        raise UnsupportedError(f"{name} not supported in this QEMU binary")
    return f"{name},id={alias}-codec{codec.cad},bus={alias}.0,cad={codec.cad}"


def build_sounds(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    sounds = dom.devices.sounds
    if not sounds:
        return
    if not caps.has("device"):
        if any(s.model in ("ich6", "ich9") for s in sounds):
            raise UnsupportedError("this QEMU binary lacks hda support")
        cmd.add("-soundhw", ",".join(s.model for s in sounds))
        return
    for i, dev in enumerate(sounds):
        alias = f"sound{i}"
        if dev.model == "pcspk":
            # the PC speaker has no -device form
            cmd.add("-soundhw", "pcspk")
            continue
        cmd.add("-device", sound_device(dom, dev, alias, caps))
        if dev.model in ("ich6", "ich9"):
            # an HDA controller without codecs gets a duplex one
            for codec in dev.codecs or [SoundCodec("duplex", 0)]:
                cmd.add("-device", codec_device(alias, codec, caps))
