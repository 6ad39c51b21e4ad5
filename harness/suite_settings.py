"""Suite-wide settings: ``SUITE/suite.toml`` (suite format 1.1).

A suite without the file has the defaults of format 1. The only setting so
far says how its ``.args`` goldens are written, so that regeneration and
``hvharness wrap --check`` keep the suite's own style:

```toml
format = "1.1"
[args]
fold = false   # one option per line; long lines are not folded at 80 columns
```
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import SuiteError
from .files import read_toml

__all__ = ["SETTINGS_FILE", "SuiteSettings", "load_settings", "settings_for_file"]

SETTINGS_FILE = "suite.toml"
_FORMATS = ("1", "1.0", "1.1")


@dataclass(frozen=True)
class SuiteSettings:
    fold_args: bool = True


def load_settings(root: Path) -> SuiteSettings:
    """The settings of the suite at ``root``; defaults when it has no suite.toml."""
    path = root / SETTINGS_FILE
    try:
        stat = path.stat()
    except OSError:
        return SuiteSettings()
    # Read once per version of the file: every case asks, and the file may
    # change between runs of one process (pytester, editors).
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse(path: Path, mtime_ns: int, size: int) -> SuiteSettings:
    data = read_toml(path)
    unknown = sorted(set(data) - {"format", "args"})
    if unknown:
        raise SuiteError(path, f"unknown key {unknown[0]!r} (allowed: args, format)")
    version = data.get("format", "1.1")
    if version not in _FORMATS:
        raise SuiteError(path, f"'format' must be one of {', '.join(_FORMATS)}, "
                               f"not {version!r}")
    args = data.get("args", {})
    if not isinstance(args, dict):
        raise SuiteError(path, "[args] must be a table")
    unknown = sorted(set(args) - {"fold"})
    if unknown:
        raise SuiteError(path, f"[args]: unknown key {unknown[0]!r} (allowed: fold)")
    fold = args.get("fold", True)
    if not isinstance(fold, bool):
        raise SuiteError(path, f"[args] 'fold' must be true or false, not {fold!r}")
    return SuiteSettings(fold_args=fold)


def settings_for_file(path: Path) -> SuiteSettings:
    """The settings of the suite a file lies in (any ancestor with ``cases/``)."""
    for parent in path.absolute().parents:
        if (parent / "cases").is_dir():
            return load_settings(parent)
    return SuiteSettings()
