"""Just enough of C to read libvirt's test programs.

The test programs are flat lists of macro calls (``DO_TEST_CAPS_LATEST(...)``)
with a few statements between them that change the driver's state. This
module tokenizes a file, collects its ``#define``s, expands the test macros
down to the primitive one (``DO_TEST_FULL``) and splits the body of
``mymain`` into statements, each with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CSourceError",
    "Macro",
    "Statement",
    "Token",
    "conditional_lines",
    "expand",
    "function_body",
    "parse_defines",
    "split_args",
    "split_statements",
    "string_value",
    "tokenize",
]


class CSourceError(Exception):
    """The source cannot be read as the importer expects; names file and line."""

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class Token:
    kind: str  # ident | number | string | char | punct
    text: str
    line: int


_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+|\\\n)
  | (?P<newline>\n)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)
  | (?P<punct>->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\#\#|[-+*/%&|^!~<>=?:;,.()\[\]{}\#])
    """,
    re.S | re.X,
)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with backslash continuations joined, each with its first line number."""
    number = 1
    pending: list[str] = []
    start = 1
    for raw in text.split("\n"):
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending.append(raw[:-1])
        else:
            pending.append(raw)
            yield start, " ".join(pending)
            pending = []
        number += 1
    if pending:
        yield start, " ".join(pending)


def tokenize(text: str, path: Path, first_line: int = 1) -> list[Token]:
    """C tokens without comments; preprocessor lines are left out."""
    tokens: list[Token] = []
    line = first_line
    pos = 0
    at_line_start = True
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise CSourceError(path, line, f"cannot read C text at {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        value = m.group()
        if kind == "punct" and value == "#" and at_line_start:
            # A preprocessor line runs to the end of its logical line.
            end = pos
            while True:
                end = text.find("\n", end)
                if end < 0:
                    end = len(text)
                    break
                if text[end - 1] != "\\":
                    break
                end += 1
            line += text.count("\n", pos, end)
            pos = end
            continue
        if kind in ("ws", "comment", "newline"):
            line += value.count("\n")
            if kind == "newline":
                at_line_start = True
            pos = m.end()
            continue
        assert kind is not None
        tokens.append(Token(kind, value, line))
        at_line_start = False
        pos = m.end()
    return tokens


_CONDITIONAL = re.compile(r"\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b.*", re.S)


def conditional_lines(text: str) -> list[tuple[int, str]]:
    """The preprocessor conditionals of a file (``#if``, ``#else``, ...), by line."""
    return [(number, line.strip()) for number, line in _logical_lines(text)
            if _CONDITIONAL.match(line)]


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...] | None  # None: an object-like macro
    body: tuple[Token, ...]
    line: int


_DEFINE = re.compile(r"\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?(.*)", re.S)


def parse_defines(text: str, path: Path) -> dict[str, Macro]:
    """Every ``#define`` of a file, by name (a later definition wins)."""
    macros: dict[str, Macro] = {}
    for number, line in _logical_lines(text):
        m = _DEFINE.match(line)
        if not m:
            continue
        name, has_params, params, body = m.group(1), m.group(2), m.group(3), m.group(4)
        param_names: tuple[str, ...] | None = None
        if has_params is not None:
            param_names = tuple(p.strip() for p in params.split(",") if p.strip())
        macros[name] = Macro(name, param_names, tuple(tokenize(body, path, number)), number)
    return macros


def split_args(tokens: Sequence[Token], start: int, path: Path) -> tuple[list[list[Token]], int]:
    """The arguments of the call whose ``(`` is at ``start``, and the index after ``)``."""
    if start >= len(tokens) or tokens[start].text != "(":
        line = tokens[start - 1].line if start else 0
        raise CSourceError(path, line, "expected '(' after a macro name")
    depth = 0
    args: list[list[Token]] = [[]]
    i = start
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "punct" and tok.text in "([{":
            depth += 1
            if depth > 1:
                args[-1].append(tok)
        elif tok.kind == "punct" and tok.text in ")]}":
            depth -= 1
            if depth == 0:
                if args == [[]]:
                    return [], i + 1
                return args, i + 1
            args[-1].append(tok)
        elif tok.kind == "punct" and tok.text == "," and depth == 1:
            args.append([])
        else:
            args[-1].append(tok)
        i += 1
    raise CSourceError(path, tokens[start].line, "unbalanced parentheses")


def expand(
    tokens: Sequence[Token],
    macros: Mapping[str, Macro],
    path: Path,
    _active: frozenset[str] = frozenset(),
) -> list[Token]:
    """Expand the given macros in ``tokens``; others are left as they are.

    Expanded tokens keep the line of the call, so what comes out of a macro
    is reported where the test program wrote the call.
    """
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        macro = macros.get(tok.text) if tok.kind == "ident" else None
        if macro is None or tok.text in _active:
            out.append(tok)
            i += 1
            continue
        if macro.params is None:
            plain = [Token(t.kind, t.text, tok.line) for t in macro.body]
            out.extend(expand(plain, macros, path, _active | {macro.name}))
            i += 1
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].text != "(":
            out.append(tok)
            i += 1
            continue
        args, after = split_args(tokens, i + 1, path)
        args = [expand(a, macros, path, _active) for a in args]
        named = [p for p in macro.params if p != "..."]
        variadic = "..." in macro.params
        if len(args) < len(named) or (not variadic and len(args) > len(named)):
            raise CSourceError(path, tok.line, f"{macro.name} takes {len(named)} arguments, "
                               f"got {len(args)}")
        binding = dict(zip(named, args, strict=False))
        rest = args[len(named):]
        va: list[Token] = []
        for n, arg in enumerate(rest):
            if n:
                va.append(Token("punct", ",", tok.line))
            va.extend(arg)
        body: list[Token] = []
        for b in macro.body:
            if b.kind == "ident" and b.text in binding:
                body.extend(binding[b.text])
            elif b.kind == "ident" and b.text == "__VA_ARGS__" and variadic:
                body.extend(va)
            else:
                body.append(Token(b.kind, b.text, tok.line))
        out.extend(expand(body, macros, path, _active | {macro.name}))
        i = after
    return out


def function_body(tokens: Sequence[Token], name: str, path: Path) -> list[Token]:
    """The tokens between the braces of the definition of function ``name``."""
    for i, tok in enumerate(tokens):
        if tok.kind != "ident" or tok.text != name:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].text != "(":
            continue
        _, after = split_args(tokens, i + 1, path)
        if after < len(tokens) and tokens[after].text == "{":
            depth = 0
            for j in range(after, len(tokens)):
                if tokens[j].text == "{":
                    depth += 1
                elif tokens[j].text == "}":
                    depth -= 1
                    if depth == 0:
                        return list(tokens[after + 1:j])
            raise CSourceError(path, tok.line, f"unbalanced braces in {name}()")
    raise CSourceError(path, 1, f"no definition of {name}()")


@dataclass(frozen=True)
class Statement:
    tokens: tuple[Token, ...]

    @property
    def line(self) -> int:
        return self.tokens[0].line

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


def _ends_statement(text: str, current: Sequence[Token]) -> bool:
    if text == ";":
        return True
    if text == "}":
        return current[0].text != "do"  # do { ... } while (0); ends at its ';'
    return text == ":" and len(current) == 2 and current[0].kind == "ident"


def split_statements(tokens: Sequence[Token]) -> list[Statement]:
    """Top-level statements: split at ``;`` outside parentheses and braces.

    A ``do { ... } while (0)`` or ``if (...) ...`` is kept whole, up to its
    own ``;``; a label (``cleanup:``) is a statement of its own.
    """
    statements: list[Statement] = []
    current: list[Token] = []
    depth = 0
    for tok in tokens:
        if tok.text in ("(", "[", "{") and tok.kind == "punct":
            depth += 1
        elif tok.text in (")", "]", "}") and tok.kind == "punct":
            depth -= 1
        current.append(tok)
        if depth == 0 and tok.kind == "punct" and _ends_statement(tok.text, current):
            statements.append(Statement(tuple(current)))
            current = []
    if current:
        statements.append(Statement(tuple(current)))
    return statements


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def string_value(tokens: Sequence[Token]) -> str | None:
    """The value of adjacent string literals (``"." "x86_64"``), or None."""
    if not tokens or any(t.kind != "string" for t in tokens):
        return None
    parts: list[str] = []
    for t in tokens:
        body = t.text[1:-1]
        parts.append(re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body))
    return "".join(parts)
