"""The ``pytest_hvharness_check_output`` hook: a checker's verdict on matched outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from toyproject import edit

from harness.output_check import OutputCheck
from harness.wrap import unwrap

# A checker in the test project's conftest: it rejects the disk case, skips
# vnc, accepts the other command lines and records what it was handed.
CHECKER = '''
import json, os
from harness.output_check import OutputCheck

def pytest_hvharness_check_output(case, caps, output):
    with open("calls.jsonl", "a") as f:
        f.write(json.dumps({"case": case.id, "mode": str(case.mode), "caps": caps.name,
                            "output": output}) + "\\n")
    if str(case.mode) != "xml2argv":
        return None
    if os.environ.get("TOY_CHECK") == "raise":
        raise RuntimeError("checker exploded")
    if os.environ.get("TOY_CHECK") == "bad":
        return "accepted"
    if case.id == "disk":
        return OutputCheck("rejected", "toy-emu: -drive: bus 'virtio' unknown", "toy-check")
    if case.id == "vnc":
        return OutputCheck("skipped", "no display on this host", "toy-check")
    return OutputCheck("accepted", "", "toy-check")
'''


@pytest.fixture
def checked(pytester: pytest.Pytester, toy: Path) -> Path:
    pytester.makeconftest(CHECKER)
    return toy


def _calls(pytester: pytest.Pytester) -> list[dict[str, str]]:
    path = pytester.path / "calls.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_verdicts_fail_skip_or_pass(pytester: pytest.Pytester, checked: Path) -> None:
    result = pytester.runpytest("--conformance-report", "r.json", "-rfs")
    result.assert_outcomes(passed=10, failed=1, skipped=1)
    result.stdout.fnmatch_lines([
        "*xml2argv/disk (suite/cases/xml2argv/cases.toml:6)*",
        "toy-check rejected the output: toy-emu: -drive: bus 'virtio' unknown",
        "(the output matches suite/cases/xml2argv/disk.args)",
        "FAILED suite::xml2argv/disk - toy-check rejected the output: *",
        "SKIPPED ?1? suite/cases/xml2argv/cases.toml:*: toy-check: no display on this host",
        "*hvharness conformance*",
        "  xml2argv           5/7   71.4%  3/5         2/2       1       0        1",
        "  toy-check: 3 accepted, 1 skipped, 1 rejected",
    ])
    data = json.loads((pytester.path / "r.json").read_text())
    xml2argv = data["suites"]["suite"]["modes"]["xml2argv"]
    assert xml2argv["checked"] == {"accepted": 3, "rejected": 1, "skipped": 1}
    assert data["suites"]["suite"]["modes"]["xml2xml"]["checked"] == \
        {"accepted": 0, "rejected": 0, "skipped": 0}
    assert data["totals"]["checked"] == {"accepted": 3, "rejected": 1, "skipped": 1}
    cases = {c["case"]: c for c in xml2argv["cases"]}
    assert cases["disk"]["outcome"] == "failed"
    assert cases["disk"]["reason"] == \
        "toy-check rejected the output: toy-emu: -drive: bus 'virtio' unknown"
    assert cases["disk"]["check"] == {"status": "rejected", "checker": "toy-check",
                                      "message": "toy-emu: -drive: bus 'virtio' unknown"}
    assert cases["vnc"]["outcome"] == "skipped"
    assert cases["vnc"]["reason"] == "toy-check: no display on this host"
    assert cases["minimal"]["outcome"] == "passed"
    assert cases["minimal"]["check"]["status"] == "accepted"
    # Rejection cases are not checked; neither are modes the checker ignores.
    assert "check" not in cases["noname"] and "check" not in cases["disk-nodrive"]
    for case in data["suites"]["suite"]["modes"]["xml2xml"]["cases"]:
        assert "check" not in case


def test_called_with_the_unwrapped_output_of_matched_ok_cases(
    pytester: pytest.Pytester, checked: Path
) -> None:
    pytester.runpytest()
    calls = _calls(pytester)
    argv = {c["case"]: c for c in calls if c["mode"] == "xml2argv"}
    assert sorted(argv) == ["disk", "disk-ide", "migrate-stdio", "minimal", "vnc"]
    assert argv["minimal"]["caps"] == "toy-1.0"
    golden = (checked / "xml2argv" / "minimal.args").read_text()
    assert "\\\n" in golden
    assert argv["minimal"]["output"] == unwrap(golden)
    # Other modes are offered too, once per matched ok case.
    assert sorted(c["case"] for c in calls if c["mode"] == "xml2xml") == \
        ["canonical.active", "canonical.inactive", "defaults.inactive"]
    assert len(calls) == len({(c["mode"], c["case"]) for c in calls})


def test_not_called_when_the_golden_differs_or_is_regenerated(
    pytester: pytest.Pytester, checked: Path
) -> None:
    edit(checked / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    result = pytester.runpytest("-k", "xml2argv and minimal")
    result.assert_outcomes(failed=1, deselected=11)
    assert _calls(pytester) == []
    result = pytester.runpytest("-k", "xml2argv and minimal", "--regen")
    result.assert_outcomes(passed=1, deselected=11)
    assert _calls(pytester) == []
    # Once the golden matches again, the check runs.
    pytester.runpytest("-k", "xml2argv and minimal")
    assert [c["case"] for c in _calls(pytester)] == ["minimal"]


@pytest.mark.parametrize(("how", "message"), [
    ("raise", "output check raised RuntimeError: checker exploded"),
    ("bad", "output check raised TypeError: pytest_hvharness_check_output returned 'accepted', "
            "not an OutputCheck or None"),
])
def test_a_broken_checker_is_an_error_of_the_case(
    pytester: pytest.Pytester, checked: Path, monkeypatch: pytest.MonkeyPatch,
    how: str, message: str,
) -> None:
    monkeypatch.setenv("TOY_CHECK", how)
    result = pytester.runpytest("-k", "xml2argv and minimal", "--conformance-report", "r.json")
    result.assert_outcomes(failed=1, deselected=11)
    result.stdout.fnmatch_lines([f"*{message}*"])
    data = json.loads((pytester.path / "r.json").read_text())
    case = data["suites"]["suite"]["modes"]["xml2argv"]["cases"][0]
    assert (case["outcome"], case["reason"]) == ("error", message)


def test_no_checker_no_check_line(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--conformance-report", "r.json")
    result.assert_outcomes(passed=12)
    assert "accepted," not in result.stdout.str()
    data = json.loads((pytester.path / "r.json").read_text())
    assert data["totals"]["checked"] == {"accepted": 0, "rejected": 0, "skipped": 0}


def test_checks_survive_xdist(pytester: pytest.Pytester, checked: Path) -> None:
    pytest.importorskip("xdist")
    pytester.runpytest("--conformance-report", "serial.json")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist",
                                           "--conformance-report", "par.json")
    result.stdout.fnmatch_lines(["  toy-check: 3 accepted, 1 skipped, 1 rejected"])
    serial = json.loads((pytester.path / "serial.json").read_text())
    par = json.loads((pytester.path / "par.json").read_text())
    # Only when each report was written differs.
    assert serial.pop("date") and par.pop("date")
    assert serial == par


def test_output_check_validates_its_fields() -> None:
    check = OutputCheck("accepted", "", "mine")
    assert OutputCheck.from_dict(check.to_dict()) == check
    with pytest.raises(ValueError, match="not one of accepted, rejected, skipped"):
        OutputCheck("maybe", "", "mine")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="name of its checker"):
        OutputCheck("accepted", "", "")
