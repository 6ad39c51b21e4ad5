"""``hvharness report --compare OLD NEW``: what regressed, was fixed, appeared or vanished."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from toyproject import edit

from harness.cli import main
from harness.report import DETAILS_MAX_LINES, bounded_details, suite_content_hash
from harness.report_compare import ReportError, compare_reports, load_report

# Delegates to the toy driver but garbles the command line of every disk:
# exactly xml2argv/disk and xml2argv/disk-ide break (disk-nodrive is refused
# before any output exists, as it should be).
BROKEN_DRIVER = '''
from harness.protocol import Conversion
from toyvisor import driver as good


class Broken:
    name = "broken-toyvisor"
    modes = good.modes

    def xml_to_argv(self, xml, caps, **kw):
        out = good.xml_to_argv(xml, caps, **kw)
        if "<disk" in xml:
            return Conversion(out.output.replace("if=", "interface="), out.warnings)
        return out

    def xml_to_xml(self, xml, caps, **kw):
        return good.xml_to_xml(xml, caps, **kw)

    def argv_to_xml(self, argv, caps):
        return good.argv_to_xml(argv, caps)


driver = Broken()
'''


def _report(outcomes: dict[str, str], suite: str = "s", mode: str = "xml2argv") -> dict[str, Any]:
    cases = [{"case": name, "expect": "ok", "outcome": outcome, "reason": f"{name} {outcome}"}
             for name, outcome in outcomes.items()]
    return {"format": 1, "driver": "d", "suites": {suite: {"modes": {mode: {"cases": cases}}}}}


def test_every_kind_of_change_is_sorted_out() -> None:
    old = _report({"kept": "passed", "broke": "passed", "mended": "failed",
                   "worse": "failed", "gone": "passed", "still": "failed"})
    new = _report({"kept": "passed", "broke": "error", "mended": "passed",
                   "worse": "error", "born": "failed", "still": "failed"})
    result = compare_reports(old, new)
    assert [c.case for c in result.regressed] == ["broke"]
    assert [c.case for c in result.fixed] == ["mended"]
    assert [(c.case, c.old, c.new) for c in result.changed] == [("worse", "failed", "error")]
    assert [(c.case, c.old, c.new) for c in result.appeared] == [("born", None, "failed")]
    assert [(c.case, c.old, c.new) for c in result.vanished] == [("gone", "passed", None)]


def test_the_same_case_in_another_mode_or_suite_is_another_case() -> None:
    old = _report({"a": "passed"}, mode="xml2argv")
    new = _report({"a": "passed"}, mode="xml2xml")
    result = compare_reports(old, new)
    assert [c.label for c in result.vanished] == ["xml2argv/a"]
    assert [c.label for c in result.appeared] == ["xml2xml/a"]


def test_a_suite_whose_content_changed_is_noted(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _report({"a": "passed"}), _report({"a": "passed"})
    old["suite_hashes"], new["suite_hashes"] = {"s": "sha256:aa"}, {"s": "sha256:bb"}
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    assert main(["report", "--compare", str(tmp_path / "old.json"),
                 str(tmp_path / "new.json")]) == 0
    out = capsys.readouterr().out
    assert "note: suite s differs between the two runs (its content hash)" in out
    assert "no case changed" in out


def test_compare_lists_exactly_the_broken_cases_and_fails(
    pytester: pytest.Pytester, toy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytester.makepyfile(brokentoy=BROKEN_DRIVER)
    pytester.runpytest("--conformance-report", "good.json").assert_outcomes(passed=12)
    pytester.runpytest("--driver", "brokentoy:driver", "--conformance-report", "broken.json")
    good, broken = str(pytester.path / "good.json"), str(pytester.path / "broken.json")
    capsys.readouterr()

    assert main(["report", "--compare", good, broken]) == 1
    out = capsys.readouterr().out
    listed = re.findall(r"^  (\w+) (\S+): (\S+) -> (\S+?)(?::|$)", out, re.MULTILINE)
    assert listed == [("regressed", "suite::xml2argv/disk", "passed", "failed"),
                      ("regressed", "suite::xml2argv/disk-ide", "passed", "failed")]
    assert "suite suite mode xml2argv: 2 regressed" in out
    assert "total: 2 regressed, 0 fixed, 0 changed, 0 appeared, 0 vanished" in out

    # The other way round the same cases are fixed, and nothing gates.
    assert main(["report", "--compare", broken, good]) == 0
    out = capsys.readouterr().out
    assert re.findall(r"^  (\w+) (\S+):", out, re.MULTILINE) == [
        ("fixed", "suite::xml2argv/disk"), ("fixed", "suite::xml2argv/disk-ide")]


@pytest.mark.parametrize(("content", "problem"), [
    (None, "cannot read the report"),
    (b"{not json", "not a report: invalid JSON"),
    (b"\xff\xfe", "not a report: not UTF-8"),
    (b"[1, 2]", "not a conformance report: the top level is not an object"),
    (b'{"suites": {"s": {"modes": {"m": {"cases": [{"case": 1}]}}}}}',
     "not a conformance report: suite 's' mode 'm': case #1 lacks a 'case' or 'outcome' string"),
])
def test_an_unusable_report_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, problem: str
) -> None:
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_bytes(content)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_report({"a": "passed"})))
    assert main(["report", "--compare", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hvharness: {bad}: {problem}")
    assert len(err.splitlines()) == 1
    with pytest.raises(ReportError):
        load_report(bad)


def test_report_files_and_compare_do_not_mix(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps(_report({"a": "passed"})))
    assert main(["report", str(one), "--compare", str(one), str(one)]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["report"]) == 2
    assert "no report given" in capsys.readouterr().err


def test_the_report_says_where_it_comes_from(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.runpytest("--conformance-report", "r.json")
    data = json.loads((pytester.path / "r.json").read_text())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["date"])
    assert data["harness_version"]
    assert data["driver_version"] is None  # toyvisor.py is no installed distribution
    first = data["suite_hashes"]["suite"]
    assert first == suite_content_hash(toy.parent)
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 2 ")
    assert suite_content_hash(toy.parent) != first


def test_a_failing_case_keeps_a_bounded_diff(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    pytester.runpytest("--conformance-report", "r.json")
    data = json.loads((pytester.path / "r.json").read_text())
    cases = {c["case"]: c for c in data["suites"]["suite"]["modes"]["xml2argv"]["cases"]}
    assert "-smp 4" in cases["minimal"]["details"] and "+-smp 2" in cases["minimal"]["details"]
    assert "details" not in cases["disk"]  # a passing case carries none
    assert cases["minimal"]["caps"] == "toy-1.0"

    long = "\n".join(f"line {i}" for i in range(DETAILS_MAX_LINES + 50))
    cut = bounded_details(long).splitlines()
    assert len(cut) == DETAILS_MAX_LINES + 1
    assert cut[-1] == "... (50 more lines)"
    assert bounded_details("short\ntext") == "short\ntext"
