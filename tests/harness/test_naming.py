"""Suite names: unique, one per suite everywhere, and test ids that can be run again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from toyproject import edit, snapshot

from harness.session import suite_names


def _ids(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "::" in line]


def test_names_are_directory_names_told_apart_by_parents(tmp_path: Path) -> None:
    roots = [tmp_path / "x" / "a" / "corpus", tmp_path / "y" / "a" / "corpus",
             tmp_path / "b" / "corpus", tmp_path / "other"]
    names = suite_names(roots, tmp_path)
    assert names == {roots[0]: "x/a/corpus", roots[1]: "y/a/corpus",
                     roots[2]: "b/corpus", roots[3]: "other"}
    assert suite_names(list(reversed(roots)), tmp_path) == names
    # The suite at the rootdir is named after its cases/ directory.
    assert suite_names([tmp_path, roots[3]], tmp_path) == {tmp_path: "cases", roots[3]: "other"}


def test_suites_with_the_same_name_stay_apart(pytester: pytest.Pytester, toy: Path) -> None:
    for parent in ("one", "two"):
        shutil.copytree(toy.parent, pytester.path / parent / "corpus")
    shutil.rmtree(pytester.path / "two" / "corpus" / "cases" / "argv2xml")
    orphan = pytester.path / "one" / "corpus" / "cases" / "xml2argv" / "forgotten.args"
    orphan.write_text("/bin/x\n")
    result = pytester.runpytest("--suite=one/corpus", "--suite=two/corpus",
                                "--conformance-report", "r.json", "--collect-only", "-q")
    ids = _ids(result)
    assert sum(i.startswith("one/corpus::") for i in ids) == 12
    assert sum(i.startswith("two/corpus::") for i in ids) == 10
    result = pytester.runpytest("--suite=one/corpus", "--suite=two/corpus",
                                "--conformance-report", "r.json")
    result.assert_outcomes(passed=22, errors=1)
    result.stdout.fnmatch_lines(["hvharness: suite one/corpus = one/corpus",
                                 "hvharness: suite two/corpus = two/corpus",
                                 "ERROR one/corpus::xml2argv - 1 file(s)*"])
    data = json.loads((pytester.path / "r.json").read_text())
    assert sorted(data["suites"]) == ["one/corpus", "two/corpus"]
    assert data["suites"]["one/corpus"]["totals"]["total"] == 12
    assert data["suites"]["two/corpus"]["totals"]["total"] == 10
    assert data["suites"]["one/corpus"]["modes"]["xml2argv"]["orphans"] == \
        ["cases/xml2argv/forgotten.args"]
    assert data["suites"]["two/corpus"]["modes"]["xml2argv"]["orphans"] == []
    # Pruning deletes in the suite that has the orphan, nothing in the other.
    two = snapshot(pytester.path / "two")
    pruned = pytester.runpytest("--suite=one/corpus", "--suite=two/corpus", "--regen", "--prune")
    pruned.assert_outcomes(passed=22)
    assert not orphan.exists()
    assert snapshot(pytester.path / "two") == two


def test_own_suite_has_one_name_everywhere(pytester: pytest.Pytester, toy: Path) -> None:
    shutil.copytree(toy.parent / "caps", pytester.path / "caps")
    shutil.copytree(toy, pytester.path / "cases")
    pytester.makeini("[pytest]\nhvharness_driver = toyvisor:driver\nhvharness_suites = .\n"
                     "pythonpath = .\n")
    shutil.rmtree(toy.parent)
    result = pytester.runpytest("-v", "--conformance-report", "r.json", "-k", "minimal")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["hvharness: suite cases = *",
                                 "cases::xml2argv/minimal PASSED*",
                                 "suite cases"])
    assert list(json.loads((pytester.path / "r.json").read_text())["suites"]) == ["cases"]


def test_printed_ids_run_the_case_inside_the_rootdir(pytester: pytest.Pytester, toy: Path) -> None:
    printed = _ids(pytester.runpytest("--collect-only", "-q"))
    assert "suite::xml2xml/canonical.active" in printed
    result = pytester.runpytest("-v", "suite::xml2xml/canonical.active", "suite::argv2xml/minimal")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["suite::xml2xml/canonical.active PASSED*",
                                 "suite::argv2xml/minimal PASSED*"])
    # The path of cases/ works too, and so does a suite name alone.
    pytester.runpytest("suite/cases::xml2argv/disk").assert_outcomes(passed=1)
    pytester.runpytest("--suite=suite", "suite").assert_outcomes(passed=12)
    missing = pytester.runpytest("suite::xml2argv/nope")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stderr.fnmatch_lines(["*not found: suite::xml2argv/nope (no such case)*"])


def test_printed_ids_run_the_case_outside_the_rootdir(
    pytester: pytest.Pytester, toy: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "corpus-9.9"
    shutil.copytree(toy.parent, outside)
    printed = _ids(pytester.runpytest("--suite", str(outside), "--collect-only", "-q"))
    assert "corpus-9.9::xml2argv/disk-ide" in printed
    result = pytester.runpytest("--suite", str(outside), "-v", "corpus-9.9::xml2argv/disk-ide")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["corpus-9.9::xml2argv/disk-ide PASSED*"])


def test_regen_conflict_is_an_error_in_the_last_line_and_the_report(
    pytester: pytest.Pytester, toy: Path
) -> None:
    manifest = toy / "xml2argv" / "cases.toml"
    edit(manifest, '[case."vnc"]\ninput = "minimal"',
         '[case."vnc"]\ninput = "minimal"\ngolden = "minimal"')
    (toy / "xml2argv" / "vnc.args").unlink()
    result = pytester.runpytest("--regen", "--conformance-report", "r.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=12, errors=1)
    result.stdout.fnmatch_lines(["ERROR suite::xml2argv - regeneration conflict: *"])
    assert "12 passed, 1 error" in result.outlines[-1]
    mode = json.loads((pytester.path / "r.json").read_text())["suites"]["suite"]["modes"]
    assert mode["xml2argv"]["conflicts"] == [{
        "golden": "cases/xml2argv/minimal.args",
        "cases": "suite::xml2argv/minimal, suite::xml2argv/vnc",
        "note": "the cases sharing it produced different output"}]
    assert mode["xml2xml"]["conflicts"] == []


def test_printed_ids_under_xdist(pytester: pytest.Pytester, toy: Path) -> None:
    pytest.importorskip("xdist")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist",
                                           "suite::xml2argv/minimal", "suite::xml2xml")
    result.assert_outcomes(passed=4)
