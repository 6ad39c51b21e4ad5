"""``hvharness import-libvirt SOURCE DEST``: the command-line entry.

Registered with the ``hvharness`` command through the ``hvharness.commands``
entry-point group; ``python -m hvharness_libvirt SOURCE DEST`` runs it alone.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .importer import LibvirtImportError, import_libvirt

__all__ = ["main", "register", "run"]

_HELP = "write a libvirt source tree's QEMU test data as a suite"
_DESCRIPTION = """\
Read tests/qemuxml2argvtest.c, tests/qemuxml2xmltest.c and their data from
the libvirt source tree SOURCE (for Debian's libvirt 9.0.0: apt-get source
libvirt) and write them to DEST as a conformance suite. DEST is replaced if
an earlier import wrote it, and never otherwise."""


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", type=Path, help="libvirt source tree")
    parser.add_argument("dest", metavar="DEST", type=Path, help="suite directory to write")


def register(subparsers: Any) -> None:
    """Add the ``import-libvirt`` subcommand to ``hvharness``'s subparsers."""
    parser = subparsers.add_parser("import-libvirt", help=_HELP, description=_DESCRIPTION)
    _arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = import_libvirt(args.source, args.dest)
    except LibvirtImportError as exc:
        print(f"hvharness import-libvirt: error: {exc}", file=sys.stderr)
        return 2
    try:
        for line in result.lines():
            print(line)
        print(f"suite written to {args.dest}", flush=True)
    except BrokenPipeError:
        # The reader went away (| head): the suite is written all the same.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hvharness_libvirt", description=_DESCRIPTION)
    _arguments(parser)
    return run(parser.parse_args(argv))
