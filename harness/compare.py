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

__all__ = [
    "Comparison",
    "blank_lines",
    "compare_argv",
    "compare_text",
    "golden_text",
    "unified_diff",
]

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


def golden_text(text: str) -> str:
    """The form an XML golden or output is compared in, and a golden written in.

    Only CRLF pairs become LF (a checkout may convert line endings); a bare
    carriage return is content. Comparison and regeneration both use this
    one form, so a regenerated golden always matches the output it was
    written from.
    """
    return text.replace("\r\n", "\n") if "\r" in text else text


# Before each option, keeping every space where it was.
_OPTION_START = re.compile(r"(?<=\s)(?=-)")


def compare_argv(golden: str, output: str) -> Comparison:
    expected_line, actual_line = unwrap(golden), unwrap(output)
    if expected_line == actual_line:
        return Comparison(True)
    expected, actual = wrap(expected_line), wrap(actual_line)
    if expected == actual:
        # Wrapping normalises spacing; show the lines as they are instead.
        expected = "\n".join(_OPTION_START.split(expected_line)) + "\n"
        actual = "\n".join(_OPTION_START.split(actual_line)) + "\n"
    return Comparison(False, expected, actual)


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
    expected, actual = golden_text(expected), golden_text(actual)
    expected, actual = blank_lines(expected, blank), blank_lines(actual, blank)
    return Comparison(expected == actual, expected, actual)


def _lines(text: str) -> list[str]:
    # Only "\n" ends a line: a carriage return is content, shown as such.
    return re.findall(r"[^\n]*\n|[^\n]+", text)


def _invisible_key(line: str) -> str:
    return "".join(c for c in line if c.isprintable() and not c.isspace())


_SHOWN_AS = {" ": "\u00b7", "\t": "\u2192", "\r": "\u240d"}
LEGEND = ("(invisible characters marked: \u00b7 space, \u2192 tab, \u240d carriage return, "
          "<U+XXXX> others)")


def _visible(line: str, blanks: bool) -> str:
    """``line`` with its control characters shown, and its blanks too if asked."""
    out = []
    for c in line:
        if c in " \t" and not blanks:
            out.append(c)
        elif c in _SHOWN_AS:
            out.append(_SHOWN_AS[c])
        elif c.isprintable() and not c.isspace():
            out.append(c)
        else:
            out.append(f"<U+{ord(c):04X}>")
    return "".join(out)


def _mark_invisible(lines: list[str]) -> bool:
    """Make every diff line's invisible differences visible.

    Control characters are always shown (a raw carriage return would hide
    the start of its line); spaces and tabs are shown on the removed and
    added lines that differ from each other only in invisible characters.
    Returns whether any line was changed.
    """
    marked = False
    i = 2  # past the two header lines
    while i < len(lines):
        end = i + 1
        if lines[i][:1] in ("-", "+"):
            while end < len(lines) and lines[end][:1] in ("-", "+"):
                end += 1
        block = range(i, end)
        removed = {_invisible_key(lines[j][1:]) for j in block if lines[j][0] == "-"}
        added = {_invisible_key(lines[j][1:]) for j in block if lines[j][0] == "+"}
        for j in block:
            sign, body = lines[j][:1], lines[j][1:]
            if sign not in ("-", "+", " "):
                continue
            content = body[:-1] if body.endswith("\n") else body
            blanks = _invisible_key(content) in {"-": added, "+": removed}.get(sign, set())
            shown = _visible(content, blanks)
            if shown != content:
                lines[j] = sign + shown + body[len(content):]
                marked = True
        i = end
    return marked


def unified_diff(expected: str, actual: str, expected_label: str, actual_label: str) -> str:
    lines = list(
        difflib.unified_diff(_lines(expected), _lines(actual), expected_label, actual_label)
    )
    legend = _mark_invisible(lines)
    cut = len(lines) - MAX_DIFF_LINES
    if cut > 0:
        lines = [*lines[:MAX_DIFF_LINES], f"... {cut} more diff lines\n"]
    if legend:
        lines.append(LEGEND + "\n")
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return text.rstrip("\n")
