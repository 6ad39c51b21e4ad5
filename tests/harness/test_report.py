"""The conformance report: JSON per suite and mode, and the terminal table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from toyproject import edit

from harness.cli import main


def test_report_json_and_table(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    edit(toy / "xml2argv" / "cases.toml", '[case."vnc"]', '[case."vnc"]\ncaps = "toy-9"')
    result = pytester.runpytest("--driver", "toyvisor:xml_only_driver",
                                "--conformance-report", "out/r.json")
    result.assert_outcomes(passed=8, failed=1, errors=1, skipped=2)
    result.stdout.fnmatch_lines([
        "*hvharness conformance*",
        "driver toyvisor:xml_only_driver",
        "suite suite",
        "  mode      passed/total       %   ok  rejections  failed  errors  skipped",
        "  xml2argv           5/7   71.4%  3/5         2/2       1       1        0",
        "  xml2xml            3/3  100.0%  3/3         0/0       0       0        0",
        "  argv2xml           0/2    0.0%  0/2         0/0       0       0        2",
        "conformance report written to out/r.json",
    ])
    data = json.loads((pytester.path / "out" / "r.json").read_text())
    xml2argv = data["suites"]["suite"]["modes"]["xml2argv"]
    assert {k: xml2argv[k] for k in ("total", "passed", "failed", "errors", "skipped", "declared")} \
        == {"total": 7, "passed": 5, "failed": 1, "errors": 1, "skipped": 0, "declared": 7}
    assert xml2argv["ok"] == {"passed": 3, "total": 5}
    assert xml2argv["rejections"] == {"passed": 2, "total": 2}
    cases = {c["case"]: c for c in xml2argv["cases"]}
    assert cases["minimal"]["outcome"] == "failed"
    assert cases["minimal"]["reason"].startswith("output differs from the golden")
    assert cases["vnc"]["outcome"] == "error"
    assert "capability set 'toy-9' not found" in cases["vnc"]["reason"]
    assert cases["noname"] == {"case": "noname", "expect": "parse-error", "outcome": "passed",
                               "reason": "rejected as expected (DefinitionRejected)",
                               "caps": "toy-1.0"}
    argv2xml = data["suites"]["suite"]["modes"]["argv2xml"]["cases"][0]
    assert argv2xml["reason"] == "driver 'toyvisor' does not support argv2xml"
    assert data["totals"]["total"] == 12


def test_report_under_xdist_matches_serial(pytester: pytest.Pytester, toy: Path) -> None:
    pytest.importorskip("xdist")
    pytester.runpytest("--conformance-report", "serial.json")
    pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--conformance-report", "par.json")
    serial = json.loads((pytester.path / "serial.json").read_text())
    par = json.loads((pytester.path / "par.json").read_text())
    # Only when each report was written differs.
    assert serial.pop("date") and par.pop("date")
    assert serial == par


def test_cli_report(pytester: pytest.Pytester, toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    pytester.runpytest("--conformance-report", "r.json")
    capsys.readouterr()
    assert main(["report", str(pytester.path / "r.json"), "--cases"]) == 1
    out = capsys.readouterr().out
    assert "  xml2argv           6/7   85.7%" in out
    assert "suite::xml2argv/minimal: failed: output differs from the golden" in out
    assert main(["report", str(pytester.path / "nope.json")]) == 2


def test_totals_only_report_counts_what_the_full_one_does() -> None:
    from harness.check import Outcome
    from harness.report import CaseRecord, ConformanceReport
    from harness.suite import Expect

    report = ConformanceReport("d")
    outcomes = [Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED]
    expects = [Expect.OK, Expect.PARSE_ERROR, Expect.FAILURE]
    for i in range(24):
        check = {"status": "accepted", "checker": "c", "message": ""} if i % 5 == 0 else None
        report.add(f"s::xml2argv/c{i}", CaseRecord("s", "xml2argv", f"c{i}", expects[i % 3],
                                                   outcomes[i % 4], check=check))
    report.declare("s", Path("/s"), "xml2argv", 30)
    full, totals = report.to_json(), report.to_json(cases=False)
    # The table at the end of a run is made from the second: the same
    # counts, and only the cases an output check ran on (it names checkers).
    mode = full["suites"]["s"]["modes"]["xml2argv"]
    assert {k: v for k, v in mode.items() if k != "cases"} == \
        {k: v for k, v in totals["suites"]["s"]["modes"]["xml2argv"].items() if k != "cases"}
    assert totals["totals"] == full["totals"]
    assert full["totals"]["rejections"] == {"passed": 4, "total": 16}
    assert full["totals"]["checked"] == {"accepted": 5, "rejected": 0, "skipped": 0}
    assert [c["case"] for c in totals["suites"]["s"]["modes"]["xml2argv"]["cases"]] == \
        sorted(f"c{i}" for i in range(0, 24, 5))
