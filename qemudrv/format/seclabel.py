"""Per-device <seclabel> overrides, shared by disk and character device sources."""

from __future__ import annotations

from ..model.chardev import SecLabel
from ..xmlwriter import XMLWriter
from .context import FormatContext


def format_seclabel(w: XMLWriter, label: SecLabel, ctx: FormatContext) -> None:
    """virSecurityDeviceLabelDefFormat."""
    # Offline output skips labels that ask nothing (a skipped labelskip).
    if ctx.inactive and label.label is None and label.relabel:
        return
    attrs: list[tuple[str, str | int | None]] = [("model", label.model)]
    if label.labelskip:
        attrs.append(("labelskip", "yes"))
    else:
        attrs.append(("relabel", "yes" if label.relabel else "no"))
    if label.label is not None:
        w.start("seclabel", *attrs)
        w.element("label", label.label)
        w.end("seclabel")
    else:
        w.empty("seclabel", *attrs)
