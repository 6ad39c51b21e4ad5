"""The harness's own hooks, for plugins that extend a run.

Registered by :mod:`harness.plugin`; implement them in a pytest plugin or a
``conftest.py``, like any pytest hook. Their names start with ``pytest_``
(as pytest-xdist's do) so that pytest finds a plain function of that name,
without a ``@pytest.hookimpl`` marker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .output_check import OutputCheck
    from .protocol import Capabilities
    from .suite import Case


@pytest.hookspec(firstresult=True)
def pytest_hvharness_check_output(
    case: Case, caps: Capabilities, output: str
) -> OutputCheck | None:
    """Check the output of an ``ok`` case that matched its golden.

    Called once per such case, in every mode (``case.mode`` says which; for
    xml2argv ``output`` is the command line on one line, unwrapped), in the
    process that ran the case (an xdist worker under ``-n``). ``caps`` is the
    case's capability set as the driver saw it.

    Return ``None`` when the case is none of this checker's business, or an
    :class:`~harness.output_check.OutputCheck`: ``accepted`` (the test
    passes), ``rejected`` (it fails with the message) or ``skipped`` (it is
    skipped with the message as the reason). The first non-``None`` answer
    wins. An exception is reported as an error of that case.
    """
