"""<os> firmware, <loader> and <nvram> as libvirt 9.0 writes them
(virDomainDefFormatInternal's <os>, virDomainLoaderDefFormat)."""

from __future__ import annotations

from ..model.general import OS, Loader
from ..xmlwriter import Attr, XMLWriter, attrs_text, escape


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def format_firmware_features(w: XMLWriter, os_: OS) -> None:
    if os_.firmware_features is None:
        return
    w.start("firmware")
    for name, enabled in os_.firmware_features.items():
        w.empty("feature", ("enabled", _yes_no(enabled)), ("name", name))
    w.end("firmware")


def format_loader_modern(w: XMLWriter, ld: Loader) -> None:
    attrs: list[Attr] = [("readonly", _yes_no(ld.readonly)), ("secure", _yes_no(ld.secure)),
                         ("type", ld.type), ("stateless", _yes_no(ld.stateless))]
    if ld.path:
        w.element("loader", ld.path, *attrs)
    elif any(value is not None for _, value in attrs):
        w.empty("loader", *attrs)
    nvram_attrs: list[Attr] = [("template", ld.nvram_template)]
    if ld.nvram is None or ld.nvram_type is None:
        if ld.nvram:
            w.line(f"<nvram{attrs_text(nvram_attrs)}>{escape(ld.nvram)}</nvram>")
        elif ld.nvram_template is not None:
            w.empty("nvram", *nvram_attrs)
        return
    source_attr = "dev" if ld.nvram_type == "block" else "file"
    w.start("nvram", *nvram_attrs, ("type", ld.nvram_type))
    w.empty("source", (source_attr, ld.nvram))
    w.end("nvram")
