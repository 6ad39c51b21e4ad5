"""virDomainVirtioOptionsFormat (libvirt 9.0)."""

from __future__ import annotations

from ..model.virtio_options import VIRTIO_OPTIONS, VirtioOptions


def virtio_options_attrs(opts: VirtioOptions | None) -> list[tuple[str, str]]:
    if opts is None:
        return []
    return [(attr, "on" if opts.switches[attr] else "off")
            for attr, _ in VIRTIO_OPTIONS if attr in opts.switches]
