"""Errors in a suite's files, reported as one line naming the file."""

from __future__ import annotations

import functools
import os
from pathlib import Path

__all__ = ["DriverLoadError", "SuiteError", "display_path"]


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    return _display(str(path), os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display(path: str, cwd: str) -> str:
    prefix = cwd.rstrip(os.sep) + os.sep
    return path[len(prefix):] if path.startswith(prefix) else path


class SuiteError(Exception):
    """A suite file is missing, unreadable or malformed.

    ``str()`` gives ``FILE[:LINE]: PROBLEM``, which is all a user needs: no
    traceback is shown for these.
    """

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.problem}"


class DriverLoadError(Exception):
    """The configured driver cannot be imported or is not a driver."""
