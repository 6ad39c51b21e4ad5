"""Formatting of <tpm> (virDomainTPMDefFormat)."""

from __future__ import annotations

from ..model.domain import Domain
from ..model.tpm import TPM
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info


def _format_backend(w: XMLWriter, dev: TPM) -> None:
    attrs: list[tuple[str, str | int | None]] = [("type", dev.backend)]
    body = w.child()
    if dev.backend == "passthrough":
        body.empty("device", ("path", dev.path))
    elif dev.backend == "emulator":
        if dev.version != "default":
            attrs.append(("version", dev.version))
        if dev.persistent_state:
            attrs.append(("persistent_state", "yes"))
        if dev.secret_uuid is not None:
            body.empty("encryption", ("secret", dev.secret_uuid))
        if dev.active_pcr_banks is not None:
            banks = body.child()
            for bank in dev.active_pcr_banks:
                banks.empty(bank)
            body.wrap_if("active_pcr_banks", banks)
    elif dev.source is not None and dev.source.type == "unix":
        body.empty("source", ("type", "unix"), ("mode", "connect"), ("path", dev.source.path))
    w.wrap("backend", body, *attrs)


def format_tpm(w: XMLWriter, dev: TPM, ctx: FormatContext) -> None:
    body = w.child()
    _format_backend(body, dev)
    format_device_info(body, dev.info, ctx)
    model = None if dev.model == "default" else dev.model
    w.wrap("tpm", body, ("model", model))


def format_tpms(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    for dev in dom.devices.tpms:
        format_tpm(w, dev, ctx)
