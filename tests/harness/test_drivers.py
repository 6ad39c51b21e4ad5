"""Loading the driver: --driver, the ini key, an entry point; declared modes."""

from __future__ import annotations

import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from harness.errors import DriverLoadError
from harness.session import HarnessState


def test_driver_from_ini(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest()
    result.assert_outcomes(passed=12)
    result.stdout.fnmatch_lines(["hvharness: driver toyvisor:driver (hvharness_driver in tox.ini)"])


def test_driver_option_overrides_ini(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--driver", "toyvisor:xml_only_driver", "-rs")
    result.assert_outcomes(passed=10, skipped=2)
    result.stdout.fnmatch_lines(["*driver 'toyvisor' does not support argv2xml*"])


def test_driver_from_entry_point(pytester: pytest.Pytester, toy: Path) -> None:
    _registered_toy(pytester)
    pytester.runpytest("--driver", "toy").assert_outcomes(passed=12)


def test_bare_module_name_uses_its_driver_attribute(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.runpytest("--driver", "toyvisor").assert_outcomes(passed=12)


def _registered_toy(pytester: pytest.Pytester) -> None:
    """An installed distribution declaring the toy driver as the entry point 'toy'."""
    dist = pytester.path / "toyplug-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toyplug\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[hvharness.drivers]\ntoy = toyvisor:driver\n")
    pytester.syspathinsert()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nosuchmodule:driver", "cannot import 'nosuchmodule': ModuleNotFoundError: No module named 'nosuchmodule'"),
        ("toyvisor:drivr", "module 'toyvisor' has no attribute 'drivr' (did you mean 'driver'?)"),
        ("toyvisor:nothing", "module 'toyvisor' has no attribute 'nothing'"),
        ("toyvisor:ToyDriver.name", "toyvisor:ToyDriver.name is not a driver: it has no name, modes"),
        ("", "the driver name is empty"),
        ("nosuch", "cannot import 'nosuch': ModuleNotFoundError: No module named 'nosuch'"),
    ],
)
def test_bad_driver_is_one_usage_error(
    pytester: pytest.Pytester, toy: Path, spec: str, message: str
) -> None:
    _registered_toy(pytester)
    result = pytester.runpytest("--driver", spec)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        f"ERROR: driver '{spec}' (--driver): {message}; drivers registered in "
        "hvharness.drivers: *toy (toyvisor:driver)*"])
    output = result.stdout.str() + result.stderr.str()
    assert output.count(message) == 1
    assert "Traceback" not in output
    assert "collected" not in output


@pytest.mark.parametrize(
    ("modes", "message"),
    [
        ("iter(['xml2argv'])", "'modes' must be a set of modes, not list_iterator"),
        ("'xml2argv'", "'modes' must be a set of modes, not str"),
        ("{'xml2args'}", "'modes' must be a set of modes: 'xml2args' is not a valid Mode"),
    ],
)
def test_bad_modes_are_a_usage_error(
    pytester: pytest.Pytester, toy: Path, modes: str, message: str
) -> None:
    pytester.makepyfile(oddmodes=f"from toyvisor import ToyDriver\ndriver = ToyDriver({modes})\n")
    result = pytester.runpytest("--driver", "oddmodes:driver")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: driver 'oddmodes:driver' (--driver): oddmodes:driver: {message};*"])


def test_bad_driver_in_the_ini_is_a_usage_error(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.makeini("[pytest]\nhvharness_driver = toyvisor:drivr\nhvharness_suites = suite\n"
                     "pythonpath = .\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: driver 'toyvisor:drivr' (hvharness_driver in tox.ini): "
                                 "module 'toyvisor' has no attribute 'drivr'*"])


def test_driver_exiting_on_import_is_a_usage_error(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.makepyfile(exiting="import sys\nsys.exit('no hypervisor here')\n")
    result = pytester.runpytest("--driver", "exiting:driver")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: driver 'exiting:driver' (--driver): cannot import "
                                 "'exiting': SystemExit: no hypervisor here (*exiting.py:2)*"])


def test_driver_hanging_on_import_is_a_usage_error(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.makepyfile(hanging="import time\ntime.sleep(30)\n")
    result = pytester.runpytest("--driver", "hanging:driver", "-o", "hvharness_timeout=0.5")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: driver 'hanging:driver' (--driver): loading it took "
                                 "longer than 0.5 s (hvharness_timeout); drivers registered*"])


def test_bad_driver_under_xdist_is_reported_once(pytester: pytest.Pytester, toy: Path) -> None:
    pytest.importorskip("xdist")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--driver", "toyvisor:drivr")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    output = result.stdout.str() + result.stderr.str()
    assert output.count("has no attribute 'drivr'") == 1


def test_help_works_with_a_bad_driver(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--driver", "toyvisor:drivr", "--help")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*hvharness_timeout*"])


def test_no_driver_configured(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.makeini("[pytest]\nhvharness_suites = suite\npythonpath = .\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: no driver configured: pass --driver MODULE:ATTR*"])


def test_failed_load_raises_a_fresh_error_each_time() -> None:
    # An xdist worker loads the driver itself; one cached exception raised
    # for every case would gather every case's frames in its traceback.
    config = cast(pytest.Config, SimpleNamespace(
        workerinput={}, getini=lambda name: "30", rootpath=Path.cwd()))
    state = HarnessState(config, [], "nosuchmodule:driver", " (--driver)", None, False, None)
    raised = []
    for _ in range(3):
        with pytest.raises(DriverLoadError, match="cannot import 'nosuchmodule'") as info:
            state.driver()
        raised.append(info.value)
    assert raised[0] is not raised[2]
    depths = [len(traceback.extract_tb(exc.__traceback__)) for exc in raised]
    assert depths[0] == depths[2]
