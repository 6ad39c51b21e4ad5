"""Differential conformance (``--against DRIVER``): a second driver stands in for the goldens.

Each case is run through the driver under test and the reference driver;
the reference's answer is the expectation. Outputs must be equal (command
lines compared unwrapped, XML as the goldens are, after the case's
``blank`` patterns), rejections must be of the same kind (their texts may
differ: two implementations word errors differently), and in argv2xml both
must warn or neither. Goldens are not read, so a suite of inputs alone can
be run this way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .check import Outcome, Prepared, Result, _convert, _unexpected
from .compare import Comparison, compare_argv, compare_text, unified_diff
from .protocol import CommandLineRefused, Conversion, DefinitionRejected, Driver, Mode, Rejection
from .suite import Case, Expect
from .wrap import wrap

__all__ = ["Answer", "ask", "differ", "driver_label"]

_SHOWN_LINES = 20


def _rejection_expect(exc: Rejection) -> Expect:
    if isinstance(exc, DefinitionRejected):
        return Expect.PARSE_ERROR
    if isinstance(exc, CommandLineRefused):
        return Expect.FAILURE
    return Expect.ERROR


@dataclass(frozen=True)
class Answer:
    """What one driver did with a case: converted, rejected, or failed (a bug)."""

    conversion: Conversion | None = None
    rejection: Rejection | None = None
    bug: Result | None = None

    @property
    def expect(self) -> Expect | None:
        """The expectation this answer would satisfy (None for a bug)."""
        if self.conversion is not None:
            return Expect.OK
        if self.rejection is not None:
            return _rejection_expect(self.rejection)
        return None

    def describe(self, mode: Mode) -> str:
        if self.conversion is not None:
            shown = wrap(self.conversion.output) if mode is Mode.XML2ARGV \
                else self.conversion.output
            lines = shown.splitlines()
            more = len(lines) - _SHOWN_LINES
            body = "\n".join("    " + line for line in lines[:_SHOWN_LINES])
            return "converted it:\n" + body + (f"\n    ... {more} more lines" if more > 0 else "")
        assert self.rejection is not None
        return (f"rejected it ({self.expect}, {type(self.rejection).__name__}): "
                f"{self.rejection}")


def driver_label(driver: Driver, spec: str) -> str:
    """``NAME (SPEC)``, or the spec alone when it already is the name."""
    return spec if driver.name == spec else f"{driver.name} ({spec})"


def ask(case: Case, driver: Driver, prepared: Prepared, root: Path | None) -> Answer:
    """Run one driver on the case's input (no status round trip, no goldens)."""
    try:
        conversion = _convert(case, driver, prepared.caps, prepared.text, status=False)
        if not isinstance(conversion, Conversion) or not isinstance(conversion.output, str):
            raise TypeError(f"the converter returned {conversion!r}, not a Conversion")
    except Rejection as exc:
        return Answer(rejection=exc)
    except Exception as exc:
        return Answer(bug=_unexpected(exc, root))
    return Answer(conversion=conversion)


def differ(case: Case, tested: tuple[Answer, str], reference: tuple[Answer, str]) -> Result:
    """Judge the tested driver's answer against the reference's.

    ``tested`` and ``reference`` pair each answer with its driver's label.
    """
    (mine, mine_label), (theirs, their_label) = tested, reference
    for answer, label in ((mine, mine_label), (theirs, their_label)):
        if answer.bug is not None:
            return Result(Outcome.ERROR, f"{label}: {answer.bug.summary}",
                          f"{label}: {answer.bug.details}", exception=answer.bug.exception)
    if mine.conversion is not None and theirs.conversion is not None:
        return _compare_outputs(case, mine.conversion, theirs.conversion, mine_label,
                                their_label)
    if mine.expect == theirs.expect:
        return Result(Outcome.PASSED, f"both rejected it ({mine.expect})")
    summary = f"{mine_label} and {their_label} disagree"
    if mine.conversion is not None:
        headline = f"{their_label} rejects it ({theirs.expect}), {mine_label} converts it"
    elif theirs.conversion is not None:
        headline = f"{their_label} converts it, {mine_label} rejects it ({mine.expect})"
    else:
        headline = (f"{their_label} rejects it as {theirs.expect}, "
                    f"{mine_label} as {mine.expect}")
    details = (f"{summary}: {headline}\n{their_label} {theirs.describe(case.mode)}\n"
               f"{mine_label} {mine.describe(case.mode)}")
    return Result(Outcome.FAILED, f"{summary}: {headline}".splitlines()[0], details)


def _compare_outputs(case: Case, mine: Conversion, theirs: Conversion, mine_label: str,
                     their_label: str) -> Result:
    comparison: Comparison
    if case.mode is Mode.XML2ARGV:
        comparison = compare_argv(theirs.output, mine.output)
    else:
        comparison = compare_text(theirs.output.replace("\r\n", "\n"), mine.output, case.blank)
    problems: list[str] = []
    if not comparison.equal:
        problems.append("outputs differ:\n" + unified_diff(
            comparison.expected, comparison.actual, their_label, mine_label))
    if case.mode is Mode.ARGV2XML and bool(mine.warnings) != bool(theirs.warnings):
        warned, quiet = (mine_label, their_label) if mine.warnings else (their_label, mine_label)
        first = (mine.warnings or theirs.warnings)[0]
        problems.append(f"{warned} warns ({first}), {quiet} does not")
    if not problems:
        return Result(Outcome.PASSED, "outputs agree")
    summary = f"{mine_label} and {their_label} disagree: " + "; ".join(
        p.splitlines()[0].rstrip(":") for p in problems)
    return Result(Outcome.FAILED, summary, f"{mine_label} and {their_label} disagree: "
                  + "\n\n".join(problems))
