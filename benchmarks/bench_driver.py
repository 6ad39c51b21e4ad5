"""Conversion time of the reference driver, per corpus case.

Every case of the chosen modes is prepared once (capability set, input text)
and converted ``--repeat`` times; the script prints, per mode, the median of
the per-case medians, the 90th percentile and the slowest case, plus how many
cases the driver converted without error. Rejections are timed too: refusing
a definition is part of the work.

    python benchmarks/bench_driver.py [--suite DIR] [--repeat N] [--mode MODE ...]
                                      [--caps REGEX] [--clock wall|cpu]

``--caps`` keeps the cases whose capability set matches (``latest.x86_64``
for libvirt 9.0's x86_64-latest cases). ``--clock cpu`` times with the
process's CPU clock: on a machine busy with other work, wall time measures
the neighbours as much as the driver. ``--clock instructions`` counts the
instructions a conversion executes, on average over the chosen cases, under
valgrind's cachegrind (two runs of the script, one converting every case once
and one three times; the difference cancels start-up): the same count on
every run, to compare two versions of the driver on a noisy machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cachegrind import available as cachegrind_available
from cachegrind import run_counted

from harness import CapsLibrary, Mode, Rejection, Suite, prepare
from qemudrv import driver

DEFAULT_SUITE = Path(__file__).resolve().parents[1].parent / "shared/corpus/libvirt-1.3.1"


def convert(mode: Mode, case, prepared) -> None:  # type: ignore[no-untyped-def]
    if mode is Mode.XML2ARGV:
        driver.xml_to_argv(prepared.text, prepared.caps, migrate_from=case.migrate_from,
                           migrate_fd=case.migrate_fd)
    elif mode is Mode.XML2XML:
        driver.xml_to_xml(prepared.text, prepared.caps, active=case.active)
    else:
        driver.argv_to_xml(prepared.text, prepared.caps)


def bench_mode(suite: Suite, mode: Mode, repeat: int, caps: re.Pattern[str] | None,
               clock: Callable[[], int]) -> None:
    library = CapsLibrary(suite.caps_dir)
    manifest = next((m for m in suite.manifests() if m.mode is mode), None)
    if manifest is None:
        return
    medians: list[tuple[float, str]] = []
    converted = rejected = crashed = 0
    for case in manifest.cases:
        if caps is not None and not caps.search(case.caps):
            continue
        prepared = prepare(case, library)
        times = []
        for _ in range(repeat):
            start = clock()
            try:
                convert(mode, case, prepared)
                outcome = "ok"
            except Rejection:
                outcome = "rejected"
            except Exception:  # a driver bug: still timed, counted apart
                outcome = "crashed"
            times.append(clock() - start)
        converted += outcome == "ok"
        rejected += outcome == "rejected"
        crashed += outcome == "crashed"
        medians.append((statistics.median(times) / 1000, case.id))
    if not medians:
        print(f"{mode}: no cases")
        return
    values = sorted(v for v, _ in medians)
    slowest = max(medians)
    p90 = values[int(len(values) * 0.9) - 1]
    print(f"{mode}: {len(values)} cases ({converted} converted, {rejected} rejected, "
          f"{crashed} crashed); per-case median {statistics.median(values):.0f} µs, "
          f"p90 {p90:.0f} µs, slowest {slowest[0]:.0f} µs ({slowest[1]})")


def convert_all(suite: Suite, mode: Mode, caps: re.Pattern[str] | None, passes: int) -> int:
    """Convert every chosen case ``passes`` times; the number of cases."""
    library = CapsLibrary(suite.caps_dir)
    manifest = next((m for m in suite.manifests() if m.mode is mode), None)
    cases = [] if manifest is None else [
        (case, prepare(case, library)) for case in manifest.cases
        if caps is None or caps.search(case.caps)]
    for _ in range(passes):
        for case, prepared in cases:
            # Rejections and driver bugs cost instructions too.
            with contextlib.suppress(Exception):
                convert(mode, case, prepared)
    return len(cases)


def count_instructions(args: argparse.Namespace, mode: Mode) -> None:
    """Mean instructions per conversion, from two runs under cachegrind."""
    counts = []
    cases = 0
    for passes in (1, 3):
        command = [sys.executable, __file__, "--suite", str(args.suite), "--mode", str(mode),
                   "--passes", str(passes)]
        if args.caps is not None:
            command += ["--caps", args.caps.pattern]
        # One hash seed: set and dict orders, and so the work, are the same each run.
        proc, count = run_counted(command, env=dict(os.environ, PYTHONHASHSEED="0"))
        if proc.returncode != 0:
            sys.exit(f"counting failed:\n{proc.stderr[-2000:]}")
        cases = int(proc.stdout.split()[0])
        counts.append(count)
    if not cases:
        print(f"{mode}: no cases")
        return
    per_case = (counts[1] - counts[0]) / (2 * cases)
    print(f"{mode}: {cases} cases; {per_case / 1000:.0f} k instructions per conversion (mean)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--mode", action="append", choices=[str(m) for m in Mode])
    parser.add_argument("--caps", type=re.compile, help="capability sets to keep (regex)")
    parser.add_argument("--clock", choices=("wall", "cpu", "instructions"), default="wall")
    # Internal: the runs --clock instructions counts.
    parser.add_argument("--passes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    suite = Suite(args.suite.resolve(), args.suite.name)
    modes = [Mode(m) for m in args.mode or [str(m) for m in Mode]]
    if args.passes is not None:
        print(sum(convert_all(suite, mode, args.caps, args.passes) for mode in modes))
        return 0
    if args.clock == "instructions":
        if not cachegrind_available():
            parser.error("--clock instructions needs valgrind (apt-get install valgrind)")
        for mode in modes:
            count_instructions(args, mode)
        return 0
    clock = time.perf_counter_ns if args.clock == "wall" else time.process_time_ns
    for mode in modes:
        bench_mode(suite, mode, args.repeat, args.caps, clock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
