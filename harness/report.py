"""The conformance report: every case's outcome, totals per suite and mode.

The same data gives the JSON file (``--conformance-report``) and the table
printed at the end of a run, so a driver's authors see at a glance how much
of a suite they pass.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from .check import Outcome
from .output_check import CHECK_STATUSES
from .suite import EXPECT_BY_VALUE, MODES, Expect

__all__ = ["REPORT_FORMAT", "CaseRecord", "ConformanceReport", "format_table", "problem_count"]

REPORT_FORMAT = 1
DETAILS_MAX_LINES = 200
_REJECTIONS = frozenset({Expect.PARSE_ERROR, Expect.FAILURE, Expect.ERROR})


@dataclass(frozen=True, slots=True)
class CaseRecord:
    suite: str
    mode: str
    case: str
    expect: Expect
    outcome: Outcome
    reason: str = ""
    # {"status", "checker", "message"} when an output check ran (pytest_hvharness_check_output)
    check: Mapping[str, str] | None = None
    # The capability set the case ran with, and (when it did not pass) the
    # diff or message behind its reason, cut to DETAILS_MAX_LINES lines.
    caps: str = ""
    details: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseRecord:
        # Once a case, in the process that receives every report: the values
        # are looked up rather than converted by the enums' slower calls.
        fields = {k: data[k] for k in _RECORD_FIELDS if k in data}
        fields["expect"] = EXPECT_BY_VALUE[fields["expect"]]
        fields["outcome"] = _OUTCOMES[fields["outcome"]]
        return cls(**fields)


_RECORD_FIELDS = tuple(CaseRecord.__dataclass_fields__)
_OUTCOMES: Mapping[str, Outcome] = {o.value: o for o in Outcome}


def _case_entry(record: CaseRecord) -> dict[str, Any]:
    # By hand rather than dataclasses.asdict, whose deep copy is slow on big suites.
    entry: dict[str, Any] = {"case": record.case, "expect": str(record.expect),
                             "outcome": str(record.outcome), "reason": record.reason}
    if record.check is not None:
        entry["check"] = dict(record.check)
    entry["caps"] = record.caps
    if record.details:
        entry["details"] = record.details
    return entry


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def problem_count(data: Mapping[str, Any]) -> int:
    """Failures, errors, unreferenced files and conflicts in a report (as ``to_json``)."""
    count = data["totals"]["failed"] + data["totals"]["errors"]
    for entry in data["suites"].values():
        for mode in entry["modes"].values():
            count += len(mode.get("orphans", ())) + len(mode.get("conflicts", ()))
    return int(count)


def _pct(passed: int, total: int) -> str:
    return f"{100.0 * passed / total:.1f}%" if total else "-"


def _totals(records: Iterable[CaseRecord]) -> dict[str, Any]:
    # One pass, counting (outcome, expect) pairs: the records may be thousands.
    pairs: Counter[tuple[Outcome, Expect]] = Counter()
    checks: Counter[str] = Counter()
    for r in records:
        pairs[r.outcome, r.expect] += 1
        if r.check:
            checks[r.check["status"]] += 1

    def count(outcome: Outcome | None, expects: Iterable[Expect] | None = None) -> int:
        return sum(n for (o, e), n in pairs.items()
                   if (outcome is None or o is outcome) and (expects is None or e in expects))

    return {
        "total": sum(pairs.values()),
        "passed": count(Outcome.PASSED),
        "failed": count(Outcome.FAILED),
        "errors": count(Outcome.ERROR),
        "skipped": count(Outcome.SKIPPED),
        "ok": {"passed": count(Outcome.PASSED, [Expect.OK]), "total": count(None, [Expect.OK])},
        "rejections": {"passed": count(Outcome.PASSED, _REJECTIONS),
                       "total": count(None, _REJECTIONS)},
        "checked": {status: checks[status] for status in CHECK_STATUSES},
    }


class ConformanceReport:
    def __init__(self, driver: str) -> None:
        self.driver = driver
        # With --against: the reference driver; "passed" then means "agreed".
        self.against: str | None = None
        self.records: dict[str, CaseRecord] = {}
        self.declared: dict[tuple[str, str], int] = {}
        self.roots: dict[str, str] = {}
        self.orphans: dict[tuple[str, str], list[str]] = {}
        self.conflicts: dict[tuple[str, str], list[dict[str, str]]] = {}

    def add(self, nodeid: str, record: CaseRecord) -> None:
        self.records[nodeid] = record

    def declare(self, suite: str, root: Path, mode: str, cases: int) -> None:
        """How many cases the manifest holds, run or not."""
        self.declared[(suite, mode)] = cases
        self.roots[suite] = str(root)

    def problems(
        self, suite: str, mode: str, root: Path, orphans: Iterable[Path],
        conflicts: Iterable[Mapping[str, str]],
    ) -> None:
        """A mode's unreferenced files and regeneration conflicts (paths relative to ``root``)."""
        self.orphans[(suite, mode)] = [_relative(p, root) for p in orphans]
        self.conflicts[(suite, mode)] = [
            {**c, "golden": _relative(Path(c["golden"]), root)} for c in conflicts]

    def to_json(self, *, cases: bool = True) -> dict[str, Any]:
        """The report as its JSON file holds it; without ``cases``, the totals
        and only the cases an output check ran on (what the table at the end
        of a run shows)."""
        suites: dict[str, Any] = {}
        grouped: dict[tuple[str, str], list[CaseRecord]] = {}
        for record in self.records.values():
            grouped.setdefault((record.suite, record.mode), []).append(record)
        names = sorted({s for s, _ in grouped} | {s for s, _ in self.declared})
        for suite in names:
            modes: dict[str, Any] = {}
            for mode in (str(m) for m in MODES):
                records = grouped.get((suite, mode), [])
                declared = self.declared.get((suite, mode))
                if not records and declared is None:
                    continue
                entry = _totals(records)
                entry["declared"] = declared if declared is not None else len(records)
                entry["percent"] = round(100.0 * entry["passed"] / entry["total"], 2) \
                    if entry["total"] else None
                entry["orphans"] = self.orphans.get((suite, mode), [])
                entry["conflicts"] = self.conflicts.get((suite, mode), [])
                shown = (r for r in records if cases or r.check is not None)
                entry["cases"] = [_case_entry(r) for r in sorted(shown, key=lambda r: r.case)]
                modes[mode] = entry
            suites[suite] = {"root": self.roots.get(suite), "modes": modes,
                             "totals": _totals(r for r in self.records.values()
                                               if r.suite == suite)}
        data = {"format": REPORT_FORMAT, "driver": self.driver, "suites": suites,
                "totals": _totals(self.records.values())}
        if self.against is not None:
            data["against"] = self.against
        return data

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.to_json()
        data.update(provenance(self.driver, self.roots))
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def bounded_details(text: str) -> str:
    """At most DETAILS_MAX_LINES lines, so a huge diff cannot bloat the report."""
    lines = text.splitlines()
    if len(lines) <= DETAILS_MAX_LINES:
        return text
    cut = len(lines) - DETAILS_MAX_LINES
    return "\n".join(lines[:DETAILS_MAX_LINES]) + f"\n... ({cut} more lines)"


def provenance(driver_spec: str, roots: Mapping[str, str]) -> dict[str, Any]:
    """What makes reports from other machines and releases comparable.

    See docs/report-schema.md: the harness and driver versions, each suite's
    content hash, and when the report was written.
    """
    return {
        "harness_version": _distribution_version("hvharness"),
        "driver_version": _driver_version(driver_spec),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "suite_hashes": {name: suite_content_hash(Path(root)) for name, root in roots.items()},
    }


def _distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _driver_version(spec: str) -> str | None:
    """The version of the installed distribution that provides the driver, if any."""
    if ":" not in spec:
        for entry in metadata.entry_points(group="hvharness.drivers", name=spec):
            if entry.dist is not None:
                return entry.dist.version
        return None
    package = spec.split(":", 1)[0].split(".", 1)[0]
    for dist in metadata.packages_distributions().get(package, ()):
        return _distribution_version(dist)
    return None


def suite_content_hash(root: Path) -> str | None:
    """sha256 over every file of the suite (relative path and bytes), in path order."""
    if not root.is_dir():
        return None
    digest = hashlib.sha256()
    try:
        files = sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        # A suite that changed or vanished under the run has no stable content.
        return None
    return "sha256:" + digest.hexdigest()


def format_table(data: Mapping[str, Any]) -> list[str]:
    """The human summary of a report (as returned by ``to_json``)."""
    lines = [f"driver {data.get('driver', '?')}"]
    if data.get("against"):
        lines[0] += f" against {data['against']} (passed: the two agree; ok and rejections: " \
                    "by what the reference did)"
    head = ["mode", "passed/total", "%", "ok", "rejections", "failed", "errors", "skipped"]
    for suite, entry in data.get("suites", {}).items():
        rows = [head]
        for mode, m in entry.get("modes", {}).items():
            if not m["total"]:
                continue
            ran, declared = m["total"], m.get("declared", m["total"])
            rows.append([
                mode,
                f"{m['passed']}/{ran}" + ("" if ran == declared else f" (of {declared})"),
                _pct(m["passed"], ran),
                f"{m['ok']['passed']}/{m['ok']['total']}",
                f"{m['rejections']['passed']}/{m['rejections']['total']}",
                str(m["failed"]), str(m["errors"]), str(m["skipped"]),
            ])
        if len(rows) == 1:
            continue
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines.append(f"suite {suite}")
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                            strict=True)]
            lines.append("  " + "  ".join(cells))
        lines += ["  " + line for line in _check_lines(entry.get("modes", {}).values())]
        lines += ["  " + line for line in _problem_lines(entry.get("modes", {}))]
    return lines


def _problem_lines(modes: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = []
    for mode, m in modes.items():
        found = [f"{len(m[key])} {what}" for key, what in
                 (("orphans", "unreferenced file(s)"), ("conflicts", "regeneration conflict(s)"))
                 if m.get(key)]
        if found:
            lines.append(f"{mode}: " + ", ".join(found))
    return lines


def _check_lines(modes: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per output checker that ran: ``NAME: N accepted, N skipped, N rejected``."""
    counts: dict[str, dict[str, int]] = {}
    for mode in modes:
        for case in mode.get("cases", ()):
            check = case.get("check")
            if check:
                per = counts.setdefault(check["checker"], dict.fromkeys(CHECK_STATUSES, 0))
                per[check["status"]] = per.get(check["status"], 0) + 1
    return [f"{name}: {per['accepted']} accepted, {per['skipped']} skipped, "
            f"{per['rejected']} rejected" for name, per in sorted(counts.items())]
