"""<iommu> (libvirt 9.0): the guest's IOMMU and its driver options."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

IOMMU_MODELS = ("intel", "smmuv3", "virtio")


@dataclass(slots=True)
class IOMMU:
    model: str = "intel"
    # <driver> switches: None when absent, else on (True) / off (False)
    intremap: bool | None = None
    caching_mode: bool | None = None
    eim: bool | None = None
    iotlb: bool | None = None
    aw_bits: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)
