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
from .drivers import load_driver
from .errors import DriverLoadError
from .protocol import Driver, Mode
from .regen import RegenLog, RegenMode
from .report import ConformanceReport
from .suite import Expect, ModeManifest, Suite, load_manifest

__all__ = ["OWN_SUITE_NAME", "STATE_KEY", "HarnessState", "suite_names"]


OWN_SUITE_NAME = "cases"


def suite_names(roots: list[Path], rootpath: Path) -> dict[Path, str]:
    """A unique, stable name for each suite root, used in ids, tables and reports.

    A suite is named after its directory, except the one at the rootdir (the
    checkout, whose directory name is arbitrary), which is named after its
    ``cases/`` directory. Suites whose names collide are told apart by
    their parent directories, as many as it takes (``a/corpus``,
    ``b/corpus``), the same way in every run with the same suites.
    """

    def parts(root: Path) -> tuple[str, ...]:
        own = root.parts[1:]
        return (*own, OWN_SUITE_NAME) if root == rootpath else own

    def name(root: Path, depth: int) -> str:
        return "/".join(parts(root)[-depth:])

    names: dict[Path, str] = {}
    groups: dict[str, list[Path]] = {}
    for root in roots:
        groups.setdefault(name(root, 1), []).append(root)
    for group in groups.values():
        taken: set[str] = set()
        for root in sorted(group):
            depth, deepest = 1, len(parts(root))
            while depth < deepest and any(
                    name(other, depth) == name(root, depth) for other in group if other != root):
                depth += 1
            candidate = name(root, depth)
            # Only a suite at ROOTDIR/cases can still clash, with the own suite.
            while candidate in taken:
                candidate += "+"
            taken.add(candidate)
            names[root] = candidate
    return names


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
        self.by_name = {s.name: s for s in suites}
        # Test ids named on the command line, by suite; suites named whole.
        self.selected: dict[str, set[str]] = {}
        self.whole: set[str] = set()
        self.driver_spec = driver_spec
        self.driver_origin = driver_origin
        self.regen = regen
        self.prune = prune
        self.report_path = report_path
        self.is_worker = hasattr(config, "workerinput")
        self._libraries: dict[Path, CapsLibrary] = {}
        self._manifests: dict[tuple[Path, Mode], ModeManifest | None] = {}
        self._driver: Driver | DriverLoadError | None = None
        self.driver_root: Path | None = None
        self.report = ConformanceReport(driver_spec or "?")
        # Keyed by suite root: what decides orphans must never mix two suites.
        self.ran: dict[tuple[Path, Mode], set[str]] = {}
        self.regen_log = RegenLog()
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
        if self._driver is None:
            try:
                if not self.driver_spec:
                    raise DriverLoadError(
                        "no driver configured: pass --driver MODULE:ATTR (or an entry-point "
                        "name), or set hvharness_driver in the ini file"
                    )
                self._driver = load_driver(self.driver_spec)
                self.driver_root = driver_root(self._driver)
            except DriverLoadError as exc:
                self._driver = DriverLoadError(
                    f"driver {self.driver_spec!r}{self.driver_origin}: {exc}")
        if isinstance(self._driver, DriverLoadError):
            raise self._driver
        return self._driver

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


def absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


STATE_KEY = pytest.StashKey[HarnessState]()
