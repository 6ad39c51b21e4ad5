from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from toyproject import EXAMPLE


@pytest.fixture
def toy(pytester: pytest.Pytester) -> Path:
    """A project with the toyvisor driver and its suite, all cases passing.

    Returns the suite's ``cases/`` directory.
    """
    shutil.copytree(EXAMPLE / "suite", pytester.path / "suite")
    shutil.copy(EXAMPLE / "toyvisor.py", pytester.path)
    pytester.makeini(
        "[pytest]\n"
        "hvharness_driver = toyvisor:driver\n"
        "hvharness_suites = suite\n"
        "pythonpath = .\n"
        "filterwarnings = ignore::pytest.PytestAssertRewriteWarning\n"
    )
    return pytester.path / "suite" / "cases"
