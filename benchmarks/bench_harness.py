"""Per-case overhead of the harness, against plain pytest and file_regression.

Builds one suite of N xml2argv cases whose driver just echoes its input, and
runs the same comparison three ways, each in a fresh pytest process:

- harness: ``pytest --suite DIR`` (collection from the manifest, caps set,
  driver call, wrapped comparison, report bookkeeping);
- bare: a parametrized test that reads the input and the golden, calls the
  same driver and compares the unwrapped lines;
- file_regression: the same test checking the wrapped output with
  pytest-regressions' ``file_regression`` fixture.

Each is run at two sizes, back to back; the per-case cost is the difference
divided by the difference in cases, which cancels interpreter and pytest
start-up. Each round gives one such figure per way; the ways take turns within
a round. Prints the medians over the rounds and the median of the rounds'
harness / bare ratios: the figure least moved by the machine's changing speed.

    python benchmarks/bench_harness.py [--cases N] [--runs 5] [--workers 2]

``--workers N`` runs every way under pytest-xdist (``-n N``). ``--clock cpu``
measures the CPU time the runs take (pytest and its xdist workers, user and
system) instead of wall time: on a machine busy with other work, wall time
measures the neighbours as much as the harness. ``--clock instructions``
counts the machine instructions pytest and its workers execute, under
valgrind's cachegrind: about 30 times slower, but the same count on every run
and whatever else the machine does, so one run (``--runs 1``) is enough.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cachegrind import available as cachegrind_available
from cachegrind import run_counted

from harness.wrap import wrap

DRIVER = '''
from harness.protocol import Conversion, Mode

class EchoDriver:
    name = "echo"
    modes = frozenset({Mode.XML2ARGV})

    def xml_to_argv(self, xml, caps, *, migrate_from=None, migrate_fd=None):
        return Conversion(xml.strip())

    def xml_to_xml(self, xml, caps, *, active=False, status=False):
        raise NotImplementedError

    def argv_to_xml(self, argv, caps):
        raise NotImplementedError

driver = EchoDriver()
'''

BARE = '''
from pathlib import Path
import pytest
from bench_driver import driver
from harness.wrap import unwrap

DATA = Path(__file__).parent / "suite" / "cases" / "xml2argv"
STEMS = [line.strip() for line in (Path(__file__).parent / "stems.txt").read_text().split()]

@pytest.mark.parametrize("stem", STEMS)
def test_case(stem):
    xml = (DATA / f"{stem}.xml").read_text()
    out = driver.xml_to_argv(xml, None).output
    assert unwrap((DATA / f"{stem}.args").read_text()) == out
'''

REGRESSION = '''
from pathlib import Path
import pytest
from bench_driver import driver
from harness.wrap import wrap

DATA = Path(__file__).parent / "suite" / "cases" / "xml2argv"
STEMS = [line.strip() for line in (Path(__file__).parent / "stems.txt").read_text().split()]

@pytest.mark.parametrize("stem", STEMS)
def test_case(stem, file_regression):
    xml = (DATA / f"{stem}.xml").read_text()
    out = wrap(driver.xml_to_argv(xml, None).output)
    file_regression.check(out, basename=stem, extension=".args")
'''


def _line(i: int) -> str:
    drives = " ".join(
        f"-drive file=/var/lib/images/guest{i}-{d}.qcow2,if=none,id=drive-virtio-disk{d},"
        f"format=qcow2,cache=none -device virtio-blk-pci,bus=pci.0,addr=0x{d + 4:x},"
        f"drive=drive-virtio-disk{d},id=virtio-disk{d}"
        for d in range(4)
    )
    return (f"LC_ALL=C PATH=/bin HOME=/home/test /usr/bin/qemu -name guest{i} -S -M pc "
            f"-m 214 -smp 1 -nographic -monitor unix:/tmp/test-monitor,server,nowait "
            f"-no-acpi -boot c -usb {drives} -net none -serial none -parallel none")


def build(root: Path, cases: int) -> None:
    data = root / "suite" / "cases" / "xml2argv"
    regress = root / "test_regression"
    data.mkdir(parents=True)
    regress.mkdir()
    (root / "suite" / "caps").mkdir()
    (root / "suite" / "caps" / "bench.toml").write_text('flags = ["a"]\n[config]\nx = 1\n')
    stems = [f"case{i:05d}" for i in range(cases)]
    manifest = ['[defaults]\ncaps = "bench"\n']
    for i, stem in enumerate(stems):
        line = _line(i)
        (data / f"{stem}.xml").write_text(line + "\n")
        (data / f"{stem}.args").write_text(wrap(line))
        (regress / f"{stem}.args").write_text(wrap(line))
        manifest.append(f'[case."{stem}"]\n')
    (data / "cases.toml").write_text("\n".join(manifest))
    (root / "stems.txt").write_text("\n".join(stems) + "\n")
    (root / "bench_driver.py").write_text(DRIVER)
    (root / "test_bare.py").write_text(BARE)
    (root / "test_regression.py").write_text(REGRESSION)
    (root / "pytest.ini").write_text("[pytest]\npythonpath = .\n")


COMMON = ["-q", "-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:hypothesispytest",
          "-p", "no:randomly"]
WAYS = {
    "harness": ["--suite", "suite", "--driver", "bench_driver:driver"],
    "bare": ["test_bare.py"],
    "file_regression": ["test_regression.py"],
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(root: Path, way: str, workers: int = 0, clock_name: str = "wall") -> float:
    """The run's seconds (wall or CPU), or its instructions in units of 10^9."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    parallel = ["-p", "xdist", "-n", str(workers)] if workers else []
    command = [sys.executable, "-m", "pytest", *COMMON, *parallel, *WAYS[way]]
    if clock_name == "instructions":
        proc, count = run_counted(command, cwd=root, env=env)
        measured = count / 1e9
    else:
        clock = _children_cpu if clock_name == "cpu" else time.perf_counter
        start = clock()
        proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        measured = clock() - start
    if proc.returncode != 0:
        sys.exit(f"{way} run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return measured


def _per_case(big: float, small: float, cases: int, small_cases: int) -> float:
    return (big - small) / (cases - small_cases) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None,
                        help="cases of the big run (default: 2000 serial, 4000 under xdist)")
    parser.add_argument("--small", type=int, default=None,
                        help="cases of the small run (default: a twentieth of --cases)")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default: 5)")
    parser.add_argument("--workers", type=int, default=0,
                        help="run under pytest-xdist with this many workers (default: serial)")
    parser.add_argument("--clock", choices=("wall", "cpu", "instructions"), default="wall")
    parser.add_argument("--ways", default=",".join(WAYS),
                        help=f"the ways to run, comma-separated (default: {','.join(WAYS)})")
    args = parser.parse_args()
    if args.clock == "instructions" and not cachegrind_available():
        parser.error("--clock instructions needs valgrind (apt-get install valgrind)")
    ways = args.ways.split(",")
    if not {"harness", "bare"} <= set(ways) or not set(ways) <= set(WAYS):
        parser.error(f"--ways: harness and bare, and any of {', '.join(WAYS)}")
    # Under xdist a run's start-up (the workers') weighs more and varies
    # more: more cases make the per-case figure steadier.
    cases = args.cases or (4000 if args.workers else 2000)
    small = args.small or max(cases // 20, 1)
    # One figure per round and way: (big - small) / (cases - small). Within
    # a round the ways take turns at each size, in an order reversed every
    # other round, so that a drift in the machine's speed weighs on each of
    # them alike.
    per_round: dict[str, list[float]] = {way: [] for way in ways}
    totals: dict[str, list[float]] = {way: [] for way in ways}
    with tempfile.TemporaryDirectory() as tmp:
        big_root, small_root = Path(tmp) / "big", Path(tmp) / "small"
        build(big_root, cases)
        build(small_root, small)
        for round_ in range(args.runs):
            order = ways if round_ % 2 == 0 else ways[::-1]
            t_small = {way: run(small_root, way, args.workers, args.clock) for way in order}
            t_big = {way: run(big_root, way, args.workers, args.clock) for way in order[::-1]}
            for way in ways:
                per_round[way].append(_per_case(t_big[way], t_small[way], cases, small))
                totals[way].append(t_big[way])
    how = f"-n {args.workers}" if args.workers else "serial"
    how += {"wall": "", "cpu": ", CPU time", "instructions": ", instructions"}[args.clock]
    # With --clock instructions the figures count 10^9 and 10^3 instructions.
    total, unit = ("total (G)", "per case (k)") if args.clock == "instructions" else (
        "total (s)", "per case (us)")
    print(textwrap.dedent(f"""\
        {cases} vs {small} xml2argv cases, {how}, {args.runs} rounds: medians
        {'way':<16} {total:>10} {unit:>14} {'vs bare':>8}"""))
    # "vs bare" is the median of each round's ratio: the ways of a round are
    # measured a minute apart at most, so the round's speed of the machine
    # cancels out (a ratio of the medians would mix rounds).
    def ratios(way: str, to: str = "bare") -> list[float]:
        return sorted(a / b for a, b in zip(per_round[way], per_round[to], strict=True))

    for way in ways:
        print(f"{way:<16} {statistics.median(totals[way]):>10.2f} "
              f"{statistics.median(per_round[way]):>14.0f} "
              f"{statistics.median(ratios(way)):>7.2f}x")
    mine = ratios("harness")
    print(f"harness / bare = {statistics.median(mine):.2f}x, median of the rounds' ratios "
          f"(goal <= 1.15x; rounds: {', '.join(f'{r:.2f}' for r in mine)})")
    if "file_regression" in per_round:
        print(f"harness / file_regression = "
              f"{statistics.median(ratios('harness', 'file_regression')):.2f}x (goal < 1)")


if __name__ == "__main__":
    main()
