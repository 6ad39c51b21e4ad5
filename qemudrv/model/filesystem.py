"""Model of filesystem passthrough devices (<filesystem>, libvirt's
virDomainFSDef, with 9.0's virtiofs settings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .address import DeviceInfo

FS_TYPES = ("mount", "block", "file", "template", "ram", "bind")
FS_DRIVERS = ("default", "path", "handle", "loop", "nbd", "ploop")
# libvirt 9.0's additions
MODERN_FS_DRIVERS = (*FS_DRIVERS, "virtiofs")
FS_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")
FS_MULTIDEVS = ("remap", "forbid", "warn")
FS_CACHE_MODES = ("none", "always")
FS_SANDBOX_MODES = ("namespace", "chroot")
FS_ACCESS_MODES = ("passthrough", "mapped", "squash")
FS_WRPOLICIES = ("default", "immediate")
# the <source> attribute naming the source of each filesystem type
SOURCE_ATTRS = {
    "mount": "dir", "bind": "dir", "block": "dev", "file": "file", "template": "name",
}


@dataclass(slots=True)
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
    # libvirt 9.0
    socket: str | None = None  # an externally run virtiofsd's socket
    queue_size: int = 0
    model: str | None = None
    multidevs: str | None = None
    fmode: int = 0
    dmode: int = 0
    virtio: dict[str, bool] = field(default_factory=dict)
    binary: VirtiofsBinary | None = None


@dataclass(slots=True)
class VirtiofsBinary:
    """<binary> of a virtiofs filesystem: how libvirt runs virtiofsd."""

    path: str | None = None
    xattr: bool | None = None
    cache: str | None = None
    sandbox: str | None = None
    posix_lock: bool | None = None
    flock: bool | None = None
    thread_pool_size: int | None = None
