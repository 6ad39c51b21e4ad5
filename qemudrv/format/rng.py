"""Formatting of <rng>."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.rng import RNG
from ..xmlwriter import XMLWriter, escape
from .chardev import format_chr_source
from .context import FormatContext
from .device_info import format_device_info
from .virtio_options import virtio_options_attrs


def format_rng(w: XMLWriter, dev: RNG, ctx: FormatContext) -> None:
    w.start("rng", ("model", dev.model))
    if dev.rate:
        w.empty("rate", ("bytes", dev.rate), ("period", dev.period or None))
    if dev.backend == "random":
        if dev.file is not None:
            w.line(f"<backend model='random'>{escape(dev.file)}</backend>")
        else:
            w.empty("backend", ("model", "random"))
    elif dev.chardev is not None:
        w.start("backend", ("model", dev.backend), ("type", dev.chardev.type))
        format_chr_source(w, dev.chardev, ctx)
        w.end("backend")
    else:
        w.empty("backend", ("model", dev.backend))
    driver = virtio_options_attrs(dev.virtio)
    if driver:
        w.empty("driver", *driver)
    format_device_info(w, dev.info, ctx)
    w.end("rng")


def format_rngs(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.rngs:
        format_rng(w, dev, ctx)
