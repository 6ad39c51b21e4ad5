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

from .cache_caps import CapsFileError, cache_set_text
from .importer import LibvirtImportError, import_libvirt

__all__ = ["main", "register", "register_caps", "run", "run_caps"]

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


_CAPS_HELP = "write libvirt's capability cache file of an emulator as a capability set"
_CAPS_DESCRIPTION = """\
Convert CACHE, a file of libvirt's QEMU capability cache
(/var/cache/libvirt/qemu/capabilities/*.xml, or ROOT/cache/qemu/capabilities/
of an embedded driver, qemu:///embed?root=ROOT), into the capability set
DEST (caps/NAME.toml): libvirt's flags, machine types and CPU models for
that emulator, and [libvirt] version from the libvirt that wrote it."""


def register_caps(subparsers: Any) -> None:
    """Add the ``import-libvirt-caps`` subcommand to ``hvharness``'s subparsers."""
    parser = subparsers.add_parser("import-libvirt-caps", help=_CAPS_HELP,
                                   description=_CAPS_DESCRIPTION)
    parser.add_argument("cache", metavar="CACHE", type=Path, help="libvirt capability cache file")
    parser.add_argument("dest", metavar="DEST", type=Path, help="capability set file to write")
    parser.add_argument("--extends", metavar="SET",
                        help="the set the new one extends (host, configuration, environment)")
    parser.set_defaults(handler=run_caps)


def run_caps(args: argparse.Namespace) -> int:
    try:
        text = cache_set_text(args.cache, args.extends)
    except CapsFileError as exc:
        print(f"hvharness import-libvirt-caps: error: {exc}", file=sys.stderr)
        return 2
    tmp = args.dest.with_name(f".{args.dest.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, args.dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        print(f"hvharness import-libvirt-caps: error: {args.dest}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    print(f"capability set written to {args.dest}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hvharness_libvirt", description=_DESCRIPTION)
    _arguments(parser)
    return run(parser.parse_args(argv))
