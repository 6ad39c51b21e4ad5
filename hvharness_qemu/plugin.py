"""pytest glue: ``--qemu-validate[=BINARY]`` and the harness's check hook.

Inert unless the option is given. Under ``-n``, each worker validates the
cases it runs (each validation has its own temporary directory, so runs
overlap safely) and identifies the emulator once.

pytest loads this module into every session of every project once the
package is installed, so it imports the checker (and with it the reference
driver and lxml) only when ``--qemu-validate`` is given.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from harness.output_check import OutputCheck
    from harness.protocol import Capabilities
    from harness.suite import Case

    from .checker import QemuChecker

DEFAULT_BINARY = "qemu-system-x86_64"
_NAME = "hvharness-qemu-checker"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hvharness-qemu", "validating command lines with a real QEMU")
    group.addoption(
        "--qemu-validate", nargs="?", const=DEFAULT_BINARY, default=None, metavar="BINARY",
        dest="qemu_validate",
        help="start every xml2argv case's command line paused under BINARY (default: "
             f"{DEFAULT_BINARY} on PATH) when its capability set was probed from that "
             "emulator; a command line QEMU refuses fails the case",
    )


def resolve_binary(spec: str) -> str:
    """An executable path for ``spec`` (a path, or a name looked up on PATH)."""
    if os.sep in spec:
        if os.path.isfile(spec) and os.access(spec, os.X_OK):
            return os.path.abspath(spec)
        raise pytest.UsageError(f"--qemu-validate {spec}: not an executable file")
    found = shutil.which(spec)
    if found is None:
        raise pytest.UsageError(f"--qemu-validate: {spec} not found on PATH")
    return found


class QemuValidatePlugin:
    def __init__(self, checker: QemuChecker) -> None:
        self.checker = checker

    def pytest_report_header(self) -> str:
        return f"hvharness-qemu: validating probed-set command lines with {self.checker.binary}"

    def pytest_hvharness_check_output(
        self, case: Case, caps: Capabilities, output: str
    ) -> OutputCheck | None:
        return self.checker.check(case, caps, output)


def pytest_configure(config: pytest.Config) -> None:
    spec = config.getoption("qemu_validate", None)
    if spec is None or config.pluginmanager.has_plugin(_NAME):
        return
    from .checker import QemuChecker

    config.pluginmanager.register(QemuValidatePlugin(QemuChecker(resolve_binary(spec))), _NAME)


def pytest_unconfigure(config: pytest.Config) -> None:
    plugin = config.pluginmanager.get_plugin(_NAME)
    if plugin is not None:
        config.pluginmanager.unregister(plugin)


__all__ = ["DEFAULT_BINARY", "QemuValidatePlugin", "resolve_binary"]
