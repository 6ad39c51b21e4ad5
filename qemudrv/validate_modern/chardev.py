"""virDomainChrSourceDefValidate: the host end of a character device must be
named in full (9.0 checks this when validating, 1.3.1 while parsing)."""

from __future__ import annotations

from ..errors import ConfigError
from ..model.chardev import ChrDevice, ChrSource

# SERIAL_CHANNEL_NAME_CHARS
_CHANNEL_NAME_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def _missing(what: str) -> ConfigError:
    return ConfigError(f"Missing source {what} attribute for char device",
                       code="internal error")


def _may_generate_path(chr_dev: ChrDevice | None) -> bool:
    """Xen and virtio channels get a generated unix socket path."""
    return (chr_dev is not None and chr_dev.kind == "channel"
            and chr_dev.target_type in ("xen", "virtio"))


def validate_chr_source(src: ChrSource, chr_dev: ChrDevice | None = None) -> None:
    kind = src.type
    if kind in ("file", "dev", "pipe") and not src.path:
        raise _missing("path")
    if kind == "nmdm" and bool(src.master) != bool(src.slave):
        raise ConfigError("Should define both master and slave path attributes for nmdm "
                          "device", code="internal error")
    if kind == "tcp":
        if not src.host:
            raise _missing("host")
        if not src.service:
            raise _missing("service")
    if kind == "udp" and not src.connect_service:
        raise _missing("service")
    if kind == "unix" and not src.path and not _may_generate_path(chr_dev):
        raise _missing("path")
    if kind in ("tcp", "unix") and src.listen and src.reconnect:
        raise ConfigError("chardev reconnect is possible only for connect mode",
                          code="internal error")
    if kind in ("spiceport", "dbus"):
        if src.channel is None:
            raise ConfigError("Missing source channel attribute for char device")
        if not set(src.channel) <= _CHANNEL_NAME_CHARS:
            raise ConfigError("Invalid character in source channel for char device",
                              code="invalid argument")
