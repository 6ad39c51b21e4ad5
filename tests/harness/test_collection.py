"""Collection: one test per case, ids ending in MODE/CASE_ID, selection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


def test_one_test_per_case_with_mode_and_case_id(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--collect-only", "-q")
    result.assert_outcomes()
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 12
    assert "suite::xml2argv/minimal" in ids
    assert "suite::xml2xml/canonical.active" in ids
    assert "suite::argv2xml/unknown-option" in ids
    # Manifest order within a mode, modes in a fixed order.
    assert ids[0] == "suite::xml2argv/minimal"
    assert ids[-1] == "suite::argv2xml/unknown-option"


def test_all_cases_pass(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.runpytest().assert_outcomes(passed=12)


def test_keyword_selection(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.runpytest("-k", "disk").assert_outcomes(passed=3)
    pytester.runpytest("-k", "xml2xml and canonical.active").assert_outcomes(passed=1)


def test_verbose_ids_keep_the_case_id(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("-v", "-k", "canonical")
    result.stdout.fnmatch_lines(["suite::xml2xml/canonical.inactive PASSED*"])


def test_exitfirst_and_last_failed(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2argv" / "vnc.args").write_text("/bin/other\n")
    (toy / "xml2argv" / "disk.args").write_text("/bin/other\n")
    pytester.runpytest("-x").assert_outcomes(failed=1, passed=1)
    pytester.runpytest().assert_outcomes(failed=2, passed=10)
    result = pytester.runpytest("--lf", "-v")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*xml2argv/disk FAILED*", "*xml2argv/vnc FAILED*"])


def test_suite_option_replaces_ini_suites_and_testpaths(
    pytester: pytest.Pytester, toy: Path
) -> None:
    other = pytester.path / "elsewhere" / "other-suite"
    shutil.copytree(toy.parent, other)
    shutil.rmtree(other / "cases" / "xml2xml")
    pytester.makepyfile(test_unit="def test_unit(): pass")
    result = pytester.runpytest("--suite", "elsewhere/other-suite", "--collect-only", "-q")
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 9
    assert all(i.startswith("other-suite::") for i in ids)
    both = pytester.runpytest("--suite", "elsewhere/other-suite", "--suite=suite")
    both.assert_outcomes(passed=21)


def test_suite_outside_the_rootdir(pytester: pytest.Pytester, toy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "corpus-9.9"
    shutil.copytree(toy.parent, outside)
    result = pytester.runpytest("--suite", str(outside), "-v")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["*corpus-9.9::xml2argv/minimal PASSED*"])
    assert f"rootdir: {pytester.path}" in result.stdout.str()


def test_bad_suite_option(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--suite", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--suite nowhere: no such directory*"])
    result = pytester.runpytest("--suite", "suite/caps")
    result.stderr.fnmatch_lines(["*not a suite directory (it has no cases/ subdirectory)*"])


def test_missing_own_suite_or_empty_mode_directory_is_fine(
    pytester: pytest.Pytester, toy: Path
) -> None:
    shutil.rmtree(toy)
    pytester.makepyfile(test_unit="def test_unit(): pass")
    pytester.runpytest().assert_outcomes(passed=1)
    (toy / "xml2argv").mkdir(parents=True)
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize("text", ["", "# nothing yet\n", '[defaults]\ncaps = "toy-1.0"\n'])
def test_manifest_without_cases_is_an_error(
    pytester: pytest.Pytester, toy: Path, text: str
) -> None:
    (toy / "xml2xml" / "cases.toml").write_text(text)
    result = pytester.runpytest()
    result.assert_outcomes(passed=9, errors=1)
    result.stdout.fnmatch_lines([
        'suite/cases/xml2xml/cases.toml: no cases: add a [case."ID"] table per case (or remove the mode directory)'])


def test_misspelt_mode_directory_is_an_error(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2argv").rename(toy / "xml2agrv")
    (toy / ".hidden").mkdir()
    (toy / "__pycache__").mkdir()
    result = pytester.runpytest("--conformance-report", "r.json")
    result.assert_outcomes(passed=5, errors=1)
    result.stdout.fnmatch_lines([
        "suite/cases/xml2agrv: not a mode directory (the modes are xml2argv, xml2xml, argv2xml); its files are not run"])
    assert json.loads((pytester.path / "r.json").read_text())["totals"]["errors"] == 1


def test_mode_directory_without_manifest_is_an_error(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "argv2xml" / "cases.toml").unlink()
    result = pytester.runpytest()
    result.assert_outcomes(passed=10, errors=1)
    result.stdout.fnmatch_lines([
        "suite/cases/argv2xml: no cases.toml: its files are not run (add a manifest, or remove the directory)"])


def test_plugin_is_inert_without_suites(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unit="def test_unit(): pass")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "hvharness:" not in result.stdout.str()
