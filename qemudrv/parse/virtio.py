"""virDomainVirtioOptionsParseXML: the virtio options of a <driver>."""

from __future__ import annotations

from ..errors import XMLError
from ..model.virtio import VIRTIO_OPTIONS, VirtioOptions
from ..xmlreader import Element


def parse_virtio_options(driver: Element) -> VirtioOptions:
    opts = VirtioOptions()
    for name in VIRTIO_OPTIONS:
        value = driver.get(name)
        if value is None:
            continue
        if value not in ("on", "off"):
            raise XMLError(f"Invalid value for attribute '{name}' in element "
                           f"'{driver.tag}': '{value}'.")
        setattr(opts, name, value)
    return opts
