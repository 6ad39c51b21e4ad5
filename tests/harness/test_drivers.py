"""Loading the driver: --driver, the ini key, an entry point; declared modes."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_driver_from_ini(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest()
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["hvharness: driver toyvisor:driver (hvharness_driver in tox.ini)"])


def test_driver_option_overrides_ini(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--driver", "toyvisor:xml_only_driver", "-rs")
    result.assert_outcomes(passed=10, skipped=2)
    result.stdout.fnmatch_lines(["*driver 'toyvisor' does not support argv2xml*"])


def test_driver_from_entry_point(pytester: pytest.Pytester, toy: Path) -> None:
    dist = pytester.path / "toyplug-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toyplug\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[hvharness.drivers]\ntoy = toyvisor:driver\n")
    pytester.syspathinsert()
    pytester.runpytest("--driver", "toy").assert_outcomes(passed=12)


def test_bare_module_name_uses_its_driver_attribute(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.runpytest("--driver", "toyvisor").assert_outcomes(passed=12)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nosuchmodule:driver", "cannot import 'nosuchmodule': ModuleNotFoundError*"),
        ("toyvisor:nothing", "module 'toyvisor' has no attribute 'nothing'"),
        ("toyvisor:ToyDriver.name", "toyvisor:ToyDriver.name is not a driver: it has no name, modes"),
    ],
)
def test_bad_driver_is_one_clear_error(
    pytester: pytest.Pytester, toy: Path, spec: str, message: str
) -> None:
    result = pytester.runpytest("--driver", spec, "-k", "xml2argv/minimal")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"driver '{spec}' (--driver): {message}"])
    assert "Traceback" not in result.stdout.str()


def test_no_driver_configured(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.makeini("[pytest]\nhvharness_suites = suite\npythonpath = .\n")
    result = pytester.runpytest("-k", "xml2argv/minimal")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no driver configured: pass --driver MODULE:ATTR*"])
