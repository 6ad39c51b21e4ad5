"""Parsing of <tpm> (virDomainTPMDefParseXML).

libvirt 1.3.1 knew only the tpm-tis model with a passthrough back end and
filled the model in while parsing; 9.0 leaves an absent model 'default'
for the QEMU driver's post-parse (defaults/tpm.py).
"""

from __future__ import annotations

import re
import uuid

from ..errors import ConfigError, XMLError
from ..model.chardev import CHR_TYPES, ChrSource
from ..model.tpm import (
    TPM,
    TPM_BACKENDS,
    TPM_BACKENDS_LEGACY,
    TPM_DEFAULT_DEVICE,
    TPM_MODELS,
    TPM_MODELS_LEGACY,
    TPM_PCR_BANKS,
    TPM_VERSIONS,
)
from ..xmlreader import Element, child, elements
from .chardev import parse_chr_source
from .context import ParseContext
from .device_info import parse_device_info
from .xmlprop import enum_attr


def _parse_legacy(el: Element, backend_el: Element) -> TPM:
    model = el.get("model")
    if model is not None and model not in TPM_MODELS_LEGACY:
        raise XMLError(f"Unknown TPM frontend model '{model}'")
    backend = backend_el.get("type")
    if backend is None:
        raise XMLError("missing TPM device backend type")
    if backend not in TPM_BACKENDS_LEGACY:
        raise XMLError(f"Unknown TPM backend type '{backend}'")
    dev = TPM(backend=backend)
    device = child(backend_el, "device")
    path = device.get("path") if device is not None else None
    dev.path = path or TPM_DEFAULT_DEVICE
    return dev


def _parse_emulator(dev: TPM, backend_el: Element) -> None:
    dev.version = enum_attr(backend_el, "version", TPM_VERSIONS, nonzero=True) or "default"
    encryption = child(backend_el, "encryption")
    secret = encryption.get("secret") if encryption is not None else None
    if secret is not None:
        # virUUIDParse: 32 hex digits, hyphens and blanks between them
        digits = re.sub(r"[-\s]", "", secret)
        if not re.fullmatch(r"[0-9a-fA-F]{32}", digits):
            raise ConfigError(f"Unable to parse secret uuid '{secret}'", code="internal error")
        dev.secret_uuid = str(uuid.UUID(digits))
    state = backend_el.get("persistent_state")
    if state is not None:
        if state not in ("yes", "no"):
            raise ConfigError("Invalid persistent_state value, either 'yes' or 'no'",
                              code="internal error")
        dev.persistent_state = state == "yes"
    banks = child(backend_el, "active_pcr_banks")
    if banks is not None:
        names = [str(b.tag) for b in elements(banks)]
        for name in names:
            if name not in TPM_PCR_BANKS:
                raise ConfigError(f"Unsupported PCR banks '{name}'")
        if names:
            # a bitmap in libvirt: each bank once, in the enum's order
            dev.active_pcr_banks = [b for b in TPM_PCR_BANKS if b in names]


def _parse_external(dev: TPM, backend_el: Element, ctx: ParseContext) -> None:
    source = child(backend_el, "source")
    kind = source.get("type") if source is not None else None
    if not kind:
        raise XMLError("missing external TPM backend type")
    if kind not in CHR_TYPES:
        raise ConfigError(f"unknown backend type '{kind}' for external TPM")
    dev.source = parse_chr_source(backend_el, ctx, ChrSource(type=kind))


def check_tpm_count(count: int, ctx: ParseContext) -> None:
    """libvirt 1.3.1 took one TPM; 9.0 a TPM and a TPM Proxy."""
    if not ctx.modern and count > 1:
        raise XMLError("only a single TPM device is supported")
    if count > 2:
        raise XMLError("a maximum of two TPM devices is supported, one of them being "
                       "a TPM Proxy device")


def parse_tpm(el: Element, ctx: ParseContext) -> TPM:
    backends = list(elements(el, "backend"))
    if ctx.modern:
        model = enum_attr(el, "model", TPM_MODELS, nonzero=True) or "default"
    if len(backends) > 1:
        raise XMLError("only one TPM backend is supported")
    if not backends:
        raise XMLError("missing TPM device backend")
    backend_el = backends[0]
    if not ctx.modern:
        dev = _parse_legacy(el, backend_el)
    else:
        backend = enum_attr(backend_el, "type", TPM_BACKENDS, required=True)
        dev = TPM(model=model, backend=backend or "passthrough")
        if dev.backend == "passthrough":
            device = child(backend_el, "device")
            dev.path = (device.get("path") if device is not None else None) or TPM_DEFAULT_DEVICE
        elif dev.backend == "emulator":
            _parse_emulator(dev, backend_el)
        else:
            _parse_external(dev, backend_el, ctx)
    parse_device_info(el, ctx, dev.info)
    return dev
