"""Formatting of <video>."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.video import Video
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info
from .virtio_options import virtio_options_attrs


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _format_modern_video(w: XMLWriter, dev: Video, ctx: FormatContext) -> None:
    """virDomainVideoDefFormat (libvirt 9.0)."""
    w.start("video")
    driver: list[tuple[str, str | int | None]] = list(virtio_options_attrs(dev.virtio))
    driver += [("vgaconf", dev.vgaconf), ("name", dev.backend)]
    if any(v is not None for _, v in driver):
        w.empty("driver", *driver)
    attrs: list[tuple[str, str | int | None]] = [("type", dev.type)]
    attrs += [(k, v or None) for k, v in (("ram", dev.ram), ("vram", dev.vram),
                                          ("vram64", dev.vram64), ("vgamem", dev.vgamem),
                                          ("heads", dev.heads))]
    if dev.primary:
        attrs.append(("primary", "yes"))
    if dev.accel is not None or dev.resolution is not None:
        w.start("model", *attrs)
        if dev.accel is not None:
            w.empty("acceleration", ("accel3d", _yes_no(dev.accel.accel3d)),
                    ("accel2d", _yes_no(dev.accel.accel2d)),
                    ("rendernode", dev.accel.rendernode))
        if dev.resolution is not None:
            w.empty("resolution", ("x", dev.resolution[0]), ("y", dev.resolution[1]))
        w.end("model")
    else:
        w.empty("model", *attrs)
    format_device_info(w, dev.info, ctx)
    w.end("video")


def format_video(w: XMLWriter, dev: Video, ctx: FormatContext) -> None:
    if ctx.modern:
        _format_modern_video(w, dev, ctx)
        return
    w.start("video")
    attrs: list[tuple[str, str | int | None]] = [("type", dev.type)]
    attrs += [(k, v or None) for k, v in (("ram", dev.ram), ("vram", dev.vram),
                                          ("vgamem", dev.vgamem), ("heads", dev.heads))]
    if dev.primary:
        attrs.append(("primary", "yes"))
    if dev.accel is not None:
        w.start("model", *attrs)
        w.empty(
            "acceleration",
            ("accel3d", _yes_no(dev.accel.accel3d)),
            ("accel2d", _yes_no(dev.accel.accel2d)),
        )
        w.end("model")
    else:
        w.empty("model", *attrs)
    format_device_info(w, dev.info, ctx)
    w.end("video")


def format_videos(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.videos:
        format_video(w, dev, ctx)
