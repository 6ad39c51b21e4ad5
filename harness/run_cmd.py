"""``hvharness run``: the main job, the project's own suites under its driver.

Without ``--suite``, it runs the suites the project names in its pytest
configuration (ini key ``hvharness_suites``, in the file pytest finds from
the current directory upward), and only them: the project's other tests stay
out. The driver comes from that configuration as well (``hvharness_driver``)
unless ``--driver`` names one. Every other argument goes to pytest
(``-n 2``, ``-k``, ``--conformance-report``, ...).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

__all__ = ["run"]

# Loaded by name (-p), not passed as an object: pytest-xdist's workers rebuild
# their configuration from the command line, so they load it too and pick the
# same suites. A module of its own, so that it is not imported before pytest
# can rewrite its asserts.
_PLUGIN = "harness.run_defaults"


def run(pytest_args: Sequence[str]) -> int:
    """Run pytest on the default (or given) suites; its exit status."""
    return int(pytest.main(["-p", _PLUGIN, *pytest_args]))
