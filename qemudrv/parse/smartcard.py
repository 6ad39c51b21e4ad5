"""Parsing of <smartcard>."""

from __future__ import annotations

from ..errors import XMLError
from ..model.address import CCIDAddress
from ..model.chardev import ChrSource
from ..model.smartcard import SMARTCARD_MODES, Smartcard
from ..xmlreader import Element, elements
from .chardev import parse_chr_source, parse_chr_type
from .context import ParseContext
from .device_info import parse_device_info


def parse_smartcard(el: Element, ctx: ParseContext) -> Smartcard:
    """virDomainSmartcardDefParseXML."""
    mode = el.get("mode")
    if mode is None:
        raise XMLError("missing smartcard device mode")
    if mode not in SMARTCARD_MODES:
        raise XMLError(f"unknown smartcard device mode: {mode}")
    dev = Smartcard(mode=mode)
    if mode == "host-certificates":
        for c in elements(el):
            if c.tag == "certificate":
                if len(dev.certificates) == 3:
                    raise XMLError("host-certificates mode needs exactly three certificates")
                dev.certificates.append("".join(map(str, c.itertext())))
            elif c.tag == "database" and dev.database is None:
                dev.database = "".join(map(str, c.itertext()))
                if not dev.database.startswith("/"):
                    raise XMLError(f"expecting absolute path: {dev.database}")
        if len(dev.certificates) < 3:
            raise XMLError("host-certificates mode needs exactly three certificates")
    elif mode == "passthrough":
        if el.get("type") is None:
            raise XMLError("passthrough mode requires a character device type attribute")
        dev.passthru = parse_chr_source(el, ctx, ChrSource(type=parse_chr_type(el)))
        if dev.passthru.type == "spicevmc":
            dev.passthru.spicevmc = "smartcard"
    parse_device_info(el, ctx, dev.info)
    if dev.info.address is not None and not isinstance(dev.info.address, CCIDAddress):
        raise XMLError("Controllers must use the 'ccid' address type")
    return dev
