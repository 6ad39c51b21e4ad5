"""The wrapped form of a command line (suite format, "Wrapped command lines").

A command line is kept on disk one environment assignment, program or
``-option value`` group per line, long lines folded at a comma, colon or
space. Goldens compare by their unwrapped line, so a golden that is wrapped
differently but says the same thing still matches.
"""

from __future__ import annotations

import re

__all__ = [
    "check_wrapped",
    "line_break_problem",
    "split_words",
    "unwrap",
    "wrap",
    "wrapped_lines",
]

MAX_LINE = 80
_JOIN = " \\\n"
_FOLD = "\\\n"
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def unwrap(text: str) -> str:
    """Join every backslash-newline pair and drop the final newline."""
    text = text.replace("\r\n", "\n").replace("\\\n", "")
    return text[:-1] if text.endswith("\n") else text


# A shell word: plain characters, backslash escapes, and quoted strings (an
# unterminated quote runs to the end of the line).
_WORD = re.compile(
    r"""(?:[^ \t'"\\]|\\.|\\$|'[^']*(?:'|$)|"(?:[^"\\]|\\.)*(?:"|$))+""", re.S
)


def split_words(line: str) -> list[str]:
    """Split a command line at the spaces a POSIX shell splits at.

    Words keep their quoting: this only finds the boundaries, so joining
    the words with single spaces gives back the line when it was written
    with single spaces.
    """
    return _WORD.findall(line)


def _groups(words: list[str]) -> list[str]:
    lines: list[str] = []
    i = 0
    # Environment assignments, then the program, each on its own line.
    while i < len(words) and _ASSIGNMENT.match(words[i]):
        lines.append(words[i])
        i += 1
    if i < len(words):
        lines.append(words[i])
        i += 1
    group: list[str] = []
    for word in words[i:]:
        if word.startswith("-") and group:
            lines.append(" ".join(group))
            group = []
        group.append(word)
    if group:
        lines.append(" ".join(group))
    return lines


def _fold(line: str) -> str:
    pieces: list[str] = []
    while len(line) > MAX_LINE:
        for sep in (",", ":", " "):
            cut = line.rfind(sep, 0, MAX_LINE + 1)
            if cut >= 0:
                cut += 1
                break
        else:
            cut = MAX_LINE
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return _FOLD.join(pieces)


def wrapped_lines(line: str) -> list[str]:
    """The logical lines of the wrapped form, before folding."""
    return _groups(split_words(line))


def wrap(line: str, *, fold: bool = True) -> str:
    """Wrap a one-line command line by the suite format's rule.

    The argument may already be wrapped; it is unwrapped first. An empty
    command line wraps to the empty string. ``fold=False`` leaves long lines
    whole, for suites that declare so (``[args] fold = false``).
    """
    # Extra final newlines are not part of the command line.
    line = unwrap(line).rstrip("\n")
    if not line.strip():
        return ""
    return _JOIN.join(_fold(g) if fold else g for g in wrapped_lines(line)) + "\n"


def line_break_problem(line: str) -> str | None:
    """Why an unwrapped command line is not one line, or None if it is."""
    if "\n" in line:
        return "holds a line break that is not a backslash-newline continuation"
    if "\r" in line:
        return "holds a carriage return"
    return None


def check_wrapped(text: str, *, fold: bool = True) -> str | None:
    """Why ``text`` is not a command line wrapped by the rule, or None if it is."""
    if text == "":
        return None  # an empty command line (libvirt ships some for rejected cases)
    if "\r\n" in text:
        return "has CRLF line endings (the format uses LF)"
    if not text.endswith("\n"):
        return "does not end with a newline"
    if text.endswith("\n\n"):
        return "ends with more than one newline"
    problem = line_break_problem(unwrap(text))
    if problem is not None:
        return problem
    if wrap(text, fold=fold) != text:
        return "not wrapped by the suite format's rule"
    return None
