"""``hvharness run``: the main job runs the project's suites, and only them."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest


def _hvharness(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """``hvharness ARGS`` in a fresh interpreter, in the pytester directory."""
    plugins: list[str] = []
    if "harness.plugin" not in {ep.value for ep in entry_points(group="pytest11")}:
        plugins = ["-p", "harness.plugin"]  # a checkout that was never installed
    command = args[0]
    return pytester.run(sys.executable, "-m", "harness.cli", command, *plugins, *args[1:])


@pytest.fixture
def toy_with_tests(pytester: pytest.Pytester, toy: Path) -> Path:
    # A unit test beside the suite: plain pytest runs it, the main job not.
    pytester.makepyfile(test_unit="def test_unit():\n    pass\n")
    return toy


def test_run_runs_the_ini_suites_and_nothing_else(
    pytester: pytest.Pytester, toy_with_tests: Path
) -> None:
    pytester.runpytest().assert_outcomes(passed=13)
    result = _hvharness(pytester, "run", "-v")
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["hvharness: driver toyvisor:driver (hvharness_driver in tox.ini)",
                                 "*::xml2argv/minimal PASSED*"])
    assert "test_unit" not in result.stdout.str()


def test_run_under_xdist_workers_pick_the_same_suites(
    pytester: pytest.Pytester, toy_with_tests: Path
) -> None:
    pytest.importorskip("xdist")
    result = _hvharness(pytester, "run", "-n", "2")
    result.assert_outcomes(passed=12)


def test_run_passes_its_arguments_to_pytest(
    pytester: pytest.Pytester, toy_with_tests: Path
) -> None:
    result = _hvharness(pytester, "run", "-k", "xml2argv/minimal", "--conformance-report",
                        "report.json")
    result.assert_outcomes(passed=1, deselected=11)
    assert (pytester.path / "report.json").is_file()


def test_run_with_a_suite_option_runs_that_suite(
    pytester: pytest.Pytester, toy_with_tests: Path
) -> None:
    pytester.makeini("[pytest]\nhvharness_driver = toyvisor:driver\npythonpath = .\n")
    _hvharness(pytester, "run", "--suite", "suite").assert_outcomes(passed=12)


@pytest.mark.parametrize(
    ("ini", "problem"),
    [
        ("", "*tox.ini sets no hvharness_suites"),
        ("hvharness_suites = nowhere\n", "*the hvharness_suites of *tox.ini (*nowhere) have no cases/ directory"),
    ],
)
def test_run_without_a_suite_is_one_clear_error(
    pytester: pytest.Pytester, toy_with_tests: Path, ini: str, problem: str
) -> None:
    pytester.makeini(f"[pytest]\nhvharness_driver = toyvisor:driver\n{ini}")
    result = _hvharness(pytester, "run")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: hvharness run: no suite to run: {problem}; pass --suite DIR"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()
