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
from .compare import Comparison, compare_argv, compare_text, unified_diff
from .errors import SuiteError, display_path
from .files import read_text
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
from .wrap import unwrap, wrap

__all__ = [
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
    # The suite's suite.toml: whether regenerated .args goldens are folded.
    fold_args: bool = True


@dataclass(frozen=True)
class Regeneration:
    """What a regenerated golden would hold, and how it stands today."""

    path: Path
    output: str
    state: Literal["missing", "differs", "same"]
    identity: bool = False
    wrapped: bool = False
    folded: bool = True

    @cached_property
    def text(self) -> str:
        """The golden's new content: always wrapped for a command line."""
        if self.wrapped:
            return wrap(self.output, fold=self.folded)
        return self.output.replace("\r\n", "\n")


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


def prepare(case: Case, library: CapsLibrary) -> Prepared:
    if case.problems:
        raise case.error("; ".join(case.problems))
    try:
        caps = library.for_case(case.caps, case.flags, case.unflags, case.config, case.unconfig)
    except SuiteError as exc:
        raise SuiteError(exc.path, f"{exc.problem} (capability set of case {case.id!r})",
                         exc.line) from None
    assert case.input is not None
    try:
        text = read_text(case.input)
    except SuiteError as exc:
        raise case.error(f"input {display_path(case.input)}: {exc.problem}") from None
    if case.mode is Mode.ARGV2XML:
        text = unwrap(text)
    return Prepared(caps, text, load_settings(case.manifest.parent.parent.parent).fold_args)


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
        return _judge_rejection(case, exc)
    except Exception as exc:
        return _unexpected(exc, root)
    output = conversion.output
    if case.expect is not Expect.OK:
        wanted = _kind(_REJECTION[case.expect])
        shown = wrap(output) if case.mode is Mode.XML2ARGV else output
        summary = f"expected {case.expect} ({wanted}), but the conversion succeeded"
        return Result(Outcome.FAILED, summary, f"{summary}; it produced:\n{_shown(shown)}")
    return _judge_output(case, driver, prepared, conversion, root)


def _judge_rejection(case: Case, exc: Rejection) -> Result:
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
    if case.err is not None and case.err.exists():
        expected = read_text(case.err).rstrip("\n")
        if expected != text.rstrip("\n"):
            label = display_path(case.err)
            diff = unified_diff(expected + "\n", text.rstrip("\n") + "\n",
                                f"{label} (expected error)", "obtained error")
            return Result(Outcome.FAILED, f"error text differs from {label}",
                          f"{raised} as expected, but its text differs from {label}:\n{diff}",
                          obtained=((".err", text.rstrip("\n") + "\n"),))
    return Result(Outcome.PASSED, f"rejected as expected ({raised})")


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

    try:
        expected: str | None = read_text(expected_path)
    except SuiteError:
        expected = None
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
    regen = Regeneration(expected_path, output, state, identity=case.identity,
                         wrapped=case.mode is Mode.XML2ARGV, folded=prepared.fold_args)

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
