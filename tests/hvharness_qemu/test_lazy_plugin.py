"""Installed plugins cost other projects nothing: no driver, no lxml, unless asked.

pytest loads every ``pytest11`` entry point into every session of every
project, so a session that names no suite and no ``--qemu-validate`` must
not import the reference driver or lxml. Checked in a fresh interpreter
(the test process itself has them loaded long ago).
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

HEAVY = ("lxml", "qemudrv", "hvharness_qemu.checker")

# Writes which heavy modules the session imported, once everything has run.
_REPORTER = f"""\
import sys

def pytest_unconfigure(config):
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r} or m in {HEAVY!r})
    with open("imported.txt", "w") as f:
        f.write("\\n".join(heavy))
"""


def _plugin_args() -> list[str]:
    """``-p`` for the plugins that an installed package would have registered."""
    installed = {ep.value for ep in entry_points(group="pytest11")}
    return [
        arg
        for plugin in ("harness.plugin", "hvharness_qemu.plugin")
        if plugin not in installed
        for arg in ("-p", plugin)
    ]


def _imported(pytester: pytest.Pytester, *args: str) -> list[str]:
    pytester.makeconftest(_REPORTER)
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess(*_plugin_args(), "-p", "no:randomly", *args)
    result.assert_outcomes(passed=1)
    return (pytester.path / "imported.txt").read_text().split()


def test_a_session_without_suites_imports_no_driver_and_no_lxml(
    pytester: pytest.Pytester,
) -> None:
    assert _imported(pytester) == []


def test_qemu_validate_loads_the_checker(pytester: pytest.Pytester) -> None:
    # The control for the test above: the reporter does see the imports.
    imported = _imported(pytester, "--qemu-validate=/bin/true")
    assert {"hvharness_qemu.checker", "qemudrv", "lxml"} <= set(imported)
