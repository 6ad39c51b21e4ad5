"""Comparing a driver's output with a golden, and showing the difference.

Command lines compare by their unwrapped line and are shown wrapped, so a
diff has one option per line however long the command line is. XML
compares as text, after blanking the lines a case says to ignore.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .wrap import unwrap, wrap

__all__ = ["Comparison", "blank_lines", "compare_argv", "compare_text", "unified_diff"]

# Past this many diff lines the rest is cut: the full output is on disk.
MAX_DIFF_LINES = 400


@dataclass(frozen=True)
class Comparison:
    """``expected`` and ``actual`` are in the form shown to the user.

    They are only filled in when the two differ: wrapping costs more than
    comparing, and a passing case shows nothing.
    """

    equal: bool
    expected: str = ""
    actual: str = ""


def compare_argv(golden: str, output: str) -> Comparison:
    expected_line, actual_line = unwrap(golden), unwrap(output)
    if expected_line == actual_line:
        return Comparison(True)
    return Comparison(False, wrap(expected_line), wrap(actual_line))


def blank_lines(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """Drop every line matching a pattern.

    The lines are removed rather than emptied, as libvirt's
    virtTestClearLineRegex does, so a matching line present on one side
    only (an optional ``<readonly/>``) does not make the documents differ.
    """
    if not patterns:
        return text
    return "".join(
        line
        for line in text.splitlines(keepends=True)
        if not any(p.search(line.rstrip("\n")) for p in patterns)
    )


def compare_text(
    expected: str, actual: str, blank: Sequence[re.Pattern[str]] = ()
) -> Comparison:
    actual = actual.replace("\r\n", "\n")
    expected, actual = blank_lines(expected, blank), blank_lines(actual, blank)
    return Comparison(expected == actual, expected, actual)


def unified_diff(expected: str, actual: str, expected_label: str, actual_label: str) -> str:
    lines = list(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            expected_label,
            actual_label,
        )
    )
    cut = len(lines) - MAX_DIFF_LINES
    if cut > 0:
        lines = [*lines[:MAX_DIFF_LINES], f"... {cut} more diff lines\n"]
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return text.rstrip("\n")
