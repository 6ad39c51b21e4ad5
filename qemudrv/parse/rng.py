"""Parsing of <rng>."""

from __future__ import annotations

from ..errors import ConfigError, XMLError
from ..model.chardev import ChrSource
from ..model.rng import (
    RNG,
    RNG_BACKENDS,
    RNG_BACKENDS_MODERN,
    RNG_MODELS,
    RNG_MODELS_MODERN,
)
from ..xmlreader import Element, child, elements
from .chardev import parse_chr_source, parse_chr_type
from .context import ParseContext
from .device_info import parse_device_info
from .virtio_options import parse_virtio_options

# the only host sources QEMU's rng-random accepts
RANDOM_SOURCES = ("/dev/random", "/dev/hwrng")


def _uint(value: str | None, message: str) -> int:
    if value is None:
        return 0
    v = value.strip()
    if not v.isdigit() or int(v) > 0xFFFFFFFF:
        raise XMLError(message)
    return int(v)


def parse_rng(el: Element, ctx: ParseContext) -> RNG:
    """virDomainRNGDefParseXML."""
    model = el.get("model")
    if model is None:
        raise XMLError("missing RNG device model")
    if model not in (RNG_MODELS_MODERN if ctx.modern else RNG_MODELS):
        raise XMLError(f"unknown RNG model '{model}'")
    dev = RNG(model=model)
    rate = child(el, "rate")
    if rate is not None:
        dev.rate = _uint(rate.get("bytes"), "invalid RNG rate bytes value")
        if dev.rate > 0:
            dev.period = _uint(rate.get("period"), "invalid RNG rate period value")
    backends = list(elements(el, "backend"))
    if len(backends) != 1:
        raise XMLError("only one RNG backend is supported")
    backend = backends[0]
    name = backend.get("model")
    if name is None:
        raise XMLError("missing RNG device backend model")
    if name not in (RNG_BACKENDS_MODERN if ctx.modern else RNG_BACKENDS):
        raise XMLError(f"unknown RNG backend model '{name}'",
                       code="unsupported configuration")
    dev.backend = name
    if name == "random":
        text = "".join(map(str, backend.itertext())) or None
        # libvirt 9.0 takes any file (QEMU's rng-random does).
        if text is not None and text not in RANDOM_SOURCES and not ctx.modern:
            raise XMLError(f"file '{text}' is not a supported random source")
        dev.file = text
    elif name == "egd":
        type_ = backend.get("type")
        if type_ is None:
            raise XMLError("missing EGD backend type")
        try:
            src = ChrSource(type=parse_chr_type(backend))
        except ConfigError:
            raise XMLError(f"unknown backend type '{type_}' for egd") from None
        dev.chardev = parse_chr_source(backend, ctx, src)
    if ctx.modern:
        dev.virtio = parse_virtio_options(child(el, "driver"))
    parse_device_info(el, ctx, dev.info)
    return dev
