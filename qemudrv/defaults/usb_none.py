"""What libvirt 9.0's parser refuses once the USB controller is 'none'
(virDomainDefParseXML, as it reads the devices after the controllers)."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..model.domain import Domain
from .hostdev import usb_disabled


def check_usb_inputs(dom: Domain, caps: Any = None) -> None:
    """No USB input device on a domain without USB (the host devices and
    hubs are checked by their own families)."""
    if dom.modern and usb_disabled(dom) and any(i.bus == "usb" for i in dom.devices.inputs):
        raise ConfigError("Can't add USB input device. USB bus is disabled")
