"""<iommu> (libvirt 9.0's virDomainIOMMUDefFormat)."""

from __future__ import annotations

from dataclasses import replace

from ..model.domain import Domain
from ..xmlwriter import XMLWriter
from .context import FormatContext
from .device_info import format_device_info


def _on_off(value: bool | None) -> str | None:
    return None if value is None else ("on" if value else "off")


def format_iommu(w: XMLWriter, dom: Domain, ctx: FormatContext) -> None:
    dev = dom.devices.iommu
    if dev is None:
        return
    body = w.child()
    driver = [("intremap", _on_off(dev.intremap)), ("caching_mode", _on_off(dev.caching_mode)),
              ("eim", _on_off(dev.eim)), ("iotlb", _on_off(dev.iotlb)),
              ("aw_bits", dev.aw_bits or None)]
    if any(value is not None for _, value in driver):
        body.empty("driver", *driver)
    # virDomainDeviceInfoFormat with flags 0: the alias is never written.
    format_device_info(body, dev.info, replace(ctx, inactive=True))
    w.wrap("iommu", body, ("model", dev.model))
