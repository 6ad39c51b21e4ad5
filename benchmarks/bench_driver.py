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
the neighbours as much as the driver.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=DEFAULT_SUITE)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--mode", action="append", choices=[str(m) for m in Mode])
    parser.add_argument("--caps", type=re.compile, help="capability sets to keep (regex)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    suite = Suite(args.suite.resolve(), args.suite.name)
    clock = time.perf_counter_ns if args.clock == "wall" else time.process_time_ns
    for mode in args.mode or [str(m) for m in Mode]:
        bench_mode(suite, Mode(mode), args.repeat, args.caps, clock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
