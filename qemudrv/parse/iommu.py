"""<iommu> (libvirt 9.0's virDomainIOMMUDefParseXML)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.iommu import IOMMU, IOMMU_MODELS
from ..xmlreader import Element, child
from .context import ParseContext
from .device_info import parse_device_info
from .memory import prop_enum


def _switch(el: Element, name: str) -> bool | None:
    """virXMLPropTristateSwitch."""
    value = prop_enum(el, name, ("on", "off"))
    return None if value is None else value == "on"


def parse_iommu(el: Element, ctx: ParseContext) -> IOMMU:
    model = el.get("model")
    if model is None:
        raise XMLError("Missing required attribute 'model' in element 'iommu'")
    dev = IOMMU(model=str(prop_enum(el, "model", IOMMU_MODELS)))
    driver = child(el, "driver")
    if driver is not None:
        dev.intremap = _switch(driver, "intremap")
        dev.caching_mode = _switch(driver, "caching_mode")
        dev.iotlb = _switch(driver, "iotlb")
        dev.eim = _switch(driver, "eim")
        aw_bits = driver.get("aw_bits")
        if aw_bits is not None:
            if not aw_bits.strip().isdigit():
                raise XMLError(f"Invalid value for attribute 'aw_bits' in element 'driver': "
                               f"'{aw_bits}'. Expected non-negative integer value")
            dev.aw_bits = int(aw_bits)
    parse_device_info(el, ctx, dev.info)
    return dev
