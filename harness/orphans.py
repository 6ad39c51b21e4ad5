"""Files in a mode directory that no case references.

A mode is only checked when every one of its cases ran in this session, so
a run narrowed by ``-k``, ``--lf`` or a node id reports nothing false.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .suite import ModeManifest

__all__ = ["find_orphans"]


def _data_files(directory: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(directory):
        # Hidden files and directories are editors', VCS' and our temp files.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def find_orphans(manifest: ModeManifest, ran: set[str]) -> list[Path] | None:
    """The unreferenced files, or None when the mode was not run in full."""
    if manifest.error is not None or not manifest.cases:
        return None
    if any(case.id not in ran for case in manifest.cases):
        return None
    referenced = {path for case in manifest.cases for path in case.references()}
    referenced.add(manifest.manifest)
    return [p for p in _data_files(manifest.directory) if p not in referenced]
