"""Running one case against a driver and judging the result.

Nothing here knows about pytest: :func:`prepare` gathers what a case needs
(raising :class:`SuiteError` for a broken case), :func:`run_case` calls the
driver and returns a :class:`Result`.
"""

from __future__ import annotations

import enum
import reprlib
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

from .caps import CapsLibrary
from .compare import Comparison, compare_argv, compare_text, golden_text, unified_diff
from .drivers import CONVERTERS
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
from .timeout import CaseTimedOut, deadline
from .wrap import line_break_problem, unwrap, wrap

__all__ = [
    "DriverFault",
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
# Longest line of a message shown or reported: a driver's 5 MB error text
# would otherwise flood the terminal and the conformance report.
_LINE_LIMIT = 4096
# What a driver may raise without being caught: the user's Ctrl-C, and the
# harness's own time limit.
_PASS_THROUGH = (KeyboardInterrupt, CaseTimedOut)


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


def prepare(case: Case, library: CapsLibrary, read_limit: int = DEFAULT_MAX_BYTES,
            fold_args: bool = True) -> Prepared:
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
    return Prepared(caps, text, read_limit, fold_args)


def driver_root(driver: object) -> Path | None:
    """The directory of the driver's top-level package, to find its frames."""
    module = sys.modules.get(type(driver).__module__.partition(".")[0])
    file = getattr(module, "__file__", None)
    if module is None or not file:
        return None
    return Path(file).parent


class DriverFault(Exception):
    """The driver broke the protocol, or raised what ``except Exception`` misses.

    ``cause`` is what the driver raised (its frames locate the fault), or
    ``None`` for a bad return value.
    """

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause


def _convert(case: Case, driver: Driver, caps: Capabilities, text: str, status: bool) -> Conversion:
    """Call the driver's converter for the case; what it returns is checked.

    Raises the driver's :class:`Rejection`, its ``Exception``, or a
    :class:`DriverFault`; only ``KeyboardInterrupt`` and the case's timeout
    pass through untouched.
    """
    try:
        if case.mode is Mode.XML2ARGV:
            result: object = driver.xml_to_argv(text, caps, migrate_from=case.migrate_from,
                                                migrate_fd=case.migrate_fd)
        elif case.mode is Mode.XML2XML:
            if status:
                result = driver.xml_to_xml(text, caps, active=True, status=True)
            else:
                result = driver.xml_to_xml(text, caps, active=case.active)
        else:
            result = driver.argv_to_xml(text, caps)
    except Rejection as exc:
        _check_rejection(exc)
        raise
    except _PASS_THROUGH:
        raise
    except Exception as exc:
        if isinstance(exc, TypeError) and exc.__traceback__ is not None \
                and exc.__traceback__.tb_next is None:
            # Raised by the call itself, not inside the driver: a signature
            # that does not take what the protocol passes.
            raise _fault(driver, case.mode,
                         f"cannot be called as the protocol says: {_describe(exc)}") from exc
        raise
    except BaseException as exc:
        # SystemExit, GeneratorExit, ...: one failed case, not the end of the run.
        raise DriverFault(f"driver raised an unexpected exception: {_describe(exc)}",
                          exc) from exc
    return _checked(result, driver, case.mode)


def _check_rejection(exc: Rejection) -> None:
    """A rejection's text is compared and saved: it must be printable text."""
    try:
        text = str(exc)
    except _PASS_THROUGH:
        raise
    except BaseException:
        raise DriverFault(f"driver raised an unexpected exception: {_describe(exc)}",
                          exc) from exc
    problem = _unencodable(text)
    if problem:
        raise DriverFault(f"driver raised {type(exc).__name__} with a message that {problem}",
                          exc) from exc


def _fault(driver: Driver, mode: Mode, problem: str) -> DriverFault:
    """A fault at the boundary, where no frame of the driver's shows: name it and the method."""
    return DriverFault(f"driver {_safe(lambda: driver.name)} "
                       f"({type(driver).__module__}.{type(driver).__qualname__}): "
                       f"{CONVERTERS[mode]}() {problem}")


def _checked(result: object, driver: Driver, mode: Mode) -> Conversion:
    def fault(problem: str) -> DriverFault:
        return _fault(driver, mode, problem)

    if not isinstance(result, Conversion):
        raise fault(f"returned {_safe(lambda: _short.repr(result))}, not a Conversion")
    output: object = result.output
    if not isinstance(output, str):
        raise fault(f"returned a Conversion whose output is {type(output).__name__}, not str")
    problem = _unencodable(output)
    if problem:
        raise fault(f"returned output that {problem}")
    warnings: object = result.warnings
    if not isinstance(warnings, Sequence) or isinstance(warnings, str | bytes | bytearray):
        raise fault(f"returned warnings {_safe(lambda: _short.repr(warnings))}, "
                    "not a sequence of strings")
    for index, warning in enumerate(warnings):
        if not isinstance(warning, str):
            raise fault(f"returned warning {index} as {type(warning).__name__}, not str")
        problem = _unencodable(warning)
        if problem:
            raise fault(f"returned warning {index}, which {problem}")
    return result


def _unencodable(text: str) -> str:
    """Why ``text`` cannot be written as UTF-8 (a lone surrogate), or ``""``."""
    if text.isascii():
        return ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"cannot be encoded as UTF-8 (lone surrogate {text[exc.start]!r} "
                f"at character {exc.start} of {len(text)})")
    return ""


_short = reprlib.Repr()
_short.maxstring = _short.maxother = 200


def _safe(show: Callable[[], object]) -> str:
    """``str(show())``, or why it could not be computed: driver objects may misbehave."""
    try:
        return str(show())
    except _PASS_THROUGH:
        raise
    except BaseException as exc:
        return f"<{type(exc).__name__} while describing it>"


def _describe(exc: BaseException) -> str:
    """``Type: message`` of a driver's exception, even when its ``str()`` fails."""
    name = type(exc).__name__
    try:
        text = str(exc)
    except _PASS_THROUGH:
        raise
    except BaseException as err:
        return f"{name}: <str() raised {type(err).__name__}>"
    return f"{name}: {text}" if text else name


def _printable(text: str, limit: int = _LINE_LIMIT) -> str:
    """``text`` with every line cut to ``limit`` characters and lone surrogates escaped."""
    if len(text) > limit and any(len(line) > limit for line in text.split("\n")):
        text = "\n".join(
            line if len(line) <= limit else f"{line[:limit]}... {len(line) - limit} more characters"
            for line in text.split("\n"))
    if _unencodable(text):
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _unexpected(exc: BaseException, root: Path | None) -> Result:
    if isinstance(exc, ExecDriverProblem):
        # The message names the driver command and the tail of its stderr.
        message, located = str(exc), None
    elif isinstance(exc, DriverFault):
        message, located = exc.message, exc.cause
    elif isinstance(exc, CaseTimedOut):
        message, located = f"driver timed out: {exc} (hvharness_timeout)", exc
    else:
        message, located = f"driver raised an unexpected exception: {_describe(exc)}", exc
    frames = traceback.extract_tb(located.__traceback__) if located is not None else []
    ours = [f for f in frames if root is not None and Path(f.filename).is_relative_to(root)]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    at = ""
    if where is not None:
        at = f" (at {display_path(Path(where.filename))}:{where.lineno} in {where.name})"
    # Room for the location, so that the final bound does not cut it off.
    shown = _printable(message, _LINE_LIMIT - len(at) - 40)
    return Result(Outcome.ERROR, shown.splitlines()[0] + at, shown + at, exception=exc)


def _shown(text: str) -> str:
    lines = text.splitlines()
    more = len(lines) - _SHOWN_LINES
    body = "\n".join("    " + line for line in lines[:_SHOWN_LINES])
    return body + (f"\n    ... {more} more lines" if more > 0 else "")


def _kind(exc_type: type[Rejection]) -> str:
    return exc_type.__name__


def run_case(
    case: Case, driver: Driver, prepared: Prepared, root: Path | None = None,
    timeout: float = 0.0,
) -> Result:
    """Convert the case's input and judge the outcome against its expectation.

    A driver that takes longer than ``timeout`` seconds (0: no limit) fails
    the case; so does one that raises or returns what the protocol does not
    allow. ``KeyboardInterrupt`` still stops the run.
    """
    try:
        with deadline(timeout):
            result = _run(case, driver, prepared, root)
    except CaseTimedOut as exc:
        result = _unexpected(exc, root)
    return _bounded(result)


def _run(case: Case, driver: Driver, prepared: Prepared, root: Path | None) -> Result:
    try:
        conversion = _convert(case, driver, prepared.caps, prepared.text, status=False)
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


def _bounded(result: Result) -> Result:
    """The result with no line of its messages longer than the terminal can bear."""
    summary, details = _printable(result.summary), _printable(result.details)
    if summary is result.summary and details is result.details:
        return result
    return replace(result, summary=summary, details=details)


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
            label = display_path(expected_path)
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
        label = display_path(expected_path)
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
                label = display_path(expected_path)
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
