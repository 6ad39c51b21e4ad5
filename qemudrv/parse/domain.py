"""The <domain> element: general sections, then the devices."""

from __future__ import annotations

from ..errors import XMLError
from ..model.domain import Domain
from ..xmlreader import Element, child, child_text, parse_document
from .context import ParseContext
from .devices import parse_devices


def parse_domain_xml(text: str, ctx: ParseContext) -> Domain:
    root = parse_document(text)
    if root.tag != "domain":
        raise XMLError(f"unexpected root element <{root.tag}>, expecting <domain>")
    return parse_domain(root, ctx)


def parse_domain(root: Element, ctx: ParseContext) -> Domain:
    dom = Domain()
    virt_type = root.get("type")
    if virt_type is None:
        raise XMLError("missing domain type attribute")
    dom.virt_type = virt_type
    name = child_text(root, "name")
    if not name:
        raise XMLError("missing name information")
    dom.name = name
    dom.uuid = child_text(root, "uuid")
    dom.title = child_text(root, "title")
    dom.description = child_text(root, "description")
    dom.devices = parse_devices(child(root, "devices"), ctx)
    return dom
