"""The pytest plugin of ``hvharness run``: the ini's suites become ``--suite``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before the harness's own pytest_configure, which reads --suite: as
    # explicit suites, they replace the ini's test paths.
    if config.getoption("suite"):
        return
    named: list[Path] = config.getini("hvharness_suites")
    suites = [str(path) for path in named if (path / "cases").is_dir()]
    if not suites:
        raise pytest.UsageError(_no_suite(config, named))
    config.option.suite = suites


def _no_suite(config: pytest.Config, named: Sequence[Path]) -> str:
    if config.inipath is None:
        where = f"no pytest configuration file in {config.invocation_params.dir} or above"
    elif not named:
        where = f"{config.inipath} sets no hvharness_suites"
    else:
        listed = ", ".join(str(p) for p in named)
        where = f"the hvharness_suites of {config.inipath} ({listed}) have no cases/ directory"
    return f"hvharness run: no suite to run: {where}; pass --suite DIR"
