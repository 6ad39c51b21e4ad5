"""What an exec driver costs: the corpus in process and through ``harness.exec_serve``.

Runs ``pytest --suite SUITE`` serially in a fresh process, alternating the
in-process reference driver and the same driver served over the exec-driver
protocol (``exec:python3 -m harness.exec_serve qemudrv:driver``), and prints
the median wall time of each and their ratio. The goal is a ratio of at most
1.5.

    python benchmarks/bench_exec.py [--runs 5] [--suite ../shared/corpus/libvirt-1.3.1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DRIVERS = {
    "in-process": "qemudrv:driver",
    "exec": "exec:python3 -m harness.exec_serve qemudrv:driver",
}


def run_once(suite: Path, driver: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--suite", str(suite), "-q", "-p", "no:randomly",
         "-p", "no:cacheprovider", "--driver", driver],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{driver}: pytest failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", type=Path,
                        default=ROOT.parent / "shared" / "corpus" / "libvirt-1.3.1")
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in DRIVERS}
    for _ in range(args.runs):
        for name, spec in DRIVERS.items():
            times[name].append(run_once(args.suite.resolve(), spec))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        shown = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:>10}: median {medians[name]:.2f} s  (runs: {shown})")
    ratio = medians["exec"] / medians["in-process"]
    print(f"exec / in-process: {ratio:.2f}x (goal: at most 1.50x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
