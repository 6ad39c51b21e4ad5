"""Command line arguments for <smartcard>: one card on the usb-ccid
controller (the controller itself is built with the controllers)."""

from __future__ import annotations

from ..caps import QemuCaps
from ..errors import UnsupportedError
from ..model.address import CCIDAddress
from ..model.domain import Domain
from ..model.smartcard import DEFAULT_DATABASE
from .chardev import build_chardev
from .command import CommandLine


def build_smartcards(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    cards = dom.devices.smartcards
    if not cards:
        return
    card = cards[0]
    addr = card.info.address
    if (
        len(cards) > 1
        or not isinstance(addr, CCIDAddress)
        or addr.controller != 0
        or addr.slot != 0
    ):
        raise UnsupportedError("this QEMU binary lacks multiple smartcard support")
    alias = "smartcard0"
    if card.mode in ("host", "host-certificates"):
        if not (caps.has("chardev") and caps.has("ccid-emulated")):
            raise UnsupportedError("this QEMU binary lacks smartcard host mode support")
        if card.mode == "host":
            opt = "ccid-card-emulated,backend=nss-emulated"
        else:
            opt = "ccid-card-emulated,backend=certificates"
            for i, cert in enumerate(card.certificates, start=1):
                if "," in cert:
                    raise UnsupportedError(f"invalid certificate name: {cert}")
                opt += f",cert{i}={cert}"
            database = card.database or DEFAULT_DATABASE
            if "," in database:
                raise UnsupportedError(f"invalid database name: {database}")
            opt += f",db={database}"
    else:
        if not (caps.has("chardev") and caps.has("ccid-passthru")):
            raise UnsupportedError("this QEMU binary lacks smartcard passthrough mode support")
        assert card.passthru is not None
        cmd.add("-chardev", build_chardev(card.passthru, alias, caps))
        opt = f"ccid-card-passthru,chardev=char{alias}"
    cmd.add("-device", f"{opt},id={alias},bus=ccid0.0")
