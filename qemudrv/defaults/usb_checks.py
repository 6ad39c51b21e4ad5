"""What libvirt 9.0's parser refuses about USB as it reads the devices
(virDomainDefParseXML, after the controllers): controllers without a master,
and USB input devices once the USB controller is 'none'. (The host devices
and hubs are checked by their own families.)"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..model.domain import Domain
from .hostdev import usb_disabled


def check_usb_devices(dom: Domain, caps: Any = None) -> None:
    if not dom.modern:
        return
    usb = [c for c in dom.devices.controllers if c.type == "usb" and c.model != "none"]
    if usb and all(c.info.usb_master_startport is not None for c in usb):
        raise ConfigError("No master USB controller specified", code="")
    if usb_disabled(dom) and any(i.bus == "usb" for i in dom.devices.inputs):
        raise ConfigError("Can't add USB input device. USB bus is disabled")
