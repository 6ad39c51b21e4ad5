"""Bad input: one clear error naming the file and the problem; others still run."""

from __future__ import annotations

from pathlib import Path

import pytest
from toyproject import edit


def _no_traceback(result: pytest.RunResult) -> None:
    text = result.stdout.str()
    assert "Traceback" not in text and "harness/" not in text.replace("suite/", "")


def test_malformed_manifest_fails_its_mode_only(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2xml" / "cases.toml").write_text('[case."x"\ninput = 1\n')
    result = pytester.runpytest()
    result.assert_outcomes(passed=9, errors=1)
    result.stdout.fnmatch_lines([
        "suite/cases/xml2xml/cases.toml: invalid TOML: * (at line 1, column *)"])
    _no_traceback(result)


def test_malformed_manifest_says_how_many_cases_it_hides(
    pytester: pytest.Pytester, toy: Path
) -> None:
    manifest = toy / "xml2argv" / "cases.toml"
    manifest.write_text(manifest.read_text() + '[case."disk"]\n')
    result = pytester.runpytest("-k", "xml2argv")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "suite/cases/xml2argv/cases.toml: invalid TOML: * (8 cases not run)"])


def test_unknown_top_level_key(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", "[defaults]", "[status_xml]\nprefix=''\nsuffix=''\n\n[defaults]")
    result = pytester.runpytest("-k", "xml2argv")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "suite/cases/xml2argv/cases.toml: unknown top-level key 'status_xml' (allowed: case, defaults)"])


def test_unknown_key_fails_that_case_only(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", '[case."disk"]', '[case."disk"]\nflgas = ["x"]\nexpect = "maybe"')
    result = pytester.runpytest()
    result.assert_outcomes(passed=11, errors=1)
    result.stdout.fnmatch_lines([
        "suite/cases/xml2argv/cases.toml:6: case 'disk': unknown key 'flgas' for xml2argv "
        "(allowed: *); 'expect' must be one of 'ok', 'parse-error', 'failure', 'error', not 'maybe'"])
    _no_traceback(result)


def test_missing_input(pytester: pytest.Pytester, toy: Path) -> None:
    (toy / "xml2argv" / "disk.xml").unlink()
    result = pytester.runpytest("-k", "xml2argv")
    result.assert_outcomes(passed=4, errors=3)
    result.stdout.fnmatch_lines([
        "suite/cases/xml2argv/cases.toml:6: case 'disk': input suite/cases/xml2argv/disk.xml: "
        "file not found"])


def test_path_escaping_the_suite(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", '[case."disk"]', '[case."disk"]\ninput = "../../../etc/passwd"')
    edit(toy / "xml2argv" / "cases.toml", '[case."noname"]', '[case."noname"]\ngolden = "/etc/x"')
    result = pytester.runpytest("-k", "xml2argv")
    result.assert_outcomes(passed=5, errors=2)
    result.stdout.fnmatch_lines([
        "*case 'disk': input '../../../etc/passwd' is outside the suite directory suite",
        "*case 'noname': golden '/etc/x' is outside the suite directory suite",
    ])


def test_missing_caps_set(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", '[case."vnc"]', '[case."vnc"]\ncaps = "toy-9"')
    result = pytester.runpytest("-k", "xml2argv")
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines([
        "suite/caps/toy-9.toml: capability set 'toy-9' not found (capability set of case 'vnc')"])


def test_caps_extends_cycle_and_missing_parent(pytester: pytest.Pytester, toy: Path) -> None:
    caps = toy.parent / "caps"
    edit(caps / "toy-base.toml", "flags", 'extends = "toy-1.0"\nflags')
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'extends' cycle: toy-1.0 -> toy-base -> toy-1.0*"])
    edit(caps / "toy-base.toml", 'extends = "toy-1.0"', 'extends = "toy-0"')
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.stdout.fnmatch_lines([
        "suite/caps/toy-base.toml: extends capability set 'toy-0' not found (no toy-0.toml)*"])


def test_unreadable_caps_set(pytester: pytest.Pytester, toy: Path) -> None:
    (toy.parent / "caps" / "toy-1.0.toml").write_text("flags = [\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=12)
    result.stdout.fnmatch_lines(["suite/caps/toy-1.0.toml: invalid TOML: *"])
    _no_traceback(result)


def test_bad_cases_never_hide_the_others(pytester: pytest.Pytester, toy: Path) -> None:
    edit(toy / "xml2argv" / "cases.toml", '[case."vnc"]', '[case."vnc"]\ncaps = "toy-9"')
    edit(toy / "xml2argv" / "minimal.xml", "<cpus>", "<explode/><cpus>")
    (toy / "argv2xml" / "cases.toml").write_text("not toml at all\n")
    result = pytester.runpytest()
    # minimal, vnc and migrate-stdio share minimal.xml; vnc's caps are missing.
    result.assert_outcomes(passed=7, failed=2, errors=2)
