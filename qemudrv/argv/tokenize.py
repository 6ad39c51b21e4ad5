"""Splitting a shell-quoted command line into environment, program, args.

The input is what the command line builder prints: ``NAME=value`` assignments,
then the emulator, then its arguments, on one line, quoted for a POSIX shell.
Quoting follows the shell (single quotes, double quotes, backslash escapes),
which covers everything virCommandToString writes; libvirt's own splitter
understood only quotes around a whole word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ArgvError
from ..limits import COMMAND_LINE_MAX, WORD_MAX

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# Characters a backslash escapes inside double quotes (POSIX).
_DQUOTE_ESCAPABLE = '$`"\\\n'


@dataclass
class CommandLine:
    env: list[tuple[str, str]] = field(default_factory=list)
    program: str = ""
    args: list[str] = field(default_factory=list)

    def getenv(self, name: str) -> str | None:
        """The last assignment of ``name`` (as a shell would see it)."""
        value = None
        for key, val in self.env:
            if key == name:
                value = val
        return value


def split_words(text: str) -> list[str]:
    """Shell word splitting with quote removal; no expansions."""
    words: list[str] = []
    cur: list[str] = []
    in_word = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n":
            if in_word:
                words.append("".join(cur))
                cur, in_word = [], False
            i += 1
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ArgvError(f"unterminated single quote at offset {i} in command line")
            cur.append(text[i + 1:end])
            in_word = True
            i = end + 1
        elif c == '"':
            i += 1
            while True:
                if i >= n:
                    raise ArgvError("unterminated double quote in command line")
                c = text[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and text[i + 1] in _DQUOTE_ESCAPABLE:
                    if text[i + 1] != "\n":  # backslash-newline continues the line
                        cur.append(text[i + 1])
                    i += 2
                    continue
                cur.append(c)
                i += 1
            in_word = True
        elif c == "\\":
            if i + 1 >= n:
                raise ArgvError("command line ends with a lone backslash")
            if text[i + 1] != "\n":
                cur.append(text[i + 1])
                in_word = True
            i += 2
        else:
            cur.append(c)
            in_word = True
            i += 1
    if in_word:
        words.append("".join(cur))
    return words


def split_command_line(text: str) -> CommandLine:
    """Leading ``NAME=value`` words are the environment, the next word is
    the program and the rest are its arguments."""
    if len(text) > COMMAND_LINE_MAX:
        raise ArgvError(f"command line longer than {COMMAND_LINE_MAX} characters "
                        "(the kernel's ARG_MAX)")
    words = split_words(text)
    for word in words:
        if len(word) > WORD_MAX:
            raise ArgvError(f"command line word '{word[:40]}...' is longer than {WORD_MAX} "
                            "characters (the kernel's MAX_ARG_STRLEN)")
    cmd = CommandLine()
    i = 0
    while i < len(words) and _ENV_NAME.match(words[i]):
        name, _, value = words[i].partition("=")
        # Old libvirt wrote CEPH_ARGS=-m HOSTS unquoted: keep the host list.
        if name == "CEPH_ARGS" and value == "-m" and i + 1 < len(words):
            i += 1
            value = f"-m {words[i]}"
        cmd.env.append((name, value))
        i += 1
    if i >= len(words):
        raise ArgvError("no emulator path found in the command line")
    cmd.program = words[i]
    cmd.args = words[i + 1:]
    return cmd
