"""What one pytest session knows: its suites, driver, caches and results."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from .caps import CapsLibrary
from .check import driver_root
from .drivers import ENTRY_POINT_GROUP, load_driver, registered_drivers
from .errors import DriverLoadError
from .protocol import Driver, Mode
from .regen import RegenLog, RegenMode
from .report import ConformanceReport
from .suite import Expect, ModeManifest, Suite, load_manifest
from .timeout import DEFAULT_TIMEOUT, CaseTimedOut, deadline

__all__ = ["STATE_KEY", "HarnessState", "suite_label"]


def suite_label(root: Path, rootpath: Path) -> str:
    """The node id prefix of a suite's cases.

    Inside the rootdir it is the path of ``cases/``, so a node id can be
    passed back to pytest as an argument; elsewhere the suite's directory
    name.
    """
    cases = root / "cases"
    try:
        return cases.relative_to(rootpath).as_posix()
    except ValueError:
        return root.name


class HarnessState:
    def __init__(
        self,
        config: pytest.Config,
        suites: list[Suite],
        driver_spec: str | None,
        driver_origin: str,
        regen: RegenMode | None,
        prune: bool,
        report_path: Path | None,
    ) -> None:
        self.config = config
        self.suites = suites
        self.by_cases_dir = {s.cases_dir: s for s in suites}
        self.driver_spec = driver_spec
        self.driver_origin = driver_origin
        self.regen = regen
        self.prune = prune
        self.report_path = report_path
        self.is_worker = hasattr(config, "workerinput")
        self._libraries: dict[Path, CapsLibrary] = {}
        self._manifests: dict[tuple[Path, Mode], ModeManifest | None] = {}
        self._driver: Driver | DriverLoadError | None = None
        self.timeout = DEFAULT_TIMEOUT
        self.driver_root: Path | None = None
        self.report = ConformanceReport(driver_spec or "?")
        self.ran: dict[tuple[str, str], set[str]] = {}
        self.regen_log = RegenLog()
        self.orphans: list[Path] = []
        self._shared: dict[tuple[Path, Mode], set[Path]] = {}
        self._inputs: dict[tuple[Path, Mode], set[Path]] = {}
        self._obtained_dir: Path | None = None

    def library(self, suite: Suite) -> CapsLibrary:
        lib = self._libraries.get(suite.root)
        if lib is None:
            lib = self._libraries[suite.root] = CapsLibrary(suite.caps_dir)
        return lib

    def manifest(self, suite: Suite, mode: Mode) -> ModeManifest | None:
        key = (suite.root, mode)
        if key not in self._manifests:
            self._manifests[key] = load_manifest(suite.root, mode)
        return self._manifests[key]

    def driver(self) -> Driver:
        """The driver under test, loaded on first use.

        Raises :class:`DriverLoadError` naming the spec, the problem and
        the registered drivers; the configure hook turns it into one usage
        error before any case runs (except in xdist workers, where the
        controller has already checked it).
        """
        if self._driver is None:
            try:
                if self.driver_spec is None:
                    raise DriverLoadError(
                        "no driver configured: pass --driver MODULE:ATTR (or an entry-point "
                        "name), or set hvharness_driver in the ini file"
                    )
                self._driver = self._load(self.driver_spec)
                self.driver_root = driver_root(self._driver)
            except DriverLoadError as exc:
                prefix = (f"driver {self.driver_spec!r}{self.driver_origin}: "
                          if self.driver_spec is not None else "")
                self._driver = DriverLoadError(f"{prefix}{exc}; {_registered()}")
        if isinstance(self._driver, DriverLoadError):
            # A fresh exception each time: re-raising one instance would
            # append every case's frames to its traceback.
            raise DriverLoadError(str(self._driver)) from None
        return self._driver

    def _load(self, spec: str) -> Driver:
        # An import that hangs (a driver connecting somewhere) would hang the run.
        try:
            with deadline(self.timeout):
                return load_driver(spec)
        except CaseTimedOut:
            raise DriverLoadError(
                f"loading it took longer than {self.timeout:g} s (hvharness_timeout)") from None

    def _sharing(self, suite: Suite, mode: Mode) -> None:
        manifest = self.manifest(suite, mode)
        cases = manifest.cases if manifest is not None else ()
        counts = Counter(c.golden for c in cases
                         if c.expect is Expect.OK and c.golden is not None and not c.problems)
        self._shared[(suite.root, mode)] = {p for p, n in counts.items() if n > 1 and p}
        self._inputs[(suite.root, mode)] = {c.input for c in cases if c.input is not None}

    def shared_goldens(self, suite: Suite, mode: Mode) -> set[Path]:
        if (suite.root, mode) not in self._shared:
            self._sharing(suite, mode)
        return self._shared[(suite.root, mode)]

    def inputs(self, suite: Suite, mode: Mode) -> set[Path]:
        if (suite.root, mode) not in self._inputs:
            self._sharing(suite, mode)
        return self._inputs[(suite.root, mode)]

    def all_inputs(self) -> set[Path]:
        found: set[Path] = set()
        for suite in self.suites:
            for mode in Mode:
                found |= self.inputs(suite, mode)
        return found

    @property
    def obtained_dir(self) -> Path:
        """Where failing cases' output is saved: pytest's cache, not the suite."""
        if self._obtained_dir is None:
            cache = getattr(self.config, "cache", None)
            if cache is not None:
                self._obtained_dir = Path(cache.mkdir("hvharness-obtained"))
            else:
                self._obtained_dir = Path(tempfile.mkdtemp(prefix="hvharness-obtained-"))
        return self._obtained_dir

    def clear_obtained(self) -> None:
        if getattr(self.config, "cache", None) is not None:
            shutil.rmtree(self.obtained_dir, ignore_errors=True)
            self._obtained_dir = None


def _registered() -> str:
    found = registered_drivers()
    if not found:
        return f"no driver is registered in the {ENTRY_POINT_GROUP} entry-point group"
    return f"drivers registered in {ENTRY_POINT_GROUP}: {', '.join(found)}"


def absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


STATE_KEY = pytest.StashKey[HarnessState]()
