"""Judging outcomes: goldens, rejections, .err, blank, warnings, status XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from toyproject import edit


def test_argv_mismatch_shows_wrapped_diff_and_saves_output(
    pytester: pytest.Pytester, toy: Path
) -> None:
    edit(toy / "xml2argv" / "minimal.args", "-smp 2", "-smp 4")
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*output differs from the golden suite/cases/xml2argv/minimal.args:",
        "--- suite/cases/xml2argv/minimal.args (expected)",
        "+++ obtained",
        "--smp 4",
        "+-smp 2",
        "obtained output saved to .pytest_cache/d/hvharness-obtained/suite/xml2argv/minimal.args",
        "(run with --regen to accept it as the golden)",
    ])
    saved = pytester.path / ".pytest_cache/d/hvharness-obtained/suite/xml2argv/minimal.args"
    assert saved.read_text().endswith("-smp 2\n")
    assert "Traceback" not in result.stdout.str()


def test_argv_golden_wrapped_differently_still_matches(
    pytester: pytest.Pytester, toy: Path
) -> None:
    (toy / "xml2argv" / "minimal.args").write_text(
        "HOME=/root /usr/bin/toyvisor -name demo \\\n-m 512 -smp 2\n")
    pytester.runpytest("-k", "xml2argv/minimal").assert_outcomes(passed=1)


def test_ok_case_rejected(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "minimal.xml", "<machine name='demo'>", "<machine>")
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "expected success, but the driver raised DefinitionRejected: the machine has no name"])


def test_rejection_case_that_succeeds_names_the_output(
    pytester: pytest.Pytester, toy: Path
) -> None:
    edit(toy / "xml2argv" / "noname.xml", "<machine>", "<machine name='x'>")
    result = pytester.runpytest("-k", "noname")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "expected parse-error (DefinitionRejected), but the conversion succeeded; it produced:",
        "    HOME=/root \\",
        "    -name x \\",
    ])


def test_wrong_kind_of_rejection(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", 'unflags = ["drive"]\nexpect = "failure"',
         'unflags = ["drive"]\nexpect = "parse-error"')
    result = pytester.runpytest("-k", "disk-nodrive")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "expected parse-error (DefinitionRejected), but the driver raised CommandLineRefused: "
        "this toyvisor cannot attach disks (no 'drive' flag)"])


def test_error_expectation_accepts_any_rejection(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", 'expect = "failure"', 'expect = "error"')
    edit(toy / "xml2argv" / "cases.toml", 'expect = "parse-error"', 'expect = "error"')
    pytester.runpytest("-k", "noname or nodrive").assert_outcomes(passed=2)


def test_err_golden_compares_the_error_text(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2argv" / "noname.err").write_text("the machine is nameless\n")
    result = pytester.runpytest("-k", "noname")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "DefinitionRejected as expected, but its text differs from suite/cases/xml2argv/noname.err:",
        "-the machine is nameless",
        "+the machine has no name",
    ])


def test_driver_exception_is_reported_briefly(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "minimal.xml", "<cpus>", "<explode/><cpus>")
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "driver raised an unexpected exception: RuntimeError: the toy exploded "
        "(at toyvisor.py:* in xml_to_argv)"])
    assert "Traceback" not in result.stdout.str()
    full = pytester.runpytest("-k", "xml2argv/minimal", "--tb=long")
    full.stdout.fnmatch_lines(["Traceback (most recent call last):", "*raise RuntimeError*"])


def test_blank_lines_are_ignored_in_both(pytester: pytest.Pytester, toy: Path) -> None:
    # The toy driver writes a random <uuid>; the manifest blanks it.
    pytester.runpytest("-k", "argv2xml").assert_outcomes(passed=2)
    edit(toy / "argv2xml" / "cases.toml", "blank = ['<uuid>.*</uuid>']", "blank = []")
    result = pytester.runpytest("-k", "argv2xml")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["-  <uuid>*</uuid>", "+  <uuid>*</uuid>"])


def test_expect_warning(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "argv2xml" / "cases.toml", "expect_warning = true", "expect_warning = false")
    result = pytester.runpytest("-k", "argv2xml")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "the driver reported warnings, and the case expects none:",
        "    unknown option -frobnicate ignored",
    ])
    edit(toy / "argv2xml" / "cases.toml", '[case."minimal"]', '[case."minimal"]\nexpect_warning = true')
    result = pytester.runpytest("-k", "argv2xml/minimal")
    result.stdout.fnmatch_lines(["expected a warning, but the driver reported none"])


def test_status_round_trip_failure_is_named(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2xml" / "cases.toml", "<status state='running'>\n",
         "<status state='running'>\n  <pid>1</pid>\n")
    result = pytester.runpytest("-k", "xml2xml")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "status round trip (status_xml) differs from the wrapped golden "
        "suite/cases/xml2xml/canonical.out-active.xml:",
        "-  <pid>1</pid>",
        "obtained output saved to *canonical.active.xml, *canonical.active.status.xml",
    ])
    assert "output differs from the golden" not in result.stdout.str()


def test_status_input_is_indented_and_wrapped(pytester: pytest.Pytester, toy: Path) -> None:
    # The toy driver only accepts a <status> document holding a <machine>.
    edit(toy / "xml2xml" / "cases.toml", "<status state='running'>", "<other state='running'>")
    edit(toy / "xml2xml" / "cases.toml", "</status>", "</other>")
    result = pytester.runpytest("-k", "canonical.active")
    result.stdout.fnmatch_lines([
        "status round trip: the driver raised DefinitionRejected: "
        "a status document is <status><machine/></status>"])
