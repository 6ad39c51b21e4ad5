"""Reading suite files: text, TOML, and paths that must stay in the suite.

Every read goes through :func:`read_bytes`, which looks before it opens: a
FIFO, a device or a directory is refused by its ``stat``, never opened (a
FIFO would block the run), and a file above the size limit is refused before
a byte of it is read. Given the suite's root, a path is first resolved to
its real path, and a file whose real path lies outside the suite is refused,
so a symbolic link cannot bring outside data into diffs and reports.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from .errors import SuiteError, display_path

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MissingFile",
    "RealPaths",
    "inside_suite",
    "join_name",
    "parse_byte_limit",
    "plain_name",
    "read_bytes",
    "read_golden",
    "read_text",
    "read_toml",
    "resolve_within",
]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
_LIMIT_OPTION = "hvharness_max_input_bytes"


class MissingFile(SuiteError):
    """The file does not exist at all (a dangling link is not missing, it is broken)."""


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def _check_inside(path: Path, real: str, root: Path) -> None:
    real_root = _real_root(str(root))
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise SuiteError(path, f"leads outside the suite directory {display_path(root)} "
                               f"(to {real}); refusing to use it")


def inside_suite(path: Path, root: Path) -> Path:
    """The real path of ``path``, which must lie inside the suite's real root."""
    real = os.path.realpath(path)
    _check_inside(path, real, root)
    return Path(real)


def _opened_path(fd: int, path: Path) -> str:
    """The real path of the file open as ``fd``: the file actually read, not
    what its name led to a moment before."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # no /proc: resolve the name instead
        return os.path.realpath(path)


class RealPaths:
    """Real paths of many files, resolving each directory only once.

    ``os.path.realpath`` looks at every component of a path; for the
    thousands of files of a suite, one ``lstat`` per file is enough once
    its directory is known. With ``listed``, not even that: each directory
    is listed once and its entries say which names are links (for a
    snapshot of a whole suite, as the end of a session takes).
    """

    def __init__(self, *, listed: bool = False) -> None:
        self._dirs: dict[str, str] = {}
        self._links: dict[str, frozenset[str] | None] | None = {} if listed else None

    def __call__(self, path: Path) -> Path:
        text = os.fspath(path)
        real = self.text(text)
        # Already real (the usual case): no new Path for each of thousands.
        return path if real == text else Path(real)

    def text(self, path: str) -> str:
        """The real path of ``path``, both as strings: for the thousands of
        names a session's end compares, a Path each would cost more."""
        parent, _, name = path.rpartition(os.sep)
        # ``path`` is ``parent/name`` exactly, unless it names the root or a
        # file of the current directory, or doubles a "/".
        simple = bool(parent) and not parent.endswith(os.sep)
        if not simple:
            parent, name = os.path.split(path)
        real_dir = self._dirs.get(parent)
        if real_dir is None:
            real_dir = self._dirs[parent] = os.path.realpath(parent)
        candidate = path if simple and real_dir == parent else os.path.join(real_dir, name)
        if name in ("", ".", "..") or self._is_link(real_dir, name, candidate):
            return os.path.realpath(candidate)
        return candidate

    def _is_link(self, real_dir: str, name: str, candidate: str) -> bool:
        if self._links is None:
            return os.path.islink(candidate)
        if real_dir not in self._links:
            try:
                with os.scandir(real_dir) as entries:
                    self._links[real_dir] = frozenset(e.name for e in entries if e.is_symlink())
            except OSError:  # not a directory (any more): ask file by file
                self._links[real_dir] = None
        links = self._links[real_dir]
        return os.path.islink(candidate) if links is None else name in links


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


def _refuse_special(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise SuiteError(path, f"is {_kind(mode)}, not a regular file")


def _too_big(path: Path, size: int, limit: int) -> SuiteError:
    return SuiteError(path, f"is larger than the limit of {limit} bytes ({size} bytes; "
                            f"the ini option {_LIMIT_OPTION} sets the limit)")


def read_bytes(path: Path, root: Path | None = None, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    With ``root``, the real path of the file opened must be inside it (it
    is checked before a byte is read). Raises :class:`MissingFile` when
    nothing is there, :class:`SuiteError` for every other reason the file
    cannot be used.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.lexists(path):
            raise SuiteError(path, "is a symbolic link to nothing") from None
        raise MissingFile(path, "file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SuiteError(path, "is a symbolic link loop") from None
        raise SuiteError(path, f"cannot read: {exc.strerror or exc}") from None
    _refuse_special(path, info.st_mode)
    if info.st_size > limit:
        raise _too_big(path, info.st_size, limit)
    try:
        # O_NONBLOCK: should the file have become a FIFO since the stat,
        # opening it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise SuiteError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        if root is not None:
            _check_inside(path, _opened_path(fd, path), root)
        _refuse_special(path, os.fstat(fd).st_mode)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise SuiteError(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise _too_big(path, size, limit)
    return b"".join(chunks)


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SuiteError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_text(path: Path, root: Path | None = None, limit: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text with line endings normalised to ``\\n``."""
    text = _decode(path, read_bytes(path, root, limit))
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def read_golden(path: Path, root: Path | None = None, limit: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text exactly as it is on disk.

    Goldens are compared as they would be written, so a carriage return in
    one is a character like any other, never a line ending to translate.
    """
    return _decode(path, read_bytes(path, root, limit))


def read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(path, f"invalid TOML: {exc}") from None


_LIMIT = re.compile(r"\s*(\d+)\s*(|[KMG]i?B?)\s*", re.I)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_byte_limit(value: str) -> int:
    """A size such as ``16777216``, ``16MiB`` or ``512K``; ValueError if it is none."""
    m = _LIMIT.fullmatch(value)
    if m is None or int(m.group(1)) <= 0:
        raise ValueError(f"{_LIMIT_OPTION} = {value!r} is not a positive size "
                         "(bytes, or a number with KiB, MiB or GiB)")
    return int(m.group(1)) * _UNITS[m.group(2)[:1].lower()]


def plain_name(relative: str) -> bool:
    """A file name of the directory itself, with nothing to normalize."""
    return "/" not in relative and "\\" not in relative and relative not in (".", "..")


def join_name(base: Path, relative: str) -> Path:
    """``base / relative``, normalized unless ``relative`` is a plain name."""
    return base / relative if plain_name(relative) else Path(os.path.normpath(base / relative))


def resolve_within(root: Path, base: Path, relative: str) -> Path | None:
    """``base / relative`` if it stays inside ``root``, else None.

    This only looks at the name a manifest gives; where a symbolic link
    leads is checked when the file is read or written (:func:`inside_suite`).
    """
    if not relative or os.path.isabs(relative) or "\0" in relative:
        return None
    joined = join_name(base, relative)
    if plain_name(relative):
        return joined  # the common case: a plain file name
    try:
        joined.relative_to(os.path.normpath(root))
    except ValueError:
        return None
    return joined
