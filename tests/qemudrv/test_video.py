"""<video>: defaults, primary ordering, -device vs -vga."""

from __future__ import annotations

import pytest
from qemudrv_helpers import device_domain, qemu_caps

from qemudrv.cmdline.command import CommandLine
from qemudrv.cmdline.video import build_videos
from qemudrv.defaults.video import video_post_parse
from qemudrv.errors import DefinitionRejected, UnsupportedError


def test_defaults_and_primary_first() -> None:
    dom = device_domain("<video><model type='qxl'/></video><video><model type='vga' primary='yes'/></video>")
    video_post_parse(dom)
    first, second = dom.devices.videos
    assert (first.type, first.vram) == ("vga", 16384)
    assert (second.ram, second.vram, second.vgamem) == (65536, 65536, 16384)


def test_implicit_video_with_graphics() -> None:
    dom = device_domain("<graphics type='vnc'/>")
    video_post_parse(dom)
    assert [(v.type, v.vram, v.heads) for v in dom.devices.videos] == [("cirrus", 16384, 1)]


def test_vgamem_only_for_qxl() -> None:
    with pytest.raises(DefinitionRejected, match="vgamem"):
        device_domain("<video><model type='vga' vgamem='16384'/></video>")


def test_legacy_vga_with_qxl_globals() -> None:
    dom = device_domain("<video><model type='qxl' ram='65536' vram='32768'/></video>")
    video_post_parse(dom)
    cmd = CommandLine()
    build_videos(cmd, dom, qemu_caps("device", "vga-qxl"))
    assert cmd.args == [
        "-vga", "qxl",
        "-global", "qxl-vga.ram_size=67108864",
        "-global", "qxl-vga.vram_size=33554432",
    ]


def test_primary_device_and_virgl() -> None:
    dom = device_domain("<video><model type='virtio'><acceleration accel3d='yes'/></model>"
                 "<address type='pci' domain='0' bus='0' slot='2' function='0'/></video>")
    cmd = CommandLine()
    build_videos(cmd, dom, qemu_caps("device", "device-video-primary", "virtio-gpu",
                                "virtio-gpu.virgl", "pci-multibus"))
    assert cmd.args == ["-device", "virtio-vga,id=video0,virgl=on,bus=pci.0,addr=0x2"]
    with pytest.raises(UnsupportedError, match="3d acceleration"):
        build_videos(CommandLine(), dom, qemu_caps("device", "device-video-primary", "virtio-gpu"))
