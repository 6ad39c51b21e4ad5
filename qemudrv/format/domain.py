"""The <domain> document: general sections, then <devices>."""

from __future__ import annotations

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .devices import format_devices


def format_domain(dom: Domain, ctx: FormatContext, level: int = 0) -> str:
    w = XMLWriter(level)
    attrs: list[tuple[str, str | int | None]] = [("type", dom.virt_type)]
    if not ctx.inactive and dom.id is not None:
        attrs.append(("id", dom.id))
    w.start("domain", *attrs)
    w.element("name", dom.name)
    w.element("uuid", dom.uuid)
    w.element("title", dom.title)
    w.element("description", dom.description)
    format_devices(w, dom, ctx)
    w.end("domain")
    return w.text()
