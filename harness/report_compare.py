"""Reading conformance reports back, and comparing two of them.

``hvharness report --compare OLD.json NEW.json`` answers "did this change
make the driver better or worse?": per suite and mode, the cases that
regressed (passed before, not now), were fixed, changed from one kind of
failure to another, appeared or vanished. A regression makes the command
exit non-zero, so a CI job can gate on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CaseChange", "ReportComparison", "ReportError", "compare_reports",
           "format_comparison", "iter_cases", "load_report"]


class ReportError(Exception):
    """A report file that cannot be used; the message names the file and the problem."""


def load_report(path: Path) -> dict[str, Any]:
    """The report at *path*, checked to have the shape ``docs/report-schema.md`` describes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the report: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not a report: not UTF-8") from None
    except ValueError as exc:
        raise ReportError(f"{path}: not a report: invalid JSON ({exc})") from None
    problem = _shape_problem(data)
    if problem is not None:
        raise ReportError(f"{path}: not a conformance report: {problem}")
    return data  # type: ignore[no-any-return]


def _shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "the top level is not an object"
    suites = data.get("suites")
    if not isinstance(suites, dict):
        return "no 'suites' object"
    for suite, entry in suites.items():
        modes = entry.get("modes") if isinstance(entry, dict) else None
        if not isinstance(modes, dict):
            return f"suite {suite!r} has no 'modes' object"
        for mode, m in modes.items():
            cases = m.get("cases") if isinstance(m, dict) else None
            if not isinstance(cases, list):
                return f"suite {suite!r} mode {mode!r} has no 'cases' list"
            for i, case in enumerate(cases):
                if not (isinstance(case, dict) and isinstance(case.get("case"), str)
                        and isinstance(case.get("outcome"), str)):
                    return (f"suite {suite!r} mode {mode!r}: case #{i + 1} lacks a "
                            "'case' or 'outcome' string")
    return None


def iter_cases(data: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """``(suite, mode, case entry)`` for every case of a loaded report."""
    for suite, entry in data["suites"].items():
        for mode, m in entry["modes"].items():
            for case in m["cases"]:
                yield suite, mode, case


@dataclass(frozen=True)
class CaseChange:
    suite: str
    mode: str
    case: str
    old: str | None  # outcome in the old report; None: the case was not there
    new: str | None
    reason: str  # the new reason (the old one for a vanished case)

    @property
    def label(self) -> str:
        return f"{self.mode}/{self.case}"


@dataclass
class ReportComparison:
    regressed: list[CaseChange] = field(default_factory=list)
    fixed: list[CaseChange] = field(default_factory=list)
    # Still not passing, but differently (failed -> error, ...).
    changed: list[CaseChange] = field(default_factory=list)
    appeared: list[CaseChange] = field(default_factory=list)
    vanished: list[CaseChange] = field(default_factory=list)
    # Suites whose content hash differs: the two runs did not test the same thing.
    suites_changed: list[str] = field(default_factory=list)

    KINDS = ("regressed", "fixed", "changed", "appeared", "vanished")

    def of(self, kind: str) -> list[CaseChange]:
        changes: list[CaseChange] = getattr(self, kind)
        return changes

    def by_suite_mode(self) -> dict[tuple[str, str], dict[str, list[CaseChange]]]:
        grouped: dict[tuple[str, str], dict[str, list[CaseChange]]] = {}
        for kind in self.KINDS:
            for change in self.of(kind):
                per = grouped.setdefault((change.suite, change.mode),
                                         {k: [] for k in self.KINDS})
                per[kind].append(change)
        return dict(sorted(grouped.items()))


def compare_reports(old: Mapping[str, Any], new: Mapping[str, Any]) -> ReportComparison:
    def index(data: Mapping[str, Any]) -> dict[tuple[str, str, str], Mapping[str, Any]]:
        return {(s, m, c["case"]): c for s, m, c in iter_cases(data)}

    before, after = index(old), index(new)
    result = ReportComparison()
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        reason = str((now or was or {}).get("reason", ""))
        change = CaseChange(*key, old=was["outcome"] if was else None,
                            new=now["outcome"] if now else None, reason=reason)
        if was is None:
            result.appeared.append(change)
        elif now is None:
            result.vanished.append(change)
        elif change.old == "passed" and change.new != "passed":
            result.regressed.append(change)
        elif change.old != "passed" and change.new == "passed":
            result.fixed.append(change)
        elif change.old != change.new:
            result.changed.append(change)
    old_hashes, new_hashes = old.get("suite_hashes") or {}, new.get("suite_hashes") or {}
    result.suites_changed = sorted(
        s for s in old_hashes.keys() & new_hashes.keys()
        if old_hashes[s] and new_hashes[s] and old_hashes[s] != new_hashes[s])
    return result


def format_comparison(result: ReportComparison, old_name: str, new_name: str) -> list[str]:
    """The comparison as text: a count line per suite and mode, then one line per case."""
    lines = [f"comparing {old_name} (old) with {new_name} (new)"]
    for suite in result.suites_changed:
        lines.append(f"note: suite {suite} differs between the two runs (its content hash)")
    grouped = result.by_suite_mode()
    if not grouped:
        lines.append("no case changed")
    for (suite, mode), per in grouped.items():
        counts = ", ".join(f"{len(per[k])} {k}" for k in ReportComparison.KINDS if per[k])
        lines.append(f"suite {suite} mode {mode}: {counts}")
        for kind in ReportComparison.KINDS:
            for change in per[kind]:
                lines.append(f"  {kind} {suite}::{change.label}: {change.old or '-'} -> "
                             f"{change.new or '-'}" + (f": {change.reason}" if change.reason
                                                       and change.new != "passed" else ""))
    total = ", ".join(f"{len(result.of(k))} {k}" for k in ReportComparison.KINDS)
    lines.append(f"total: {total}")
    return lines
