"""The conformance report: every case's outcome, totals per suite and mode.

The same data gives the JSON file (``--conformance-report``) and the table
printed at the end of a run, so a driver's authors see at a glance how much
of a suite they pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .output_check import CHECK_STATUSES
from .suite import MODES

__all__ = ["REPORT_FORMAT", "CaseRecord", "ConformanceReport", "format_table"]

REPORT_FORMAT = 1
_REJECTIONS = ("parse-error", "failure", "error")


@dataclass(frozen=True)
class CaseRecord:
    suite: str
    mode: str
    case: str
    expect: str
    outcome: str  # passed | failed | error | skipped
    reason: str = ""
    # {"status", "checker", "message"} when an output check ran (pytest_hvharness_check_output)
    check: Mapping[str, str] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseRecord:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def _pct(passed: int, total: int) -> str:
    return f"{100.0 * passed / total:.1f}%" if total else "-"


def _totals(records: Iterable[CaseRecord]) -> dict[str, Any]:
    records = list(records)

    def count(outcome: str, expects: Iterable[str] | None = None) -> int:
        wanted = set(expects) if expects is not None else None
        return sum(1 for r in records
                   if r.outcome == outcome and (wanted is None or r.expect in wanted))

    def total(expects: Iterable[str]) -> int:
        wanted = set(expects)
        return sum(1 for r in records if r.expect in wanted)

    return {
        "total": len(records),
        "passed": count("passed"),
        "failed": count("failed"),
        "errors": count("error"),
        "skipped": count("skipped"),
        "ok": {"passed": count("passed", ["ok"]), "total": total(["ok"])},
        "rejections": {"passed": count("passed", _REJECTIONS), "total": total(_REJECTIONS)},
        "checked": {status: sum(1 for r in records if r.check and r.check["status"] == status)
                    for status in CHECK_STATUSES},
    }


class ConformanceReport:
    def __init__(self, driver: str) -> None:
        self.driver = driver
        # With --against: the reference driver; "passed" then means "agreed".
        self.against: str | None = None
        self.records: dict[str, CaseRecord] = {}
        self.declared: dict[tuple[str, str], int] = {}
        self.roots: dict[str, str] = {}

    def add(self, nodeid: str, record: CaseRecord) -> None:
        self.records[nodeid] = record

    def declare(self, suite: str, root: Path, mode: str, cases: int) -> None:
        """How many cases the manifest holds, run or not."""
        self.declared[(suite, mode)] = cases
        self.roots[suite] = str(root)

    def to_json(self) -> dict[str, Any]:
        suites: dict[str, Any] = {}
        names = sorted({r.suite for r in self.records.values()} | {s for s, _ in self.declared})
        for suite in names:
            modes: dict[str, Any] = {}
            for mode in (str(m) for m in MODES):
                records = [r for r in self.records.values() if r.suite == suite and r.mode == mode]
                declared = self.declared.get((suite, mode))
                if not records and declared is None:
                    continue
                entry = _totals(records)
                entry["declared"] = declared if declared is not None else len(records)
                entry["percent"] = round(100.0 * entry["passed"] / entry["total"], 2) \
                    if entry["total"] else None
                entry["cases"] = [
                    {k: v for k, v in asdict(r).items()
                     if k not in ("suite", "mode") and not (k == "check" and v is None)}
                    for r in sorted(records, key=lambda r: r.case)
                ]
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
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


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
