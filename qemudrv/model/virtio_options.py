"""A virtio device's <driver iommu= ats= packed= page_per_vq=> switches
(virDomainVirtioOptions, libvirt 9.0)."""

from __future__ import annotations

from dataclasses import dataclass

# (XML attribute, QEMU property) in libvirt's order.
VIRTIO_OPTIONS = (
    ("iommu", "iommu_platform"), ("ats", "ats"), ("packed", "packed"),
    ("page_per_vq", "page-per-vq"),
)


@dataclass(slots=True)
class VirtioOptions:
    # attribute name -> on (True) / off (False); an absent switch is missing
    switches: dict[str, bool]
