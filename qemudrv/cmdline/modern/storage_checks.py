"""qemuDomainValidateStorageSource (libvirt 9.0): what QEMU cannot do with
an image, checked for every image of a chain when the disks are prepared."""

from __future__ import annotations

from ...caps import QemuCaps
from ...defaults.chardev import is_pseries
from ...errors import ConfigError, UnsupportedError
from ...model.disk import Disk
from ...model.domain import Domain
from ..disk_drive import actual_type
from .blockdev import Image, image_encryption

_HTTP = ("http", "https")
_CURL = ("http", "https", "ftp", "ftps")


def _check_format(image: Image) -> None:
    src = image.src
    fmt = src.format
    if fmt == "cow":
        raise ConfigError("'cow' storage format is not supported")
    if fmt == "dir":
        raise ConfigError("'directory' storage format is not directly supported by QEMU, "
                          "use 'dir' disk type instead")
    if fmt == "iso":
        raise ConfigError("storage format 'iso' is not directly supported by QEMU, "
                          "use 'raw' instead")
    if fmt == "fat" and src.type not in ("volume", "dir"):
        raise ConfigError("storage format 'fat' is supported only with 'dir' storage type")
    if actual_type(src) == "dir":
        if fmt not in (None, "fat"):
            raise ConfigError("storage type 'dir' requires use of storage format 'fat'")
        if not image.readonly:
            raise ConfigError("virtual FAT storage can't be accessed in read-write mode")
    if src.metadata_cache_max_size and fmt != "qcow2":
        raise ConfigError("metadata cache max size control is supported only with "
                          "qcow2 images")


def _check_network(image: Image) -> None:
    src = image.src
    protocol = src.protocol if actual_type(src) == "network" else None
    if src.sslverify is not None and protocol not in ("https", "ftps"):
        raise ConfigError("ssl verification is supported only with HTTPS/FTPS protocol")
    if src.cookies and protocol not in _HTTP:
        raise ConfigError("http cookies are supported only with HTTP(S) protocol")
    if src.readahead and protocol not in _CURL:
        raise ConfigError("readahead is supported only with HTTP(S)/FTP(s) protocols")
    if src.timeout and protocol not in _CURL:
        raise ConfigError("timeout is supported only with HTTP(S)/FTP(s) protocols")
    if protocol == "tftp":
        raise ConfigError("'tftp' protocol is not supported with this QEMU binary")
    if protocol == "nfs":
        if len(src.hosts) != 1:
            raise ConfigError("'nfs' protocol requires the usage of exactly one host")
        if src.hosts[0].transport != "tcp":
            raise ConfigError("'nfs' host must use TCP protocol")
        if src.hosts[0].port:
            raise ConfigError("port cannot be specified in 'nfs' protocol host")


def _check_encryption(disk: Disk, image: Image, caps: QemuCaps) -> None:
    enc = image_encryption(disk, image)
    if enc is None:
        return
    if enc.format in (None, "default", "qcow"):
        raise ConfigError("old qcow/qcow2 encryption is not supported")
    if (enc.engine or "qemu") == "qemu":
        if enc.format == "luks2":
            raise ConfigError("luks2 is currently not supported by the qemu encryption engine")
        if image.src.format not in ("qcow2", "raw"):
            raise ConfigError("encryption is supported only with 'raw' and 'qcow2' image format")
        return
    if not caps.has("rbd-encryption"):
        raise ConfigError("librbd encryption is not supported by this QEMU binary")
    if actual_type(image.src) != "network" and image.src.protocol != "rbd":
        raise ConfigError("librbd encryption is supported only with RBD backed disks")


def check_disk_at_start(dom: Domain, disk: Disk, caps: QemuCaps) -> None:
    """qemuProcessStartValidateDisks: what the emulator cannot run at all."""
    src = disk.src
    if src.type == "network" and src.protocol == "vxhs" and not caps.has("vxhs"):
        raise UnsupportedError("VxHS protocol is not supported with this QEMU binary")
    if disk.device == "floppy" and is_pseries(dom):
        raise UnsupportedError("PowerPC pseries machines do not support floppy device")
    if src.type == "nvme" and not caps.has("drive-nvme"):
        raise UnsupportedError("NVMe disks are not supported with this QEMU binary")


def check_image(disk: Disk, image: Image, caps: QemuCaps) -> None:
    _check_format(image)
    _check_network(image)
    _check_encryption(disk, image, caps)
    src = image.src
    if src.tls_hostname:
        if actual_type(src) != "network" or src.protocol != "nbd":
            raise ConfigError("'tlsHostname' field is supported only with NBD disks")
        if not caps.has("blockdev.nbd.tls-hostname"):
            raise ConfigError("'tlsHostname' field is not supported by this QEMU")
