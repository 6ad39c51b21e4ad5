"""Storage pool translation and secrets, through the fake storage and
secret drivers of the capability set ([storage], [secrets]).

qemuTranslateDiskSourcePool (libvirt 1.3.1) turns a ``<source pool= volume=>``
into the volume's path and actual type; secrets (iSCSI/RBD auth) are looked
up by usage or UUID.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError, UnsupportedError
from ..model.disk import Disk, DiskAuth, NetHost
from ..model.domain import Domain
from ..xmlreader import Element, parse_document


def secret_value(caps: Any, auth: DiskAuth) -> str:
    """qemuGetSecretString through the fake secret driver."""
    table = caps.secrets
    if auth.uuid:
        if not table.get("lookup_by_uuid", False):
            raise UnsupportedError(f"no secret with uuid '{auth.uuid}'")
        return str(table.get("value", ""))
    if auth.usage != table.get("usage_id"):
        raise UnsupportedError(f"no secret with usage '{auth.usage}'")
    return str(table.get("value", ""))


def _pool_xml(caps: Any, name: str) -> Element:
    storage = caps.storage
    if name == storage.get("inactive_pool"):
        raise ConfigError(f"storage pool '{name}' is not active")
    pools = storage.get("pools", {})
    pool = pools.get(name)
    if pool is None:
        raise ConfigError(f"no storage pool with matching name '{name}'")
    # Capability data is input too: it goes through the same safe parser.
    return parse_document(str(pool["xml"]).strip(), f"storage pool '{name}' of the capability set")


def _translate_disk(disk: Disk, caps: Any) -> None:
    pool = disk.src.pool
    if disk.type != "volume" or pool is None:
        return
    storage = caps.storage
    root = _pool_xml(caps, pool.pool)
    if pool.volume == storage.get("missing_volume"):
        raise ConfigError(f"no storage vol with matching name '{pool.volume}'")
    sep = storage.get("volume_type_separator", "+")
    if sep in pool.volume:
        vtype, vname = pool.volume.split(sep, 1)
    else:
        vtype, vname = storage.get("default_volume_type", "block"), pool.volume
    if vtype not in storage.get("volume_types", ()):
        raise ConfigError(f"Invalid volume type '{vtype}'")
    path = str(storage.get("volume_path", "")).format(type=vtype, name=vname)
    pool_type = root.get("type")
    pool.pool_type = pool_type
    if pool_type in ("dir", "fs", "netfs", "logical", "disk", "scsi", "zfs"):
        disk.src.path = path
        if vtype == "file":
            pool.actual_type = "file"
        elif vtype in ("block",):
            pool.actual_type = "block"
        elif vtype == "dir":
            pool.actual_type = "dir"
        else:
            raise UnsupportedError(
                f"unexpected storage volume type '{vtype}' for storage pool type '{pool_type}'"
            )
        if disk.startup_policy and pool.actual_type != "file":
            raise ConfigError(
                "'startupPolicy' is only valid for 'file' type volume"
            )
    elif pool_type == "iscsi":
        if pool.mode in (None, "host"):
            pool.actual_type = "block"
            disk.src.path = path
        else:
            _iscsi_direct(disk, root)
        if disk.startup_policy:
            raise ConfigError("'startupPolicy' is only valid for 'file' type volume")
    else:
        raise UnsupportedError(
            f"using '{pool_type}' pools for backing 'volume' disks isn't yet supported"
        )


def _iscsi_direct(disk: Disk, root: Element) -> None:
    """mode='direct': the disk talks iSCSI to the pool's host itself."""
    pool = disk.src.pool
    assert pool is not None
    src = root.find("source")
    host = src.find("host") if src is not None else None
    device = src.find("device") if src is not None else None
    pool.actual_type = "network"
    disk.src.protocol = "iscsi"
    name = device.get("path") if device is not None else ""
    disk.src.path = f"{name}/{pool.volume}"
    if host is not None:
        disk.src.hosts = [NetHost(name=host.get("name"), port=host.get("port") or "3260")]
    auth = src.find("auth") if src is not None else None
    if auth is not None and disk.auth is None:
        secret = auth.find("secret")
        disk.auth = DiskAuth(
            username=auth.get("username"),
            secret_type="iscsi",
            uuid=secret.get("uuid") if secret is not None else None,
            usage=secret.get("usage") if secret is not None else None,
        )


def translate_pool_sources(dom: Domain, caps: Any) -> None:
    """qemuTranslateDiskSourcePool for every disk with a pool source."""
    for disk in dom.devices.disks:
        _translate_disk(disk, caps)
