"""Running one case against a driver and judging the result.

Nothing here knows about pytest: :func:`prepare` gathers what a case needs
(raising :class:`SuiteError` for a broken case), :func:`run_case` calls the
driver and returns a :class:`Result`.
"""

from __future__ import annotations

import enum
import sys
import traceback
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from .caps import CapsLibrary
from .compare import Comparison, compare_argv, compare_text, golden_text, unified_diff
from .errors import SuiteError, display_path
from .exec_driver import ExecDriverProblem
from .files import DEFAULT_MAX_BYTES, MissingFile, read_golden, read_text
from .protocol import (
    Capabilities,
    CommandLineRefused,
    Conversion,
    DefinitionRejected,
    Driver,
    Mode,
    Rejection,
)
from .suite import Case, Expect
from .suite_settings import load_settings
from .wrap import line_break_problem, unwrap, wrap

__all__ = [
    "GoldenForm",
    "Outcome",
    "Prepared",
    "Regeneration",
    "Result",
    "driver_root",
    "prepare",
    "run_case",
]

_REJECTION: dict[Expect, type[Rejection]] = {
    Expect.PARSE_ERROR: DefinitionRejected,
    Expect.FAILURE: CommandLineRefused,
    Expect.ERROR: Rejection,
}
_SHOWN_LINES = 40


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Prepared:
    caps: Capabilities
    text: str
    # The largest input or golden file read for the case (hvharness_max_input_bytes).
    read_limit: int = DEFAULT_MAX_BYTES
    # The suite's suite.toml: whether regenerated .args goldens are folded.
    fold_args: bool = True


class GoldenForm(enum.StrEnum):
    """How a golden's text follows from what it holds."""

    ARGS = "args"  # a command line, written wrapped
    XML = "xml"  # a document, written as produced (CRLF as LF)
    ERR = "err"  # an error text, written with one final newline


@dataclass(frozen=True)
class Regeneration:
    """What a regenerated golden would hold, and how it stands today."""

    path: Path
    output: str
    state: Literal["missing", "differs", "same"]
    identity: bool = False
    form: GoldenForm = GoldenForm.XML
    # The suite's root: a golden is only ever written inside it.
    root: Path | None = None
    folded: bool = True

    @cached_property
    def text(self) -> str:
        """The golden's new content, exactly the form it is compared in."""
        if self.form is GoldenForm.ARGS:
            return wrap(self.output, fold=self.folded)
        if self.form is GoldenForm.ERR:
            return self.output.rstrip("\n") + "\n"
        return golden_text(self.output)

    @property
    def canonical(self) -> bool:
        """Whether a golden that compares equal has only one right form.

        A command line or an error text does; an XML golden that compares
        equal may still differ in lines its case blanks, so it is kept.
        """
        return self.form is not GoldenForm.XML


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    summary: str
    details: str = ""
    regen: Regeneration | None = None
    obtained: tuple[tuple[str, str], ...] = ()
    exception: BaseException | None = None
    # True when the golden comparison was the only problem: regenerating fixes it.
    fixable: bool = False


def prepare(case: Case, library: CapsLibrary, read_limit: int = DEFAULT_MAX_BYTES) -> Prepared:
    if case.problems:
        raise case.error("; ".join(case.problems))
    try:
        caps = library.for_case(case.caps, case.flags, case.unflags, case.config, case.unconfig)
    except SuiteError as exc:
        raise SuiteError(exc.path, f"{exc.problem} (capability set of case {case.id!r})",
                         exc.line) from None
    assert case.input is not None
    try:
        text = read_text(case.input, case.suite_root, read_limit)
    except SuiteError as exc:
        raise case.error(f"input {display_path(case.input)}: {exc.problem}") from None
    if case.mode is Mode.ARGV2XML:
        text = unwrap(text)
    return Prepared(caps, text, read_limit,
                    load_settings(case.manifest.parent.parent.parent).fold_args)


def driver_root(driver: object) -> Path | None:
    """The directory of the driver's top-level package, to find its frames."""
    module = sys.modules.get(type(driver).__module__.partition(".")[0])
    file = getattr(module, "__file__", None)
    if module is None or not file:
        return None
    return Path(file).parent


def _convert(case: Case, driver: Driver, caps: Capabilities, text: str, status: bool) -> object:
    if case.mode is Mode.XML2ARGV:
        return driver.xml_to_argv(text, caps, migrate_from=case.migrate_from,
                                  migrate_fd=case.migrate_fd)
    if case.mode is Mode.XML2XML:
        if status:
            return driver.xml_to_xml(text, caps, active=True, status=True)
        return driver.xml_to_xml(text, caps, active=case.active)
    return driver.argv_to_xml(text, caps)


def _unexpected(exc: BaseException, root: Path | None) -> Result:
    if isinstance(exc, ExecDriverProblem):
        return Result(Outcome.ERROR, str(exc).splitlines()[0], str(exc), exception=exc)
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if root is not None and Path(f.filename).is_relative_to(root)]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    at = ""
    if where is not None:
        at = f" (at {display_path(Path(where.filename))}:{where.lineno} in {where.name})"
    summary = f"driver raised an unexpected exception: {type(exc).__name__}: {exc}"
    return Result(Outcome.ERROR, summary.splitlines()[0] + at, summary + at, exception=exc)


def _shown(text: str) -> str:
    lines = text.splitlines()
    more = len(lines) - _SHOWN_LINES
    body = "\n".join("    " + line for line in lines[:_SHOWN_LINES])
    return body + (f"\n    ... {more} more lines" if more > 0 else "")


def _kind(exc_type: type[Rejection]) -> str:
    return exc_type.__name__


def run_case(case: Case, driver: Driver, prepared: Prepared, root: Path | None = None) -> Result:
    """Convert the case's input and judge the outcome against its expectation."""
    try:
        conversion = _convert(case, driver, prepared.caps, prepared.text, status=False)
        if not isinstance(conversion, Conversion) or not isinstance(conversion.output, str):
            raise TypeError(f"the converter returned {conversion!r}, not a Conversion")
    except Rejection as exc:
        return _judge_rejection(case, exc, prepared.read_limit)
    except Exception as exc:
        return _unexpected(exc, root)
    output = conversion.output
    if case.expect is not Expect.OK:
        wanted = _kind(_REJECTION[case.expect])
        shown = wrap(output) if case.mode is Mode.XML2ARGV else output
        summary = f"expected {case.expect} ({wanted}), but the conversion succeeded"
        return Result(Outcome.FAILED, summary, f"{summary}; it produced:\n{_shown(shown)}")
    return _judge_output(case, driver, prepared, conversion, root)


def _read_golden(case: Case, path: Path, limit: int) -> str | None:
    """The golden's text, or None when there is none; a golden that exists
    but cannot be used is an error of the case, never taken as missing."""
    try:
        return read_golden(path, case.suite_root, limit)
    except MissingFile:
        return None


def _golden_error(exc: SuiteError) -> Result:
    summary = f"golden {display_path(exc.path)}: {exc.problem}"
    return Result(Outcome.ERROR, summary, summary + " (it is left as it is)")


def _judge_rejection(case: Case, exc: Rejection, read_limit: int = DEFAULT_MAX_BYTES) -> Result:
    text = str(exc)
    raised = type(exc).__name__
    if case.expect is Expect.OK:
        summary = f"expected success, but the driver raised {raised}: {text}"
        return Result(Outcome.FAILED, summary.splitlines()[0], summary)
    wanted = _REJECTION[case.expect]
    if not isinstance(exc, wanted):
        summary = (f"expected {case.expect} ({_kind(wanted)}), "
                   f"but the driver raised {raised}: {text}")
        return Result(Outcome.FAILED, summary.splitlines()[0], summary)
    passed = f"rejected as expected ({raised})"
    if case.err is None:
        return Result(Outcome.PASSED, passed)
    try:
        golden = _read_golden(case, case.err, read_limit)
    except SuiteError as error:
        return _golden_error(error)
    if golden is None:
        # A suite chooses which rejections carry an error golden: none is made.
        return Result(Outcome.PASSED, passed)
    expected = golden_text(golden).rstrip("\n")
    if expected == text.rstrip("\n"):
        regen = Regeneration(case.err, text, "same", form=GoldenForm.ERR, root=case.suite_root)
        return Result(Outcome.PASSED, passed, regen=regen)
    regen = Regeneration(case.err, text, "differs", form=GoldenForm.ERR, root=case.suite_root)
    label = display_path(case.err)
    diff = unified_diff(expected + "\n", regen.text, f"{label} (expected error)",
                        "obtained error")
    return Result(Outcome.FAILED, f"error text differs from {label}",
                  f"{raised} as expected, but its text differs from {label}:\n{diff}",
                  regen=regen, obtained=((".err", regen.text),), fixable=True)


def _compare(case: Case, expected: str, output: str) -> Comparison:
    if case.mode is Mode.XML2ARGV:
        return compare_argv(expected, output)
    return compare_text(expected, output, case.blank)


def _judge_output(
    case: Case, driver: Driver, prepared: Prepared, conversion: Conversion, root: Path | None
) -> Result:
    expected_path = case.expected
    assert expected_path is not None
    suffix = expected_path.suffix
    output = conversion.output
    obtained: list[tuple[str, str]] = []
    problems: list[str] = []
    summaries: list[str] = []
    label = display_path(expected_path)
    golden_problems = 0

    if case.mode is Mode.XML2ARGV:
        problem = line_break_problem(unwrap(output))
        if problem is not None:
            # Never a golden: the wrapped form of such a line is not a command line.
            summary = f"the driver's command line {problem}"
            return Result(Outcome.FAILED, summary,
                          f"{summary}; a command line is one line:\n{_shown(repr(output))}")
    try:
        expected = _read_golden(case, expected_path, prepared.read_limit)
    except SuiteError as error:
        return _golden_error(error)
    if expected is not None:
        comparison = _compare(case, expected, output)
        if comparison.equal:
            state: Literal["missing", "differs", "same"] = "same"
        else:
            state = "differs"
            what = "input (identity round trip)" if case.identity else "golden"
            summaries.append(f"output differs from the {what} {label}")
            problems.append(
                f"output differs from the {what} {label}:\n"
                + unified_diff(comparison.expected, comparison.actual,
                               f"{label} (expected)", "obtained")
            )
            golden_problems = 1
    else:
        state = "missing"
        summaries.append(f"golden file {label} is missing")
        problems.append(f"golden file {label} is missing (--regen=new creates it)")
        golden_problems = 1
    form = GoldenForm.ARGS if case.mode is Mode.XML2ARGV else GoldenForm.XML
    regen = Regeneration(expected_path, output, state, identity=case.identity, form=form,
                         root=case.suite_root, folded=prepared.fold_args)

    if case.mode is Mode.ARGV2XML:
        if case.expect_warning and not conversion.warnings:
            summaries.append("expected a warning, but the driver reported none")
            problems.append(summaries[-1])
        elif not case.expect_warning and conversion.warnings:
            listed = "\n".join(f"    {w}" for w in conversion.warnings)
            summaries.append(f"unexpected warning: {conversion.warnings[0]}")
            problems.append(f"the driver reported warnings, and the case expects none:\n{listed}")

    if case.status is not None and expected is not None:
        status_in = case.status.apply(prepared.text)
        try:
            status_conv = _convert(case, driver, prepared.caps, status_in, status=True)
            if not isinstance(status_conv, Conversion):
                raise TypeError(f"the converter returned {status_conv!r}, not a Conversion")
        except Rejection as exc:
            summaries.append(f"status round trip: the driver raised {type(exc).__name__}: {exc}")
            problems.append(summaries[-1])
        except Exception as exc:
            bad = _unexpected(exc, root)
            return Result(Outcome.ERROR, "status round trip: " + bad.summary,
                          "status round trip (status_xml): " + bad.details,
                          regen=regen, obtained=((suffix, regen.text),), exception=exc)
        else:
            status_expected = case.status.apply(expected)
            status_cmp = compare_text(status_expected, status_conv.output)
            obtained.append((".status" + suffix, status_conv.output))
            if not status_cmp.equal:
                summaries.append("status round trip (status_xml) differs")
                problems.append(
                    "status round trip (status_xml) differs from the wrapped "
                    f"{'input' if case.identity else 'golden'} {label}:\n"
                    + unified_diff(status_cmp.expected, status_cmp.actual,
                                   f"{label} in [status_xml] (expected)", "obtained status")
                )

    if not problems:
        return Result(Outcome.PASSED, "output matches", regen=regen)
    return Result(Outcome.FAILED, "; ".join(s.splitlines()[0] for s in summaries),
                  "\n\n".join(problems), regen=regen, obtained=((suffix, regen.text), *obtained),
                  fixable=golden_problems == len(problems))
