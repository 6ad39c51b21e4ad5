"""The ``hvharness`` command: ``wrap``, ``regen`` and ``report``.

    hvharness wrap FILE...             print the wrapped form of each file
    hvharness wrap --check FILE...     exit 1, with a diff, if a file is not wrapped
    hvharness wrap --in-place FILE...  rewrap files where they are
    hvharness regen [--mode M] [--prune] [PYTEST ARGS...]
    hvharness report PATH.json... [--cases] [--html OUT.html]
    hvharness report --compare OLD.json NEW.json [--html OUT.html]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .compare import unified_diff
from .errors import SuiteError
from .goldens import atomic_write
from .html_report import render_html
from .regen import RegenMode
from .report import format_table
from .report_compare import ReportError, compare_reports, format_comparison, iter_cases, load_report
from .run_cmd import run
from .suite_settings import settings_for_file
from .wrap import check_wrapped, wrap

__all__ = ["main"]


def _wrap(args: argparse.Namespace) -> int:
    status = 0
    if not args.files:
        sys.stdout.write(wrap(sys.stdin.read()))
        return 0
    for name in args.files:
        path = Path(name)
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except OSError as exc:
            print(f"{name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
            status = 2
            continue
        fold = _suite_folds(path)
        wrapped = wrap(text, fold=fold)
        if args.check:
            problem = check_wrapped(text, fold=fold)
            if problem is not None:
                print(f"{name}: {problem}")
                print(unified_diff(text, wrapped, f"{name} (as is)", f"{name} (wrapped)"))
                status = max(status, 1)
        elif args.in_place:
            if wrapped != text:
                atomic_write(path, wrapped)
                print(f"rewrapped {name}")
        else:
            sys.stdout.write(wrapped)
    return status


def _suite_folds(path: Path) -> bool:
    # A suite may declare that its command lines are not folded (suite.toml).
    try:
        return settings_for_file(path).fold_args
    except SuiteError as exc:
        print(f"{exc}; folding long lines", file=sys.stderr)
        return True


def _regen(args: argparse.Namespace, rest: list[str]) -> int:
    import pytest

    argv = [f"--regen={args.mode}", *(["--prune"] if args.prune else []), *rest]
    return int(pytest.main(argv))


def _report(args: argparse.Namespace) -> int:
    if args.compare and args.report:
        print("hvharness report: give report files or --compare OLD NEW, not both",
              file=sys.stderr)
        return 2
    names: list[str] = list(args.compare or args.report)
    if not names:
        print("hvharness report: no report given (PATH.json, or --compare OLD NEW)",
              file=sys.stderr)
        return 2
    try:
        reports = [(name, load_report(Path(name))) for name in names]
    except ReportError as exc:
        print(exc, file=sys.stderr)
        return 2
    status = 0
    if args.compare:
        (old_name, old), (new_name, new) = reports
        comparison = compare_reports(old, new)
        for line in format_comparison(comparison, old_name, new_name):
            print(line)
        # A CI job gates on this: anything that passed and no longer does.
        status = 1 if comparison.regressed else 0
    else:
        for name, data in reports:
            if len(reports) > 1:
                print(f"== {name}")
            _print_summary(data, cases=args.cases)
    if args.html:
        try:
            short = [Path(name).name for name, _ in reports]
            # Columns are named by file; by path only when two files share a name.
            labels = short if len(set(short)) == len(short) else [name for name, _ in reports]
            atomic_write(Path(args.html), render_html(list(zip(labels, (d for _, d in reports),
                                                               strict=True))))
        except OSError as exc:
            print(f"{args.html}: cannot write the page: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print(f"HTML report written to {args.html}")
    return status


def _print_summary(data: dict[str, Any], *, cases: bool) -> None:
    for line in format_table(data):
        print(line)
    if cases:
        for suite, mode, case in iter_cases(data):
            if case["outcome"] != "passed":
                print(f"{suite}::{mode}/{case['case']}: {case['outcome']}: "
                      f"{case.get('reason', '')}")


COMMANDS_GROUP = "hvharness.commands"


def _add_plugin_commands(subparsers: Any) -> None:
    """Let installed packages add subcommands without the harness knowing them.

    An entry point of the ``hvharness.commands`` group names a callable that
    takes the subparsers object, adds its parser and sets ``handler`` (a
    function of the parsed arguments returning the exit status) as a default.
    """
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: e.name):
        try:
            entry.load()(subparsers)
        except Exception as exc:
            # A broken plugin must not take the built-in commands down with it.
            print(f"hvharness: cannot add command {entry.name!r} ({entry.value}): "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hvharness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("wrap", help="wrap command lines (.args files) by the suite format's rule")
    p.add_argument("files", nargs="*", help="files to wrap (default: standard input)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--check", action="store_true", help="exit 1 and show a diff if not wrapped")
    how.add_argument("--in-place", action="store_true", help="rewrap the files in place")

    p = sub.add_parser("regen", help="run the suites with --regen (other arguments go to pytest)")
    p.add_argument("--mode", choices=[m.value for m in RegenMode], default="failed")
    p.add_argument("--prune", action="store_true", help="also delete unreferenced files")

    sub.add_parser("run", help="the main job: run the project's suites (ini hvharness_suites) "
                   "with its driver; other arguments go to pytest")

    p = sub.add_parser("report", help="print the summary of --conformance-report files, "
                       "compare two, or write them as an HTML page")
    p.add_argument("report", metavar="PATH.json", nargs="*")
    p.add_argument("--cases", action="store_true", help="also list every case that did not pass")
    p.add_argument("--compare", nargs=2, metavar=("OLD.json", "NEW.json"),
                   help="list what regressed, was fixed, appeared or vanished; "
                        "exit 1 if anything regressed")
    p.add_argument("--html", metavar="OUT.html",
                   help="also write one self-contained page (with several reports or "
                        "--compare: side by side, and the comparison of the first with the last)")

    _add_plugin_commands(sub)

    args, rest = parser.parse_known_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return int(handler(args))
    if args.command == "regen":
        return _regen(args, rest)
    if args.command == "run":
        return run(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "wrap":
        return _wrap(args)
    return _report(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
