"""The virtio options as -device properties (qemuBuildVirtioDevProps)."""

from __future__ import annotations

from ...model.virtio import VirtioOptions
from .props import Props

# The QEMU property of each option.
_PROPERTIES = {"iommu": "iommu_platform", "ats": "ats", "packed": "packed",
               "page_per_vq": "page-per-vq"}


def virtio_option_props(opts: VirtioOptions | None) -> Props:
    if opts is None:
        return {}
    return {_PROPERTIES[name]: value == "on" for name, value in opts.items()
            if value is not None}
