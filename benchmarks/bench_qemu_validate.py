#!/usr/bin/env python3
"""What real-QEMU validation costs: per case, and for a batch with parallel workers.

Each validation rewrites the command line, makes its temporary files, starts
the emulator paused, checks ``query-status`` over QMP and quits. Run:

    python3 benchmarks/bench_qemu_validate.py [--binary PATH] [--runs 20] [--workers 2]
    python3 benchmarks/bench_qemu_validate.py --goldens 'cases/xml2argv/q72-*.args'

``--goldens`` validates those golden command lines instead (each once for
the per-case times, then all of them on the workers).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.wrap import unwrap
from qemudrv.validate import ValidationResult, validate_command_line

ROOT = Path(__file__).resolve().parents[1]

# A small command line in the driver's style: monitor, one raw disk, VNC.
SMALL = (
    "LC_ALL=C PATH=/bin HOME=/home/test USER=test LOGNAME=test QEMU_AUDIO_DRV=none "
    "/usr/bin/qemu-system-x86_64 -name guest=bench -S -machine pc,accel=tcg,usb=off "
    "-m 128 -smp 1 -no-user-config -nodefaults "
    "-chardev socket,id=charmonitor,path=/tmp/test-monitor,server=on,wait=off "
    "-mon chardev=charmonitor,id=monitor,mode=control -no-shutdown "
    "-drive file=/var/lib/images/bench.img,format=raw,if=none,id=drive-virtio-disk0 "
    "-device virtio-blk-pci,drive=drive-virtio-disk0,id=virtio-disk0,bus=pci.0,addr=0x4 "
    "-vnc 127.0.0.1:0 -device VGA,id=video0,bus=pci.0,addr=0x2"
)


def _one(binary: str, kvm: bool) -> ValidationResult:
    result = validate_command_line(SMALL, binary, kvm=kvm)
    if not result.accepted:
        raise SystemExit(f"benchmark command line not accepted: {result}")
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--binary", default=shutil.which("qemu-system-x86_64"))
    p.add_argument("--runs", type=int, default=20, help="sequential runs for the median")
    p.add_argument("--batch", type=int, default=20, help="runs in the parallel batch")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--kvm", action="store_true", help="allow KVM (default: TCG only)")
    p.add_argument("--goldens", metavar="GLOB",
                   help="validate these golden .args files (relative to the repository)")
    args = p.parse_args()
    if not args.binary:
        print("qemu-system-x86_64 not found; pass --binary", file=sys.stderr)
        return 2
    if args.goldens:
        return _goldens(args.binary, args.kvm, sorted(ROOT.glob(args.goldens)), args.workers)

    _one(args.binary, args.kvm)  # warm the page cache
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        _one(args.binary, args.kvm)
        times.append(time.perf_counter() - start)
    times.sort()
    p90 = times[max(0, round(0.9 * len(times)) - 1)]
    print(f"sequential, {args.runs} runs: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {times[0] * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms")  # fmt: skip

    start = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(lambda _: _one(args.binary, args.kvm), range(args.batch)))
    total = time.perf_counter() - start
    print(f"parallel, {args.batch} runs on {args.workers} workers: total {total:.2f} s "
          f"({total / args.batch * 1000:.0f} ms per case)")  # fmt: skip
    return 0


def _goldens(binary: str, kvm: bool, paths: list[Path], workers: int) -> int:
    if not paths:
        print("no golden matches", file=sys.stderr)
        return 2
    lines = [unwrap(p.read_text()) for p in paths]
    validate_command_line(lines[0], binary, kvm=kvm)  # warm the page cache
    times, statuses = [], []
    for path, line in zip(paths, lines, strict=True):
        start = time.perf_counter()
        result = validate_command_line(line, binary, kvm=kvm)
        times.append(time.perf_counter() - start)
        statuses.append(result.status)
        print(f"  {path.name}: {result} ({times[-1] * 1000:.0f} ms)")
    print(f"sequential, {len(paths)} goldens: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms; "
          + ", ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses))))
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda line: validate_command_line(line, binary, kvm=kvm), lines))
    total = time.perf_counter() - start
    print(f"parallel, {len(paths)} goldens on {workers} workers: total {total:.2f} s")
    return 0 if "rejected" not in statuses else 1


if __name__ == "__main__":
    sys.exit(main())
