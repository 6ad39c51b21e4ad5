"""virDomainVirtioOptionsParseXML (libvirt 9.0)."""

from __future__ import annotations

from ..errors import XMLError
from ..model.virtio_options import VIRTIO_OPTIONS, VirtioOptions
from ..xmlreader import Element


def parse_virtio_options(driver: Element | None) -> VirtioOptions | None:
    if driver is None:
        return None
    switches: dict[str, bool] = {}
    for attr, _ in VIRTIO_OPTIONS:
        value = driver.get(attr)
        if value is None:
            continue
        if value not in ("on", "off"):
            raise XMLError(f"Invalid value for attribute '{attr}' in element 'driver': "
                           f"'{value}'. Expected one of 'on', 'off'")
        switches[attr] = value == "on"
    return VirtioOptions(switches)
