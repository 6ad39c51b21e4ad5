"""Per-device <seclabel> overrides, shared by disk and character device sources."""

from __future__ import annotations

from ..errors import XMLError
from ..model.chardev import SecLabel
from ..xmlreader import Element, child, children
from .context import ParseContext


def parse_device_seclabels(src_el: Element, ctx: ParseContext) -> list[SecLabel]:
    """virSecurityDeviceLabelDefParseXML for <seclabel> children of a source."""
    out: list[SecLabel] = []
    nodes = children(src_el, "seclabel")
    if not nodes:  # the usual case: nothing to check either
        return out
    for el in nodes:
        label = SecLabel(model=el.get("model"))
        relabel = el.get("relabel")
        if relabel is not None:
            if relabel not in ("yes", "no"):
                raise XMLError(f"invalid security relabel value {relabel}")
            label.relabel = relabel == "yes"
        if not ctx.inactive:
            skip = el.get("labelskip")
            if skip is not None:
                if skip not in ("yes", "no"):
                    raise XMLError(f"invalid security labelskip value {skip}")
                label.labelskip = skip == "yes"
        lab = child(el, "label")
        if lab is not None and lab.text:
            if not label.relabel:
                raise XMLError("Cannot specify a label if relabelling is turned off.")
            label.label = lab.text
        out.append(label)
    models = [s.model for s in out if s.model]
    for m in models:
        if models.count(m) > 1:
            raise XMLError(f"seclabel for model {m} is already provided", code="")
    for s in out:
        if s.model is None and len(out) > 1:
            raise XMLError("seclabel for model is already provided", code="")
    return out
