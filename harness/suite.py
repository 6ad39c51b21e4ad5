"""Suites and their manifests: what each case asks for, validated.

A manifest that cannot be read at all makes its mode unusable and is
reported once; a case with a bad key is reported on that case alone, so the
others still run.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import SuiteError, display_path
from .files import join_name, plain_name, read_text, resolve_within
from .protocol import Mode

__all__ = [
    "EXPECT_BY_VALUE",
    "GOLDEN_SUFFIX",
    "INPUT_SUFFIX",
    "MANIFEST",
    "MODES",
    "Case",
    "Expect",
    "ModeManifest",
    "StatusWrap",
    "Suite",
    "load_manifest",
]

# In the order of the Mode enum: the order of the table and of collection.
MODES: tuple[Mode, ...] = tuple(Mode)
INPUT_SUFFIX: Mapping[Mode, str] = {
    Mode.XML2ARGV: ".xml",
    Mode.XML2XML: ".xml",
    Mode.ARGV2XML: ".args",
}
GOLDEN_SUFFIX: Mapping[Mode, str] = {
    Mode.XML2ARGV: ".args",
    Mode.XML2XML: ".xml",
    Mode.ARGV2XML: ".xml",
}
MANIFEST = "cases.toml"


class Expect(enum.StrEnum):
    OK = "ok"
    PARSE_ERROR = "parse-error"
    FAILURE = "failure"
    ERROR = "error"


_COMMON_KEYS = frozenset(
    {"input", "golden", "caps", "flags", "unflags", "config", "unconfig", "expect"}
)
_MODE_KEYS: Mapping[Mode, frozenset[str]] = {
    Mode.XML2ARGV: _COMMON_KEYS | {"migrate_from", "migrate_fd"},
    Mode.XML2XML: _COMMON_KEYS | {"state", "status_xml"},
    Mode.ARGV2XML: _COMMON_KEYS | {"blank", "expect_warning"},
}
_TOP_KEYS: Mapping[Mode, frozenset[str]] = {
    Mode.XML2ARGV: frozenset({"defaults", "case"}),
    Mode.XML2XML: frozenset({"defaults", "case", "status_xml"}),
    Mode.ARGV2XML: frozenset({"defaults", "case"}),
}
_CAPS_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]*")
_CASE_HEADER = re.compile(
    r"""\s*\[\s*case\s*\.\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\]"""
)


@dataclass(frozen=True)
class StatusWrap:
    """The ``[status_xml]`` envelope of the status round trip."""

    prefix: str
    suffix: str
    indent: int = 0

    def apply(self, text: str) -> str:
        pad = " " * self.indent
        body = "".join(
            pad + line if line.strip() else line for line in text.splitlines(keepends=True)
        )
        return self.prefix + body + self.suffix


@dataclass(frozen=True, slots=True)
class Case:
    """One case of a manifest, with every default applied.

    ``problems`` lists what is wrong with the case's entry; such a case is
    reported as an error and never reaches the driver.
    """

    mode: Mode
    id: str
    manifest: Path
    line: int | None
    # The mode directory (where the manifest is) and the suite directory:
    # the same objects for every case of a manifest.
    directory: Path
    suite_root: Path
    # The files, as the manifest names them relative to ``directory`` (each
    # known to stay inside the suite). Their paths are made when asked for,
    # and not kept: every worker of an xdist run builds every case, and a
    # session holds its thousands of cases to the end (where the garbage
    # collector walks them all, again and again).
    input_name: str | None
    golden_name: str | None
    err_name: str | None
    caps: str = ""
    flags: tuple[str, ...] = ()
    unflags: tuple[str, ...] = ()
    config: Mapping[str, Any] = field(default_factory=dict)
    unconfig: tuple[str, ...] = ()
    expect: Expect = Expect.OK
    migrate_from: str | None = None
    migrate_fd: int | None = None
    active: bool = False
    status: StatusWrap | None = None
    blank: tuple[re.Pattern[str], ...] = ()
    expect_warning: bool = False
    problems: tuple[str, ...] = ()
    # Files a broken case's entry may mean: still its own, so never pruned.
    claimed: tuple[Path, ...] = ()

    @property
    def test_name(self) -> str:
        return f"{self.mode}/{self.id}"

    @property
    def input(self) -> Path | None:
        return _in_directory(self.directory, self.input_name)

    @property
    def golden(self) -> Path | None:
        return _in_directory(self.directory, self.golden_name)

    @property
    def err(self) -> Path | None:
        return _in_directory(self.directory, self.err_name)

    @property
    def expected(self) -> Path | None:
        """The file the output is compared with (the input for identity cases)."""
        return self.golden if self.golden_name is not None else self.input

    @property
    def identity(self) -> bool:
        return self.mode is Mode.XML2XML and self.golden_name is None

    def references(self) -> Iterator[Path]:
        for path in (self.input, self.golden, self.err):
            if path is not None:
                yield path
        yield from self.claimed

    def reference_texts(self, directory: str) -> Iterator[str]:
        """:meth:`references` as strings, given the mode directory's: the
        end of a session asks it of thousands of cases."""
        for name in (self.input_name, self.golden_name, self.err_name):
            if name is not None:
                yield directory + os.sep + name if plain_name(name) else os.path.normpath(
                    os.path.join(directory, name))
        for path in self.claimed:
            yield os.fspath(path)

    def error(self, problem: str) -> SuiteError:
        return SuiteError(self.manifest, f"case {self.id!r}: {problem}", self.line)


@dataclass(frozen=True)
class ModeManifest:
    """The cases of one mode directory, or the reason there are none."""

    mode: Mode
    directory: Path
    manifest: Path
    cases: tuple[Case, ...] = ()
    error: SuiteError | None = None


@dataclass(frozen=True)
class Suite:
    """A suite directory (``caps/`` and ``cases/MODE/cases.toml``)."""

    root: Path
    # Unique among the session's suites: the prefix of its test ids.
    name: str

    @property
    def caps_dir(self) -> Path:
        return self.root / "caps"

    @property
    def cases_dir(self) -> Path:
        return self.root / "cases"

    def mode_dir(self, mode: Mode) -> Path:
        return self.cases_dir / str(mode)

    def manifests(self) -> Iterator[ModeManifest]:
        for mode in MODES:
            loaded = load_manifest(self.root, mode)
            if loaded is not None:
                yield loaded


def _in_directory(directory: Path, name: str | None) -> Path | None:
    # As files.resolve_within joins them, which checked the name.
    return None if name is None else join_name(directory, name)


def _case_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = _CASE_HEADER.match(line)
        if m:
            name = next(g for g in m.groups() if g is not None)
            lines.setdefault(name, number)
    return lines


def _cases(count: int) -> str:
    return f"{count} case{'' if count == 1 else 's'}"


def load_manifest(root: Path, mode: Mode) -> ModeManifest | None:
    """Read ``root/cases/MODE/cases.toml``; None when the mode has no manifest."""
    import tomllib

    directory = root / "cases" / str(mode)
    manifest = directory / MANIFEST
    if not manifest.exists():
        return None
    try:
        text = read_text(manifest)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            # Counted by their headers, so the error says what it hides.
            hidden = sum(1 for line in text.splitlines() if _CASE_HEADER.match(line))
            raise SuiteError(manifest, f"invalid TOML: {exc} ({_cases(hidden)} not run)"
                             ) from None
        unknown = sorted(set(data) - _TOP_KEYS[mode])
        if unknown:
            raise SuiteError(
                manifest,
                f"unknown top-level key {unknown[0]!r} "
                f"(allowed: {', '.join(sorted(_TOP_KEYS[mode]))})",
            )
        defaults = data.get("defaults", {})
        if not isinstance(defaults, dict):
            raise SuiteError(manifest, "[defaults] must be a table")
        bad = _key_problems(defaults, mode)
        if bad:
            raise SuiteError(manifest, f"[defaults]: {bad[0]}")
        status = _status_wrap(manifest, data.get("status_xml"))
        cases_table = data.get("case", {})
        if not isinstance(cases_table, dict):
            raise SuiteError(manifest, "'case' must be a table of [case.\"ID\"] tables")
        if not cases_table:
            raise SuiteError(manifest, "no cases: add a [case.\"ID\"] table per case "
                             "(or remove the mode directory)")
    except SuiteError as exc:
        return ModeManifest(mode, directory, manifest, error=exc)
    lines = _case_lines(text)
    cases = tuple(
        _make_case(root, mode, directory, manifest, lines.get(case_id), case_id, entry,
                   defaults, status)
        for case_id, entry in cases_table.items()
    )
    return ModeManifest(mode, directory, manifest, cases)


def _status_wrap(manifest: Path, table: object) -> StatusWrap | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SuiteError(manifest, "[status_xml] must be a table")
    unknown = sorted(set(table) - {"prefix", "suffix", "indent"})
    if unknown:
        raise SuiteError(manifest, f"[status_xml]: unknown key {unknown[0]!r}")
    prefix, suffix, indent = table.get("prefix"), table.get("suffix"), table.get("indent", 0)
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        raise SuiteError(manifest, "[status_xml]: 'prefix' and 'suffix' must be strings")
    if not isinstance(indent, int) or isinstance(indent, bool) or indent < 0:
        raise SuiteError(manifest, "[status_xml]: 'indent' must be a non-negative integer")
    return StatusWrap(prefix, suffix, indent)


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


_TYPES: Mapping[str, tuple[str, Any]] = {
    "input": ("a string", lambda v: isinstance(v, str) and v != ""),
    "golden": ("a string", lambda v: isinstance(v, str) and v != ""),
    "caps": ("a capability set name", lambda v: isinstance(v, str) and _CAPS_NAME.fullmatch(v)),
    "flags": ("a list of strings", _is_str_list),
    "unflags": ("a list of strings", _is_str_list),
    "unconfig": ("a list of strings", _is_str_list),
    "blank": ("a list of strings", _is_str_list),
    "config": ("a table", lambda v: isinstance(v, dict)),
    "expect": (
        "one of " + ", ".join(repr(e.value) for e in Expect),
        lambda v: v in {e.value for e in Expect},
    ),
    "migrate_from": ("a string", lambda v: isinstance(v, str)),
    "migrate_fd": (
        "a non-negative integer",
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    ),
    "state": ("'inactive' or 'active'", lambda v: v in ("inactive", "active")),
    "status_xml": ("true or false", lambda v: isinstance(v, bool)),
    "expect_warning": ("true or false", lambda v: isinstance(v, bool)),
}


def _key_problems(entry: Mapping[str, Any], mode: Mode) -> list[str]:
    problems = []
    for key, value in entry.items():
        if key not in _MODE_KEYS[mode]:
            problems.append(
                f"unknown key {key!r} for {mode} (allowed: {', '.join(sorted(_MODE_KEYS[mode]))})"
            )
            continue
        what, check = _TYPES[key]
        if not check(value):
            problems.append(f"{key!r} must be {what}, not {value!r}")
    return problems


_CONTROL = re.compile(r"[\x00-\x1f]")  # control characters
# As Expect(v), for less: a lookup where thousands of cases are built and reported.
EXPECT_BY_VALUE: Mapping[str, Expect] = {e.value: e for e in Expect}


def _make_case(
    root: Path,
    mode: Mode,
    directory: Path,
    manifest: Path,
    line: int | None,
    case_id: str,
    entry: object,
    defaults: Mapping[str, Any],
    status: StatusWrap | None,
) -> Case:
    def broken(problems: tuple[str, ...], entry: Mapping[str, Any]) -> Case:
        return Case(mode, case_id, manifest, line, directory, root, input_name=None,
                    golden_name=None, err_name=None, problems=problems,
                    claimed=_claimed(root, mode, directory, case_id, entry))

    if not isinstance(entry, dict):
        return broken((f"case {case_id!r} must be a table",), {})
    problems = _key_problems(entry, mode)
    if not case_id or "::" in case_id or _CONTROL.search(case_id):
        problems.append("a case id must be non-empty, without '::' or control characters")
    if problems:
        return broken(tuple(problems), {**defaults, **entry})
    merged = {**defaults, **entry}

    def path(stem: str, suffix: str, what: str) -> str | None:
        name = stem + suffix
        # A plain name needs no Path to be known inside the suite.
        if (plain_name(name) and "\0" not in name) or (
                resolve_within(root, directory, name) is not None):
            return name
        problems.append(f"{what} {stem!r} is outside the suite directory {display_path(root)}")
        return None

    input_path = path(merged.get("input", case_id), INPUT_SUFFIX[mode], "input")
    golden_stem: str | None = merged.get("golden")
    if golden_stem is None and mode is not Mode.XML2XML:
        golden_stem = case_id
    golden = None if golden_stem is None else path(golden_stem, GOLDEN_SUFFIX[mode], "golden")
    err_stem = golden_stem if golden_stem is not None else merged.get("input", case_id)
    err = path(err_stem, ".err", "golden")
    if "caps" not in merged:
        problems.append("no capability set: give 'caps' here or in [defaults]")
    blank: list[re.Pattern[str]] = []
    for pattern in merged.get("blank", ()):
        try:
            blank.append(re.compile(pattern))
        except re.error as exc:
            problems.append(f"blank pattern {pattern!r} is not a regular expression: {exc}")
    wants_status = bool(merged.get("status_xml", False))
    if wants_status and status is None:
        problems.append("status_xml = true needs a [status_xml] table with prefix and suffix")
    return Case(
        mode=mode,
        id=case_id,
        manifest=manifest,
        line=line,
        directory=directory,
        suite_root=root,
        input_name=input_path,
        golden_name=golden,
        err_name=err,
        caps=merged.get("caps", ""),
        flags=tuple(merged.get("flags", ())),
        unflags=tuple(merged.get("unflags", ())),
        config=_merge_config(defaults.get("config", _NO_CONFIG), entry.get("config")),
        unconfig=tuple(merged.get("unconfig", ())),
        expect=EXPECT_BY_VALUE[merged.get("expect", "ok")],
        migrate_from=merged.get("migrate_from"),
        migrate_fd=merged.get("migrate_fd"),
        active=merged.get("state", "inactive") == "active",
        status=status if wants_status else None,
        blank=tuple(blank),
        expect_warning=bool(merged.get("expect_warning", False)),
        problems=tuple(dict.fromkeys(problems)),
        # A broken case still owns what it may mean, whatever broke it.
        claimed=_claimed(root, mode, directory, case_id, merged) if problems else (),
    )


def _claimed(
    root: Path, mode: Mode, directory: Path, case_id: str, entry: Mapping[str, Any]
) -> tuple[Path, ...]:
    """Every file a broken entry could mean: its id, and each string it holds
    (a mistyped ``inptu = "x"`` still names x), with each suffix of the mode."""
    stems = [case_id, *(v for v in entry.values() if isinstance(v, str))]
    suffixes = dict.fromkeys((INPUT_SUFFIX[mode], GOLDEN_SUFFIX[mode], ".err"))
    found = (resolve_within(root, directory, stem + suffix)
             for stem in dict.fromkeys(stems) for suffix in suffixes)
    return tuple(dict.fromkeys(p for p in found if p is not None))


_NO_CONFIG: Mapping[str, Any] = MappingProxyType({})


def _merge_config(defaults: Mapping[str, Any], own: Mapping[str, Any] | None) -> Mapping[str, Any]:
    # A case's config adds to the defaults' config rather than replacing it.
    # Without its own, a case shares the defaults' (read-only, never copied).
    return {**defaults, **own} if own else defaults
