"""hvharness: golden-file conformance testing of hypervisor drivers.

The harness runs a conformance suite (``suite-format.md``) against a driver
(:class:`Driver`) from pytest: one test per case. This package is the
driver-agnostic part: it knows the suite format, not any hypervisor.
"""

from .caps import CapsLibrary
from .check import Outcome, Result, prepare, run_case
from .drivers import load_driver
from .errors import DriverLoadError, SuiteError
from .output_check import OutputCheck
from .protocol import (
    Capabilities,
    CommandLineRefused,
    Conversion,
    DefinitionRejected,
    Driver,
    Mode,
    Rejection,
)
from .suite import Case, Expect, Suite, load_manifest
from .wrap import unwrap, wrap

__version__ = "0.1.0"

__all__ = [
    "Capabilities",
    "CapsLibrary",
    "Case",
    "CommandLineRefused",
    "Conversion",
    "DefinitionRejected",
    "Driver",
    "DriverLoadError",
    "Expect",
    "Mode",
    "Outcome",
    "OutputCheck",
    "Rejection",
    "Result",
    "Suite",
    "SuiteError",
    "__version__",
    "load_driver",
    "load_manifest",
    "prepare",
    "run_case",
    "unwrap",
    "wrap",
]
