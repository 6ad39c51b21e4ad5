"""``qemudrv-probe-caps`` (or ``python3 -m qemudrv.probe``): write a capability set."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from . import DEFAULT_EXTENDS, ProbeError, Replies, RepliesError, collect, replies_name, set_text

_DEFAULT_BINARY = "qemu-system-x86_64"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="qemudrv-probe-caps",
        description="Probe a QEMU binary over QMP and write caps/qemu-VERSION-ARCH.toml "
        "plus the raw replies it was derived from.",
    )
    p.add_argument("--binary", help=f"emulator to probe (default: {_DEFAULT_BINARY} on PATH)")
    p.add_argument("--out", type=Path, default=Path("caps"), help="directory (default: caps/)")
    p.add_argument(
        "--from-replies",
        type=Path,
        metavar="FILE",
        help="derive from a saved .replies.json instead of running an emulator",
    )
    p.add_argument(
        "--extends",
        default=DEFAULT_EXTENDS,
        help=f"capability set to extend (default: {DEFAULT_EXTENDS}; '' for none)",
    )
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per QMP exchange")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files on disk differ from what would be written",
    )
    return p


def _emit(path: Path, text: str, check: bool) -> bool:
    """Write ``text`` (or compare it, with ``check``); True if the file is as wanted."""
    if check:
        same = path.is_file() and path.read_text(encoding="utf-8") == text
        print(f"{'ok' if same else 'differs'}: {path}")
        return same
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path}")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.from_replies is not None:
            replies = Replies.load(args.from_replies)
        else:
            binary = args.binary or shutil.which(_DEFAULT_BINARY)
            if binary is None:
                print(f"probe: {_DEFAULT_BINARY} not found; pass --binary", file=sys.stderr)
                return 2
            replies = collect(binary, timeout=args.timeout)
        derived, text = set_text(replies, extends=args.extends or None)
    except (ProbeError, RepliesError) as exc:
        print(f"probe: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    ok = _emit(args.out / f"{derived.name}.toml", text, args.check)
    if args.from_replies is None:
        ok = _emit(args.out / replies_name(derived), replies.dumps(), args.check) and ok
    print(
        f"{derived.name}: {len(derived.flags)} flags, {len(derived.machines)} machines, "
        f"{len(derived.cpu_models)} CPU models"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
