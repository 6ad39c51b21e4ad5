"""Model of filesystem passthrough devices (<filesystem>, libvirt 1.3.1's
virDomainFSDef)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

FS_TYPES = ("mount", "block", "file", "template", "ram", "bind")
FS_DRIVERS = ("default", "path", "handle", "loop", "nbd", "ploop")
FS_ACCESS_MODES = ("passthrough", "mapped", "squash")
FS_WRPOLICIES = ("default", "immediate")
# the <source> attribute naming the source of each filesystem type
SOURCE_ATTRS = {
    "mount": "dir", "bind": "dir", "block": "dev", "file": "file", "template": "name",
}


@dataclass
class Filesystem:
    type: str = "mount"
    accessmode: str = "passthrough"
    driver: str = "default"
    format: str | None = None  # image format of a loop/nbd file
    wrpolicy: str = "default"
    source: str | None = None  # dir, dev, file or template name
    usage: int = 0  # bytes of a type='ram' filesystem
    target: str | None = None
    readonly: bool = False
    space_hard_limit: int = 0  # bytes
    space_soft_limit: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)
