"""A disk's -blockdev node graph as libvirt 9.0 builds it (qemu_block.c).

Every image of a disk's chain (the top source and each <backingStore>) gets
an id from one domain-wide counter (qemuDomainStorageIDNew, disks walked from
the last one, each chain from the top) and two nodes: libvirt-N-storage
(where the bytes are: a file, a block device, a network protocol) and
libvirt-N-format (how to read them: raw, qcow2, luks, ...), linked to the
next image by 'backing'. The chain is written deepest image first, each
image's secrets before its nodes (qemuBuildDiskSourceCommandLine).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from ...caps import QemuCaps
from ...errors import ConfigError, UnsupportedError
from ...model.disk import (
    NET_DEFAULT_PORTS,
    Disk,
    DiskAuth,
    Encryption,
    NetHost,
    StorageSource,
)
from ...model.domain import Domain
from ..command import CommandLine
from ..disk_drive import actual_type
from .general import domain_lib_dir
from .props import Props, add_blockdev, add_object, escape_comma
from .secret import add_secret, secret_value

# qemuDomainDiskCachemodeFlags: mode -> (write-cache, direct, no-flush)
CACHE_FLAGS = {
    "writeback": (True, False, False),
    "writethrough": (False, False, False),
    "none": (True, True, False),
    "directsync": (False, True, False),
    "unsafe": (True, False, True),
}

# Formats that can have a backing image (>= VIR_STORAGE_FILE_BACKING).
_BACKING_FORMATS = frozenset({"cow", "qcow", "qcow2", "qed", "vmdk"})

# qemuBlockStorageSourceGetBlockdevFormatProps: formats with another driver name.
_FORMAT_DRIVERS = {"ploop": "parallels", "vhd": "vhdx"}
_PLAIN_FORMATS = frozenset({"bochs", "cloop", "dmg", "vdi", "vpc", "qed", "vmdk"})


@dataclass(frozen=True, slots=True)
class Image:
    """One image of a disk's chain with its node names (made once: every
    node and secret of the chain names them)."""

    src: StorageSource
    index: int
    readonly: bool
    top: bool
    storage_node: str  # libvirt-N-storage
    format_node: str  # libvirt-N-format

    @property
    def slice_node(self) -> str:
        return f"libvirt-{self.index}-slice-sto"


def source_chain(src: StorageSource) -> Iterator[StorageSource]:
    """The top image and its backing images (virStorageSourceIsBacking)."""
    node: StorageSource | None = src
    while node is not None:
        yield node
        node = node.backing


def has_blockdev_chain(disk: Disk) -> bool:
    """vhost-user disks use a chardev and SD cards -drive, not -blockdev."""
    return disk.src.type != "vhostuser" and disk.bus != "sd"


def disk_images(dom: Domain) -> dict[int, list[Image]]:
    """qemuProcessPrepareDomainStorage: each disk's images by id(disk)."""
    images: dict[int, list[Image]] = {}
    counter = 0
    for disk in reversed(dom.devices.disks):
        if not has_blockdev_chain(disk):
            continue
        chain = []
        for pos, src in enumerate(source_chain(disk.src)):
            counter += 1
            # a backing image is always read-only; a CD-ROM is too
            readonly = pos > 0 or disk.readonly or disk.device == "cdrom"
            chain.append(Image(src, counter, readonly, pos == 0, f"libvirt-{counter}-storage",
                               f"libvirt-{counter}-format"))
        images[id(disk)] = chain
    return images


@dataclass(frozen=True)
class FDSet:
    """An -add-fd set of an image opened from passed descriptors."""

    index: int
    fds: tuple[int, ...]

    @property
    def path(self) -> str:
        return f"/dev/fdset/{self.index}"


def reserve_fdsets(cmd: CommandLine, dom: Domain, images: dict[int, list[Image]],
                   caps: QemuCaps) -> dict[int, FDSet]:
    """qemuDomainPrepareStorageSourceFDs: each image with an fdgroup takes
    the next fd set when the disks are prepared (last disk first, before any
    other -add-fd); by id(image source)."""
    groups = caps.conf("fd_groups", {}) or {}
    fdsets: dict[int, FDSet] = {}
    for disk in reversed(dom.devices.disks):
        for image in images.get(id(disk), []):
            src = image.src
            if actual_type(src) not in ("file", "block") or src.fdgroup is None:
                continue
            fds = groups.get(src.fdgroup)
            if fds is None:
                raise ConfigError(f"file descriptor group '{src.fdgroup}' was not associated "
                                  "with the domain", code="invalid argument")
            fdsets[id(src)] = FDSet(cmd.fdsets, tuple(int(fd) for fd in fds))
            cmd.fdsets += 1
    return fdsets


def image_auth(disk: Disk, image: Image) -> DiskAuth | None:
    return disk.auth if image.top else image.src.auth


def image_encryption(disk: Disk, image: Image) -> Encryption | None:
    return disk.encryption if image.top else image.src.encryption


def is_empty(src: StorageSource) -> bool:
    """virStorageSourceIsEmpty: a local source without a path."""
    return actual_type(src) in ("file", "block", "dir") and not src.path


def cache_props(disk: Disk) -> Props:
    """qemuBlockStorageSourceGetBlockdevGetCacheProps."""
    mode = effective_cache(disk)
    if mode is None:
        return {}
    _, direct, no_flush = CACHE_FLAGS[mode]
    return {"cache": {"direct": direct, "no-flush": no_flush}}


def effective_cache(disk: Disk) -> str | None:
    """qemuDomainPrepareDiskCachemode: a shared writable disk bypasses the
    host cache unless the XML says otherwise."""
    if disk.cache not in (None, "default"):
        return disk.cache
    if disk.shared and not disk.readonly:
        return "none"
    return None


# -- storage nodes -------------------------------------------------------------

def _port(host: NetHost, protocol: str) -> str:
    return host.port or str(NET_DEFAULT_PORTS.get(protocol, 0))


def _socket_address(host: NetHost, protocol: str) -> Props:
    """qemuBlockStorageSourceBuildJSONSocketAddress."""
    if host.transport == "unix":
        return {"type": "unix", "path": host.socket}
    if host.transport != "tcp":
        raise UnsupportedError(f"transport protocol '{host.transport}' is not yet supported",
                               code="internal error")
    return {"type": "inet", "host": host.name, "port": _port(host, protocol)}


def _inet_address(host: NetHost, protocol: str) -> Props:
    """qemuBlockStorageSourceBuildJSONInetSocketAddress."""
    if host.transport != "tcp":
        raise UnsupportedError("only TCP protocol can be converted to InetSocketAddress",
                               code="internal error")
    return {"host": host.name, "port": _port(host, protocol)}


def _one_host(src: StorageSource, protocol: str) -> NetHost:
    if len(src.hosts) != 1:
        raise UnsupportedError(f"{protocol} protocol accepts only one host",
                               code="internal error")
    return src.hosts[0]


def _uri(src: StorageSource, protocol: str) -> str:
    """qemuBlockStorageSourceGetURI."""
    if len(src.hosts) != 1:
        raise UnsupportedError(f"protocol '{protocol}' accepts only one host",
                               code="internal error")
    host = src.hosts[0]
    scheme = protocol if host.transport == "tcp" else f"{protocol}+{host.transport}"
    server = host.name or ""
    if ":" in server:
        server = f"[{server}]"
    port = f":{_port(host, protocol)}" if host.transport == "tcp" else ""
    path = ""
    if src.path:
        path = src.path if src.path.startswith("/") else f"/{src.path}"
    query = f"?{src.query}" if src.query else ""
    return f"{scheme}://{server}{port}{path}{query}"


class SecretAliases:
    """The -object secret aliases of one image (qemuAliasForSecret)."""

    def __init__(self, image: Image) -> None:
        self.auth = f"{image.storage_node}-auth-secret0"
        self.encryption = f"{image.format_node}-encryption-secret0"
        self.cookie = f"{image.storage_node}-httpcookie-secret0"


@dataclass(frozen=True)
class TLSSettings:
    """The x509 credentials of a TLS network image."""

    alias: str
    certdir: str
    secret_uuid: str | None


def tls_settings(image: Image, caps: QemuCaps) -> TLSSettings | None:
    """qemuDomainPrepareStorageSourceTLS: NBD and VxHS take TLS from the
    source or, without tls=, from the driver's configuration."""
    src = image.src
    protocol = src.protocol if actual_type(src) == "network" else None
    if protocol not in ("nbd", "vxhs"):
        if protocol is not None and src.tls:
            raise ConfigError(f"TLS transport is not supported for disk protocol '{protocol}'")
        return None
    tls = src.tls if src.tls is not None else bool(caps.conf(f"{protocol}_tls", False))
    if not tls:
        return None
    if protocol == "nbd" and not caps.has("nbd-tls"):
        raise ConfigError("this qemu does not support TLS transport for NBD")
    return TLSSettings(f"obj{image.storage_node}_tls0",
                       str(caps.conf(f"{protocol}_tls_x509_certdir", "")),
                       caps.conf(f"{protocol}_tls_x509_secret_uuid"))


def _network_props(disk: Disk, image: Image, caps: QemuCaps) -> Props:
    """qemuBlockStorageSourceGetBackendProps for network protocols."""
    src = image.src
    protocol = src.protocol or ""
    auth = image_auth(disk, image)
    aliases = SecretAliases(image)
    name = src.path or ""
    props: Props = {"driver": protocol}
    if protocol == "gluster":
        volume, _, path = name.lstrip("/").partition("/")
        props.update({"volume": volume, "path": path,
                      "server": [_socket_address(h, protocol) for h in src.hosts]})
        return props
    tls = tls_settings(image, caps)
    if protocol == "vxhs":
        if tls is not None:
            props["tls-creds"] = tls.alias
        props.update({"vdisk-id": name,
                      "server": _inet_address(_one_host(src, "VxHS"), protocol)})
        return props
    if protocol in ("http", "https", "ftp", "ftps", "tftp"):
        props["url"] = _uri(src, protocol)
        if auth is not None:
            props["username"] = auth.username
            props["password-secret"] = aliases.auth
        if src.sslverify is not None:
            props["sslverify"] = src.sslverify
        if src.cookies:
            props["cookie-secret"] = aliases.cookie
        if src.timeout:
            props["timeout"] = src.timeout
        if src.readahead:
            props["readahead"] = src.readahead
        return props
    if protocol == "iscsi":
        target, _, lun = name.partition("/")
        host = src.hosts[0]
        address = host.name or ""
        portal_host = f"[{address}]" if _is_ipv6(address) else address
        props.update({"portal": f"{portal_host}:{_port(host, protocol)}", "target": target,
                      "lun": int(lun or 0), "transport": "tcp"})
        if auth is not None:
            props["user"] = auth.username
            props["password-secret"] = aliases.auth
        if src.initiator_iqn:
            props["initiator-name"] = src.initiator_iqn
        return props
    if protocol == "nbd":
        props["server"] = _socket_address(_one_host(src, "nbd"), protocol)
        if src.path:
            props["export"] = src.path
        if tls is not None:
            props["tls-creds"] = tls.alias
            if src.tls_hostname:
                props["tls-hostname"] = src.tls_hostname
        return props
    if protocol == "rbd":
        pool, _, image_name = name.partition("/")
        image_name, _, snapshot = image_name.partition("@")
        props.update({"pool": pool, "image": image_name})
        if snapshot or src.snapshot:
            props["snapshot"] = snapshot or src.snapshot
        if src.config_file:
            props["conf"] = src.config_file
        if src.hosts:
            props["server"] = [_inet_address(h, protocol) for h in src.hosts]
        enc = image_encryption(disk, image)
        if enc is not None and enc.engine == "librbd":
            props["encrypt"] = {"format": enc.format, "key-secret": aliases.encryption}
        if auth is not None:
            props.update({"user": auth.username, "auth-client-required": ["cephx", "none"],
                          "key-secret": aliases.auth})
        return props
    if protocol == "sheepdog":
        props.update({"server": _socket_address(_one_host(src, "sheepdog"), protocol),
                      "vdi": name})
        return props
    if protocol == "ssh":
        props.update({"path": name, "server": _inet_address(_one_host(src, "ssh"), protocol)})
        if auth is not None:
            props["user"] = auth.username
        return props
    if protocol == "nfs":
        host = src.hosts[0]
        props.update({"server": {"host": host.name, "type": "inet"}, "path": name})
        # qemuDomainPrepareStorageSourceNFS: '+N' names the numeric id
        for key, ident in (("user", src.nfs_user), ("group", src.nfs_group)):
            if ident is not None:
                props[key] = _nfs_id(ident, key)
        return props
    raise UnsupportedError(f"unknown network disk protocol '{protocol}'", code="internal error")


def _nfs_id(ident: str, kind: str) -> int:
    if ident.startswith("+") and ident[1:].isdigit():
        return int(ident[1:])
    raise UnsupportedError(f"failed to find {kind} record for '{ident}'",
                           code="internal error")


def _is_ipv6(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).version == 6
    except ValueError:
        return False


def _storage_props(dom: Domain, disk: Disk, image: Image, caps: QemuCaps,
                   fdset: FDSet | None, kind: str, cache: Props) -> Props:
    """qemuBlockStorageSourceGetBackendProps with auto-read-only; ``kind``
    is the image's actual type, ``cache`` the disk's cache_props."""
    src = image.src
    read_only: bool | None = None
    props: Props
    if kind == "network":
        props = _network_props(disk, image, caps)
        if src.protocol == "gluster":
            props["debug"] = int(caps.conf("gluster_debug_level", 4))
    elif kind in ("file", "block"):
        driver = "file"
        if kind == "block":
            driver = "host_device"
            if (disk.device == "cdrom" and image.top
                    and src.path == caps.host.get("host_cdrom_path")
                    and (src.format or "raw") == "raw"):
                driver = "host_cdrom"
        props = {"driver": driver, "filename": fdset.path if fdset else src.path}
        if fdset is not None and len(fdset.fds) == 1:
            # QEMU would look for a read-only descriptor first: one will not do
            read_only = image.readonly
        if disk.io not in (None, "default"):
            props["aio"] = disk.io
        if src.reservations is not None:
            props["pr-manager"] = pr_manager_alias(image)
    elif kind == "dir":
        props = {"driver": "vvfat", "dir": src.path, "floppy": disk.device == "floppy",
                 "rw": not image.readonly}
    elif kind == "nvme" and src.nvme is not None:
        a = src.nvme.address
        props = {"driver": "nvme",
                 "device": f"{a.domain:04x}:{a.bus:02x}:{a.slot:02x}.{a.function:x}",
                 "namespace": src.nvme.namespace}
    else:
        raise UnsupportedError(f"unsupported disk source type '{kind}'")
    props["node-name"] = image.storage_node
    props.update(cache)
    if read_only is None:
        props["auto-read-only"] = True
    else:
        props["read-only"] = read_only
    props["discard"] = "unmap"
    return props


# -- format nodes --------------------------------------------------------------


def detect_zeroes(disk: Disk) -> str | None:
    """virDomainDiskGetDetectZeroesMode: 'unmap' needs discard='unmap'."""
    mode = disk.detect_zeroes
    if mode in (None, "default"):
        return None
    if mode == "unmap" and disk.discard != "unmap":
        return "on"
    return mode


def _encrypted_with_qemu(disk: Disk, image: Image) -> bool:
    enc = image_encryption(disk, image)
    return enc is not None and bool(enc.secrets) and (enc.engine or "qemu") == "qemu"


def _needs_slice_node(disk: Disk, image: Image) -> bool:
    """qemuBlockStorageSourceNeedsStorageSliceLayer: a raw image takes its
    slice itself unless LUKS sits on it."""
    if image.src.slice_storage is None:
        return False
    if (image.src.format or "raw") != "raw":
        return True
    enc = image_encryption(disk, image)
    return enc is not None and enc.format == "luks"


def _slice_props(image: Image, cache: Props) -> Props:
    """qemuBlockStorageSourceGetBlockdevStorageSliceProps."""
    offset, size = image.src.slice_storage or (0, 0)
    props: Props = {"driver": "raw", "node-name": image.slice_node, "offset": offset,
                    "size": size, "file": image.storage_node, "auto-read-only": True,
                    "discard": "unmap"}
    props.update(cache)
    return props


def _format_props(disk: Disk, image: Image, kind: str, cache: Props,
                  sliced: bool) -> Props:
    """qemuBlockStorageSourceGetBlockdevProps; ``kind`` is the image's
    actual type, ``cache`` the disk's cache_props, ``sliced`` whether a
    slice node sits under the format node."""
    src = image.src
    props: Props = {"node-name": image.format_node, "read-only": image.readonly}
    if disk.discard not in (None, "default"):
        props["discard"] = disk.discard
    if image.top and (zeroes := detect_zeroes(disk)) is not None:
        props["detect-zeroes"] = zeroes
    props.update(cache)
    # qemuDomainPrepareDiskSource: a pool volume without a format
    fmt = src.format or ("fat" if kind == "dir" else "raw")
    enc = image_encryption(disk, image) if _encrypted_with_qemu(disk, image) else None
    key_secret = SecretAliases(image).encryption if enc is not None else ""
    if fmt in ("raw", "fat"):
        if enc is not None and enc.format == "luks":
            props.update({"driver": "luks", "key-secret": key_secret})
        else:
            props["driver"] = "raw"
            if src.slice_storage is not None:
                props.update({"offset": src.slice_storage[0], "size": src.slice_storage[1]})
    elif fmt in ("qcow2", "qcow"):
        props["driver"] = fmt
        if enc is not None:
            props["encrypt"] = {"format": "aes" if enc.format == "qcow" else "luks",
                                "key-secret": key_secret}
        if fmt == "qcow2" and src.metadata_cache_max_size:
            props["cache-size"] = src.metadata_cache_max_size
    elif fmt in _FORMAT_DRIVERS:
        props["driver"] = _FORMAT_DRIVERS[fmt]
    elif fmt in _PLAIN_FORMATS:
        props["driver"] = fmt
    else:
        raise UnsupportedError(f"mishandled storage format '{fmt}'", code="internal error")
    props["file"] = image.slice_node if sliced else image.storage_node
    if src.backing is not None or src.backing_terminated:
        if fmt in _BACKING_FORMATS:
            props["backing"] = None if src.backing is None else \
                f"libvirt-{image.index + 1}-format"
        elif src.backing is not None:
            raise ConfigError(f"storage format '{fmt}' does not support backing store")
    return props


# -- the whole chain -----------------------------------------------------------


# qemuDomainGetManagedPRAlias: the one helper libvirt runs for the domain.
MANAGED_PR_ALIAS = "pr-helper0"


def pr_manager_alias(image: Image) -> str:
    reservations = image.src.reservations
    if reservations is not None and reservations[0]:
        return MANAGED_PR_ALIAS
    return f"pr-helper-{image.storage_node}"


def _add_image_secrets(cmd: CommandLine, disk: Disk, image: Image, caps: QemuCaps,
                       kind: str) -> None:
    """qemuBuildBlockStorageSourceAttachDataCommandline's objects: an
    unmanaged reservations helper, then the secrets (``kind``: the image's
    actual type)."""
    reservations = image.src.reservations
    if reservations is not None and not reservations[0]:
        add_object(cmd, "pr-manager-helper", pr_manager_alias(image),
                   {"path": reservations[1]}, caps)
    # The aliases only for an image that has secrets (most have none).
    auth = image_auth(disk, image)
    if auth is not None and kind == "network" and image.src.protocol != "ssh":
        add_secret(cmd, caps, SecretAliases(image).auth, secret_value(caps, auth.usage))
    enc = image_encryption(disk, image)
    if enc is not None and enc.secrets:
        _, kind, value = enc.secrets[0]
        usage = value if kind == "usage" else None
        add_secret(cmd, caps, SecretAliases(image).encryption, secret_value(caps, usage))
    if image.src.cookies:
        jar = "; ".join(f"{name}={value}" for name, value in image.src.cookies)
        add_secret(cmd, caps, SecretAliases(image).cookie, jar.encode())
    tls = tls_settings(image, caps)
    if tls is not None:
        password = None
        if tls.secret_uuid:
            password = f"{tls.alias}-secret0"
            add_secret(cmd, caps, password, secret_value(caps))
        props: Props = {"dir": tls.certdir, "endpoint": "client", "verify-peer": True}
        if password:
            props["passwordid"] = password
        add_object(cmd, "tls-creds-x509", tls.alias, props, caps)


def vhost_user_chardev_alias(disk: Disk) -> str:
    """qemuDomainGetVhostUserChrAlias."""
    return f"chr-vu-{disk.info.alias}"


def _build_vhost_user_chardev(cmd: CommandLine, disk: Disk) -> None:
    """qemuBuildStorageSourceChainAttachPrepareChardev: a client socket."""
    vhost = disk.src.vhostuser
    if vhost is None:
        return
    opts = f"socket,id={vhost_user_chardev_alias(disk)},path={escape_comma(vhost.path)}"
    if vhost.reconnect:
        opts += f",reconnect={vhost.reconnect_timeout or 0}"
    cmd.add("-chardev", opts)


def build_chain(cmd: CommandLine, dom: Domain, disk: Disk, images: list[Image],
                fdsets: dict[int, FDSet], caps: QemuCaps) -> str | None:
    """The nodes of a disk's chain; returns the node its frontend uses."""
    if disk.src.type == "vhostuser":
        _build_vhost_user_chardev(cmd, disk)
        return None
    if not images or is_empty(disk.src):
        return None
    # qemuBuildDiskSourceCommandLineFDs: the chain's descriptors, top first
    for image in images:
        fdset = fdsets.get(id(image.src))
        if fdset is None:
            continue
        for pos, fd in enumerate(fdset.fds):
            cmd.add("-add-fd", f"set={fdset.index},fd={fd},opaque={image.storage_node}{pos}")
    cache = cache_props(disk)  # the same for every node of the chain
    for image in reversed(images):
        kind = actual_type(image.src)
        _add_image_secrets(cmd, disk, image, caps, kind)
        add_blockdev(cmd, _storage_props(dom, disk, image, caps, fdsets.get(id(image.src)),
                                         kind, cache))
        sliced = _needs_slice_node(disk, image)
        if sliced:
            add_blockdev(cmd, _slice_props(image, cache))
        add_blockdev(cmd, _format_props(disk, image, kind, cache, sliced))
    top = images[0].format_node
    if disk.copy_on_read:
        node = f"libvirt-CoR-{disk.dst}"
        add_blockdev(cmd, {"driver": "copy-on-read", "node-name": node, "file": top,
                           "discard": "unmap"})
        return node
    return top


def build_managed_pr_helper(cmd: CommandLine, dom: Domain, caps: QemuCaps) -> None:
    """qemuBuildManagedPRCommandLine: one helper object for every disk with
    managed reservations."""
    for disk in dom.devices.disks:
        for src in source_chain(disk.src):
            if src.reservations is not None and src.reservations[0]:
                add_object(cmd, "pr-manager-helper", MANAGED_PR_ALIAS,
                           {"path": f"{domain_lib_dir(dom, caps)}/{MANAGED_PR_ALIAS}.sock"}, caps)
                return
