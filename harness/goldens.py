"""Writing and deleting golden files, atomically and durably.

A golden is written to a temporary file in its own directory, flushed to
disk, and renamed over the old one (then the directory is flushed), so a
reader (another xdist worker, an editor, a crashed run) sees the old file
or the new one, never half of either. A temporary file left behind by a
killed run matches :data:`TEMP_NAME`; orphan checks report it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import SuiteError
from .files import MissingFile, inside_suite, read_bytes

__all__ = ["TEMP_NAME", "atomic_write", "differs", "private_temp_dir", "remove", "remove_tree"]

# mkstemp's names: the prefix, eight random characters, the suffix.
TEMP_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")


def differs(path: Path, text: str, root: Path | None = None) -> bool:
    """Whether writing ``text`` to ``path`` would change its bytes."""
    try:
        return read_bytes(path, root) != text.encode("utf-8")
    except MissingFile:
        return True


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every file system can do it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, text: str, root: Path | None = None) -> None:
    """Replace ``path`` with ``text``.

    With ``root``, the file is written where its real path leads (a golden
    that is a link inside the suite is updated through it) and that must be
    inside ``root``; otherwise :class:`SuiteError` and nothing is written.
    Only a regular file is ever replaced.
    """
    target = inside_suite(path, root) if root is not None else path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        if not stat.S_ISREG(info.st_mode):
            raise SuiteError(path, "is not a regular file; not overwritten")
        mode = stat.S_IMODE(info.st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def private_temp_dir(purpose: str, key: str) -> Path:
    """``TMPDIR/hvharness-UID/PURPOSE-HASH``: the same path for the same key.

    Runs without pytest's cache keep their scratch files here, so each run
    reuses (and clears) one directory instead of leaving a new one behind.
    The parent is this user's alone; if something else holds its name, a
    fresh directory is made instead.
    """
    uid = os.getuid()
    base = Path(tempfile.gettempdir()) / f"hvharness-{uid}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(base)
        if stat.S_ISDIR(info.st_mode) and info.st_uid == uid and not info.st_mode & 0o077:
            return base / f"{purpose}-{digest}"
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix=f"hvharness-{purpose}-"))
