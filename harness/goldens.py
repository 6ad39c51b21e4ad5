"""Writing and deleting golden files, atomically.

A golden is written to a temporary file in its own directory and renamed
over the old one, so a reader (another xdist worker, an editor, a crashed
run) sees the old file or the new one, never half of either.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "differs", "remove"]


def differs(path: Path, text: str) -> bool:
    """Whether writing ``text`` to ``path`` would change its bytes."""
    try:
        return path.read_bytes() != text.encode("utf-8")
    except FileNotFoundError:
        return True


def atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
