"""Model of <smartcard>."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo
from .chardev import ChrSource

SMARTCARD_MODES = ("host", "host-certificates", "passthrough")
DEFAULT_DATABASE = "/etc/pki/nssdb"


@dataclass(slots=True)
class Smartcard:
    mode: str = "host"
    # host-certificates: exactly three files and an optional NSS database
    certificates: list[str] = field(default_factory=list)
    database: str | None = None
    # passthrough: the chardev to the remote card
    passthru: ChrSource | None = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
