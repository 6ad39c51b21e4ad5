"""Reading suite files: text, TOML, and paths that must stay in the suite."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from .errors import SuiteError

__all__ = ["read_text", "read_toml", "resolve_within"]


def read_text(path: Path) -> str:
    """The file's text with line endings normalised to ``\\n``."""
    try:
        with open(path, encoding="utf-8", newline=None) as f:
            return f.read()
    except FileNotFoundError:
        raise SuiteError(path, "file not found") from None
    except IsADirectoryError:
        raise SuiteError(path, "is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise SuiteError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise SuiteError(path, f"cannot read: {exc.strerror or exc}") from None


def read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(path, f"invalid TOML: {exc}") from None


def resolve_within(root: Path, base: Path, relative: str) -> Path | None:
    """``base / relative`` if it stays inside ``root``, else None.

    Symbolic links are not followed: a suite may link its data from
    elsewhere, but its manifests may not name a path outside it.
    """
    if not relative or os.path.isabs(relative) or "\0" in relative:
        return None
    if "/" not in relative and "\\" not in relative and relative not in (".", ".."):
        return base / relative  # the common case: a plain file name
    joined = Path(os.path.normpath(base / relative))
    try:
        joined.relative_to(os.path.normpath(root))
    except ValueError:
        return None
    return joined
