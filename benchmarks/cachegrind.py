"""Instruction counts of a command and its child processes, under valgrind's
cachegrind: what the benchmarks' ``--clock instructions`` measures. The count
is the same on every run, whatever else the machine is doing."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["available", "run_counted"]

_SUMMARY = re.compile(r"^summary:\s+(\d+)", re.M)


def available() -> bool:
    return shutil.which("valgrind") is not None


def run_counted(
    command: list[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``command`` (following its children, such as xdist workers) and
    return it with the instructions all its processes executed."""
    with tempfile.TemporaryDirectory(prefix="cachegrind-") as out:
        counted = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes",
                   # pytest asks git and file(1) about the machine: not ours to count
                   "--trace-children-skip=*/git,*/file", f"--cachegrind-out-file={out}/cg.%p",
                   *command]
        proc = subprocess.run(counted, cwd=cwd, env=env, capture_output=True, text=True)
        total = sum(int(m.group(1)) for f in Path(out).iterdir()
                    for m in [_SUMMARY.search(f.read_text())] if m is not None)
    return proc, total
