"""Formatting of <smartcard>."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.smartcard import Smartcard
from ..xmlwriter import XMLWriter
from .chardev import format_chr_source
from .context import FormatContext
from .device_info import format_device_info


def format_smartcard(w: XMLWriter, dev: Smartcard, ctx: FormatContext) -> None:
    attrs: list[tuple[str, str | int | None]] = [("mode", dev.mode)]
    if dev.mode == "passthrough" and dev.passthru is not None:
        attrs.append(("type", dev.passthru.type))
    body = w.child()
    if dev.mode == "host-certificates":
        for cert in dev.certificates:
            body.element("certificate", cert)
        body.element("database", dev.database)
    elif dev.passthru is not None:
        format_chr_source(body, dev.passthru, ctx)
    format_device_info(body, dev.info, ctx)
    if dev.mode == "host":
        w.wrap("smartcard", body, *attrs)
    else:
        # the other modes always open the element
        w.start("smartcard", *attrs)
        w.raw(body.lines)
        w.end("smartcard")


def format_smartcards(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.smartcards:
        format_smartcard(w, dev, ctx)
