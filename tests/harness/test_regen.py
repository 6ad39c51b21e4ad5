"""Regeneration: --regen (failed), --regen=all, --regen=new; safe writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from toyproject import edit, snapshot


def _break(toy: Path) -> None:
    """One golden out of date, one missing, one wrapped badly, one XML golden stale."""
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    (toy / "xml2argv" / "vnc.args").unlink()
    (toy / "xml2argv" / "disk-ide.args").write_text(
        (toy / "xml2argv" / "disk-ide.args").read_text().replace(" \\\n-smp", " -smp"))
    edit(toy / "xml2xml" / "defaults.out.xml", "<memory>256", "<memory>999")


def test_regen_failed_rewrites_failing_and_missing(pytester: pytest.Pytester, toy: Path) -> None:
    original = snapshot(toy)
    _break(toy)
    badly_wrapped = (toy / "xml2argv" / "disk-ide.args").read_text()
    result = pytester.runpytest("--regen")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines([
        "*hvharness regeneration*",
        "3 golden files written",
        "  written  suite/cases/xml2argv/minimal.args",
        "  created  suite/cases/xml2argv/vnc.args",
        "  written  suite/cases/xml2xml/defaults.out.xml",
    ])
    # A golden that matches, however it is wrapped, is left alone.
    assert (toy / "xml2argv" / "disk-ide.args").read_text() == badly_wrapped
    after = snapshot(toy)
    after["xml2argv/disk-ide.args"] = original["xml2argv/disk-ide.args"]
    assert after == original
    pytester.runpytest().assert_outcomes(passed=12)


def test_regen_new_only_creates_missing(pytester: pytest.Pytester, toy: Path) -> None:
    _break(toy)
    result = pytester.runpytest("--regen=new")
    result.assert_outcomes(passed=10, failed=2)
    result.stdout.fnmatch_lines(["1 golden file written", "  created  suite/cases/xml2argv/vnc.args"])
    assert "-smp 4" in (toy / "xml2argv" / "minimal.args").read_text()


def test_regen_all_rewrites_and_rewraps(pytester: pytest.Pytester, toy: Path) -> None:
    original = snapshot(toy)
    _break(toy)
    result = pytester.runpytest("--regen=all")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["4 golden files written"])
    assert snapshot(toy) == original
    # Nothing left to change: nothing is written.
    pytester.runpytest("--regen=all").stdout.fnmatch_lines(["0 golden files written"])


def test_regen_never_writes_an_input(pytester: pytest.Pytester, toy: Path) -> None:
    canonical = toy / "xml2xml" / "canonical.xml"
    edit(canonical, "<cpus>2</cpus>\n", "")
    before = canonical.read_bytes()
    result = pytester.runpytest("--regen=all", "-k", "canonical.inactive")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "  NOT written suite/cases/xml2xml/canonical.xml (suite::xml2xml/canonical.inactive):"
        " identity case: the expected output is the input"])
    assert canonical.read_bytes() == before


def test_shared_golden_conflict_is_reported_not_written(
    pytester: pytest.Pytester, toy: Path
) -> None:
    manifest = toy / "xml2argv" / "cases.toml"
    edit(manifest, '[case."vnc"]\ninput = "minimal"', '[case."vnc"]\ninput = "minimal"\ngolden = "minimal"')
    golden = toy / "xml2argv" / "minimal.args"
    before = golden.read_bytes()
    (toy / "xml2argv" / "vnc.args").unlink()
    result = pytester.runpytest("--regen")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([
        "  CONFLICT    suite/cases/xml2argv/minimal.args (suite::xml2argv/minimal, "
        "suite::xml2argv/vnc): the cases sharing it produced different output"])
    assert golden.read_bytes() == before


def test_shared_golden_written_once_when_sharers_agree(
    pytester: pytest.Pytester, toy: Path
) -> None:
    manifest = toy / "xml2argv" / "cases.toml"
    edit(manifest, '[case."migrate-stdio"]', '[case."minimal-again"]\ninput = "minimal"\n'
         'golden = "minimal"\n\n[case."migrate-stdio"]')
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    result = pytester.runpytest("--regen")
    result.assert_outcomes(passed=13)
    result.stdout.fnmatch_lines(["1 golden file written", "  written  suite/cases/xml2argv/minimal.args"])
    pytester.runpytest().assert_outcomes(passed=13)


def test_regen_under_xdist_writes_the_same_files_as_serial(
    pytester: pytest.Pytester, toy: Path
) -> None:
    pytest.importorskip("xdist")
    _break(toy)
    serial_copy = pytester.path / "serial"
    shutil.copytree(toy.parent, serial_copy)
    parallel = pytester.runpytest_subprocess("--regen", "-n", "2", "-p", "xdist")
    parallel.assert_outcomes(passed=12)
    parallel.stdout.fnmatch_lines(["3 golden files written"])
    serial = pytester.runpytest("--regen", "--suite", "serial")
    serial.assert_outcomes(passed=12)
    assert snapshot(toy.parent) == snapshot(serial_copy)
    assert not [p for p in toy.rglob(".*") if p.is_file()], "temporary files left behind"
