"""A capability set from libvirt's own probe of an installed QEMU.

libvirt keeps what it learnt about an emulator in its capability cache
(``/var/cache/libvirt/qemu/capabilities/HASH.xml``, or ``ROOT/cache/...``
for an embedded driver), in the format of its test data's
``caps_VER.ARCH.xml``. Converted here to a set, it says what that libvirt
would run on that QEMU: its flags by libvirt's own names, its machine types
and CPU models, and ``[libvirt] version`` from the cache's ``selfvers``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .capsxml import CapsFileError, caps_file_tables
from .tomlwriter import dumps

__all__ = ["CapsFileError", "cache_set_text"]

# When the probe ran and of which files: they date the cache entry, they
# say nothing of the emulator, and would make two conversions differ.
_CACHE_BOOKKEEPING = ("qemuctime", "qemumoddirmtime", "selfctime", "selfvers")


def _libvirt_version(path: Path, raw: object) -> str:
    """``selfvers`` is libvirt's version as major * 1,000,000 + minor * 1,000 + micro."""
    if not isinstance(raw, int) or raw <= 0:
        raise CapsFileError(path, "has no <selfvers>: not a libvirt capability cache file")
    return f"{raw // 1_000_000}.{raw // 1_000 % 1_000}.{raw % 1_000}"


def cache_set_text(path: Path, extends: str | None) -> str:
    """The capability set (TOML text) of the cache file at ``path``."""
    flags, qemu = caps_file_tables(path)
    version = _libvirt_version(path, qemu.get("selfvers"))
    qemu = {k: v for k, v in qemu.items() if k not in _CACHE_BOOKKEEPING}
    data: dict[str, Any] = {}
    if extends:
        data["extends"] = extends
    data["flags"] = flags
    data["libvirt"] = {"version": version}
    # Which emulator answered, as qemudrv-probe-caps records it: what
    # --qemu-validate checks before it lets a binary judge the set's cases.
    emulator = {"version": _qemu_version(qemu.get("version")),
                "package": str(qemu.get("package", "")), "arch": str(qemu.get("arch", ""))}
    data["emulator"] = {k: v for k, v in emulator.items() if v}
    data["qemu"] = qemu
    comment = (f"What libvirt {version} learnt of {qemu.get('emulator', 'the emulator')} "
               f"(QEMU {_qemu_version(qemu.get('version')) or '?'}), from its capability cache\n"
               f"file {path.name}. Written by `hvharness import-libvirt-caps`; do not edit:\n"
               "convert the cache file again instead.")
    return dumps(data, comment)


def _qemu_version(raw: object) -> str:
    if not isinstance(raw, int):
        return ""
    return f"{raw // 1_000_000}.{raw // 1_000 % 1_000}.{raw % 1_000}"
