"""Orphans: files no case references fail a full run; --regen --prune deletes them."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_orphan_fails_a_full_run(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2argv" / "forgotten.args").write_text("/bin/x\n")
    (toy / "xml2argv" / ".editor.swp").write_text("ignored\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=12, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of suite::xml2argv (unreferenced files)*",
        "1 file(s) that no case references (delete them, or run with --regen --prune):",
        "  suite/cases/xml2argv/forgotten.args",
    ])
    # The last line says why the run failed.
    assert result.outlines[-1].startswith("=") and "12 passed, 1 error" in result.outlines[-1]


def test_partial_runs_report_no_orphans(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2argv" / "forgotten.args").write_text("/bin/x\n")
    result = pytester.runpytest("-k", "minimal")
    assert result.ret == pytest.ExitCode.OK
    assert "hvharness orphans" not in result.stdout.str()
    # Every xml2argv case selected: that mode is checked again.
    result = pytester.runpytest("-k", "xml2argv")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # Stopped early by -x: not a full run.
    (toy / "xml2argv" / "disk.args").write_text("/bin/other\n")
    result = pytester.runpytest("-x")
    assert "hvharness orphans" not in result.stdout.str()


def test_unused_input_and_golden_are_orphans(pytester: pytest.Pytester, toy: Path) -> None:
    manifest = toy / "argv2xml" / "cases.toml"
    manifest.write_text(manifest.read_text().replace('[case."unknown-option"]\nexpect_warning = true\n', ""))
    result = pytester.runpytest()
    result.stdout.fnmatch_lines([
        "2 file(s) that no case references*",
        "  suite/cases/argv2xml/unknown-option.args",
        "  suite/cases/argv2xml/unknown-option.xml",
    ])


def test_regen_prune_deletes_orphans(pytester: pytest.Pytester, toy: Path) -> None:
    orphan = toy / "xml2xml" / "old.out.xml"
    orphan.write_text("<machine/>\n")
    partial = pytester.runpytest("--regen", "--prune", "-k", "canonical")
    assert orphan.exists() and partial.ret == pytest.ExitCode.OK
    result = pytester.runpytest("--regen", "--prune")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["  deleted  suite/cases/xml2xml/old.out.xml"])
    assert not orphan.exists()


def test_prune_needs_regen(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--prune")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--prune only works with --regen*"])


def test_orphans_found_under_xdist(pytester: pytest.Pytester, toy: Path) -> None:
    pytest.importorskip("xdist")
    (toy / "xml2argv" / "forgotten.args").write_text("/bin/x\n")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist")
    result.assert_outcomes(passed=12, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["  suite/cases/xml2argv/forgotten.args"])
    partial = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "-k", "minimal")
    assert partial.ret == pytest.ExitCode.OK
