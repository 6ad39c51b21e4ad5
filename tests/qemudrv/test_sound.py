"""<sound>: HDA codecs and the -soundhw/-device forms."""

from __future__ import annotations

from qemudrv_helpers import device_domain, qemu_caps

from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.sound import build_sounds


def test_soundhw_list_without_device() -> None:
    cmd = CommandLine()
    build_sounds(cmd, device_domain("<sound model='pcspk'/><sound model='ac97'/>"), qemu_caps())
    assert cmd.args == ["-soundhw", "pcspk,ac97"]


def test_hda_gets_default_duplex_codec() -> None:
    cmd = CommandLine()
    dom = device_domain("<sound model='pcspk'/><sound model='ich6'/>"
                 "<sound model='ich6'><codec type='micro'/></sound>")
    build_sounds(cmd, dom, qemu_caps("device", "hda-duplex", "hda-micro"))
    assert cmd.args == [
        "-soundhw", "pcspk",
        "-device", "intel-hda,id=sound1",
        "-device", "hda-duplex,id=sound1-codec0,bus=sound1.0,cad=0",
        "-device", "intel-hda,id=sound2",
        "-device", "hda-micro,id=sound2-codec0,bus=sound2.0,cad=0",
    ]
