"""Files in a mode directory that no case references.

A mode is only checked when every one of its cases ran in this session, so
a run narrowed by ``-k``, ``--lf`` or a node id reports nothing false. What
a case references counts across the whole suite: a golden of one mode may
be named by a case of another.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import SuiteError
from .files import RealPaths, inside_suite
from .goldens import TEMP_NAME
from .suite import ModeManifest

__all__ = ["find_orphans"]


def _left_over(path: str, started: float) -> bool:
    """A temporary file of a golden write that a killed run left: older than
    this session. A newer one is a write in flight (another xdist worker's)."""
    try:
        return os.lstat(path).st_mtime < started
    except OSError:
        return False  # renamed into place meanwhile


def _unreferenced(
    directory: Path, owned: set[str], real_path: RealPaths, started: float
) -> Iterable[str]:
    for dirpath, dirnames, filenames in os.walk(directory):
        # Hidden files and directories are editors' and VCS' business, except
        # the temporary files of a golden write that was killed: those are ours.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        prefix = dirpath + os.sep
        # A walked path found in ``owned`` as it is is a real path already:
        # only the others need resolving (in a suite reached by no link, none
        # do). Compared as strings: a Path per walked file costs more than
        # the walk, and so would sorting thousands of names to keep a few.
        found = [name for name in filenames if prefix + name not in owned]
        for name in sorted(found):
            path = prefix + name
            if name.startswith(".") and not (
                    TEMP_NAME.fullmatch(name) and _left_over(path, started)):
                continue
            if real_path.text(path) not in owned:
                yield path


def find_orphans(
    manifest: ModeManifest, ran: set[str], owned: set[str] | None, started: float
) -> list[Path] | None:
    """The unreferenced files, or None when the mode was not run in full.

    ``owned`` holds the real paths (strings) of every file the suite's manifests name,
    or is None when one of them cannot be read (then nobody knows what is
    unreferenced). ``started``: when the session began (time.time()).
    """
    if manifest.error is not None or not manifest.cases or owned is None:
        return None
    if any(case.id not in ran for case in manifest.cases):
        return None
    try:
        # A mode directory reached through a link leaving the suite holds
        # nothing of the suite's: pruning there would delete someone else's
        # files. (The walk follows no link below it.)
        inside_suite(manifest.directory, manifest.directory.parents[1])
    except SuiteError:
        return None
    return [Path(p) for p in _unreferenced(manifest.directory, owned, RealPaths(listed=True),
                                           started)]
