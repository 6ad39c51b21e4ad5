"""The virtio options of a device's <driver> (libvirt 9.0's
virDomainVirtioOptions): each 'on', 'off' or unset."""

from __future__ import annotations

from dataclasses import dataclass

# In libvirt's order, which the XML and the command line keep.
VIRTIO_OPTIONS = ("iommu", "ats", "packed", "page_per_vq")


@dataclass
class VirtioOptions:
    iommu: str | None = None
    ats: str | None = None
    packed: str | None = None
    page_per_vq: str | None = None

    def items(self) -> list[tuple[str, str | None]]:
        return [(name, getattr(self, name)) for name in VIRTIO_OPTIONS]
