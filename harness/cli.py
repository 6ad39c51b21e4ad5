"""The ``hvharness`` command: one function pair per subcommand, listed in SUBCOMMANDS.

A new subcommand is one ``Subcommand(...)`` line in SUBCOMMANDS, with a
function that declares its arguments and one that runs it and returns the
exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .compare import unified_diff
from .errors import SuiteError
from .goldens import atomic_write
from .html_report import render_html
from .regen import RegenMode
from .report import format_table, problem_count
from .report_compare import ReportError, compare_reports, format_comparison, load_report
from .run_cmd import run
from .suite_settings import settings_for_file
from .wrap import check_wrapped, wrap

__all__ = ["SUBCOMMANDS", "Subcommand", "build_parser", "main"]

# Plain text: argparse prints it as it is.
DESCRIPTION = """\
Tools for conformance suites of hypervisor drivers.

  hvharness wrap FILE...             print the wrapped form of each command line file
  hvharness wrap --check FILE...     exit 1, with a diff, if a file is not wrapped
  hvharness wrap --in-place FILE...  rewrap files where they are
  hvharness regen [--mode M] [--prune] [PYTEST ARGS...]
                                     rewrite goldens (see regen --help)
  hvharness run [PYTEST ARGS...]     the main job: the project's suites under its driver
  hvharness report PATH.json... [--cases] [--html OUT.html]
                                     the summary of conformance reports (and a page)
  hvharness report --compare OLD.json NEW.json [--html OUT.html]
                                     what regressed or was fixed; exit 1 on a regression
{plugins}
Run 'hvharness COMMAND --help' for the options of a command."""

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, list[str]], int]
    # Arguments it does not know go on to pytest instead of being refused.
    passes_rest: bool = False


def _error(message: str) -> None:
    print(f"hvharness: {message}", file=sys.stderr)


def _wrap_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="command line (.args) files to wrap (default: standard input)")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--check", action="store_true",
                     help="print nothing for wrapped files; exit 1 with a diff for the others")
    how.add_argument("--in-place", action="store_true",
                     help="rewrite the files that are not wrapped, in place")


def _wrap(args: argparse.Namespace, rest: list[str]) -> int:
    if not args.files:
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            _error(f"standard input: not UTF-8 text ({exc.reason} at byte {exc.start})")
            return EXIT_BAD_INPUT
        sys.stdout.write(wrap(text))
        return EXIT_OK
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            with open(path, encoding="utf-8", newline="") as f:
                text = f.read()
        except OSError as exc:
            _error(f"{name}: cannot read: {exc.strerror or exc}")
            status = EXIT_BAD_INPUT
            continue
        except UnicodeDecodeError as exc:
            # The other files are still worth checking.
            _error(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
            status = EXIT_BAD_INPUT
            continue
        fold = _suite_folds(path)
        wrapped = wrap(text, fold=fold)
        if args.check:
            problem = check_wrapped(text, fold=fold)
            if problem is not None:
                print(f"{name}: {problem}")
                print(unified_diff(text, wrapped, f"{name} (as is)", f"{name} (wrapped)"))
                status = max(status, EXIT_PROBLEMS)
        elif args.in_place:
            if wrapped != text:
                try:
                    atomic_write(path, wrapped)
                except OSError as exc:
                    _error(f"{name}: cannot write: {exc.strerror or exc}")
                    status = EXIT_BAD_INPUT
                    continue
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


def _regen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mode", choices=[m.value for m in RegenMode], default="failed",
                        help="which goldens to rewrite: of failing ok cases and missing ones "
                             "(failed, the default), every one (all), or only missing ones (new)")
    parser.add_argument("--prune", action="store_true",
                        help="also delete the files that no case references")


def _regen(args: argparse.Namespace, rest: list[str]) -> int:
    import pytest

    argv = [f"--regen={args.mode}", *(["--prune"] if args.prune else []), *rest]
    return int(pytest.main(argv))


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="PATH.json", nargs="*",
                        help="files written by pytest --conformance-report")
    parser.add_argument("--cases", action="store_true",
                        help="also list every case that did not pass, with the reason")
    parser.add_argument("--compare", nargs=2, metavar=("OLD.json", "NEW.json"),
                        help="list what regressed, was fixed, appeared or vanished between "
                             "two reports; exit 1 if anything regressed")
    parser.add_argument("--html", metavar="OUT.html",
                        help="also write one self-contained page (with several reports or "
                             "--compare: side by side, and the comparison of the first with "
                             "the last)")


def _report(args: argparse.Namespace, rest: list[str]) -> int:
    if args.compare and args.report:
        _error("report: give report files or --compare OLD NEW, not both")
        return EXIT_BAD_INPUT
    names: list[str] = list(args.compare or args.report)
    if not names:
        _error("report: no report given (PATH.json, or --compare OLD NEW)")
        return EXIT_BAD_INPUT
    try:
        reports = [(name, load_report(Path(name))) for name in names]
    except ReportError as exc:
        _error(str(exc))
        return EXIT_BAD_INPUT
    status = EXIT_OK
    if args.compare:
        (old_name, old), (new_name, new) = reports
        comparison = compare_reports(old, new)
        for line in format_comparison(comparison, old_name, new_name):
            print(line)
        # A CI job gates on this: anything that passed and no longer does.
        status = EXIT_PROBLEMS if comparison.regressed else EXIT_OK
    else:
        for name, data in reports:
            try:
                lines = format_table(data)
                problems = problem_count(data)
                failing = _failing_cases(data) if args.cases else []
            except (KeyError, TypeError, AttributeError) as exc:
                _error(f"{name}: not a conformance report (unexpected content near {exc})")
                return EXIT_BAD_INPUT
            if len(reports) > 1:
                print(f"== {name}")
            for line in lines + failing:
                print(line)
            # Like the pytest run that wrote it: non-zero when anything failed.
            if problems:
                status = EXIT_PROBLEMS
    if args.html:
        short = [Path(name).name for name, _ in reports]
        # Columns are named by file; by path only when two files share a name.
        labels = short if len(set(short)) == len(short) else [name for name, _ in reports]
        try:
            atomic_write(Path(args.html), render_html(list(zip(labels, (d for _, d in reports),
                                                               strict=True))))
        except OSError as exc:
            _error(f"{args.html}: cannot write the page: {exc.strerror or exc}")
            return EXIT_BAD_INPUT
        print(f"HTML report written to {args.html}")
    return status


def _failing_cases(data: dict[str, Any]) -> list[str]:
    lines = []
    for suite, entry in data["suites"].items():
        for mode, m in entry["modes"].items():
            for case in m.get("cases", []):
                if case["outcome"] != "passed":
                    lines.append(f"{suite}::{mode}/{case['case']}: {case['outcome']}: "
                                 f"{case.get('reason', '')}")
            lines += [f"{suite}::{mode}: unreferenced file {path}"
                      for path in m.get("orphans", ())]
            lines += [f"{suite}::{mode}: regeneration conflict on {c['golden']} ({c['cases']})"
                      for c in m.get("conflicts", ())]
    return lines


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("wrap", "wrap command lines (.args files) by the suite format's rule",
               _wrap_arguments, _wrap),
    Subcommand("regen", "run pytest with --regen (arguments it does not know go to pytest)",
               _regen_arguments, _regen, passes_rest=True),
    Subcommand("run", "the main job: run the project's suites (ini hvharness_suites) with its "
               "driver (arguments it does not know go to pytest)",
               lambda parser: None, lambda args, rest: run(rest), passes_rest=True),
    Subcommand("report", "print the summary of --conformance-report files (exit 1 if "
               "anything failed), compare two, or write them as an HTML page",
               _report_arguments, _report),
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The command's parser, and each subcommand's."""
    parser = argparse.ArgumentParser(prog="hvharness",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {}
    for command in SUBCOMMANDS:
        parsers[command.name] = sub.add_parser(command.name, help=command.help,
                                               description=command.help)
        command.arguments(parsers[command.name])
    _add_plugin_commands(sub)
    added = sorted(set(sub.choices) - set(parsers))
    parser.description = DESCRIPTION.format(
        plugins=f"  commands of installed packages: {', '.join(added)}\n" if added else "")
    return parser, parsers


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
    parser, _ = build_parser()
    args, rest = parser.parse_known_args(argv)
    handler = getattr(args, "handler", None)
    if handler is not None:
        # A command an installed package added (hvharness.commands).
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return int(handler(args))
    command = next(c for c in SUBCOMMANDS if c.name == args.command)
    if rest and not command.passes_rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    return command.run(args, rest)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
