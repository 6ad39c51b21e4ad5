"""What one pytest session knows: its suites, driver, caches and results."""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest

from .caps import CapsLibrary
from .check import driver_root
from .drivers import ENTRY_POINT_GROUP, load_driver, registered_drivers
from .errors import DriverLoadError, SuiteError
from .files import RealPaths, parse_byte_limit
from .goldens import private_temp_dir, remove_tree
from .protocol import Driver, Mode
from .regen import RegenLog, RegenMode
from .report import ConformanceReport
from .suite import Case, Expect, ModeManifest, Suite, load_manifest
from .suite_settings import SuiteSettings, load_settings
from .timeout import DEFAULT_TIMEOUT, CaseTimedOut, deadline

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
        # A golden write's temporary file older than this was left by a killed run.
        self.started = time.time()
        self.exec_timeout = exec_timeout(config)
        self.against_spec: str | None = None
        self._against: Driver | DriverLoadError | None = None
        self._libraries: dict[Path, CapsLibrary] = {}
        self._settings: dict[Path, SuiteSettings | SuiteError] = {}
        self._manifests: dict[tuple[Path, Mode], ModeManifest | None] = {}
        self._driver: Driver | DriverLoadError | None = None
        self.timeout = DEFAULT_TIMEOUT
        self.driver_root: Path | None = None
        self.report = ConformanceReport(driver_spec or "?")
        # Keyed by suite root: what decides orphans must never mix two suites.
        self.ran: dict[tuple[Path, Mode], set[str]] = {}
        self.regen_log = RegenLog()
        self._shared: dict[Path, set[Path]] = {}
        self._inputs: set[Path] | None = None
        self._owned: dict[Path, set[str] | None] = {}
        self._obtained_dir: Path | None = None
        # Shared goldens, inputs and ownership compare real paths.
        self.real_path = RealPaths()
        try:
            self.max_input_bytes = parse_byte_limit(str(config.getini("hvharness_max_input_bytes")))
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None

    def library(self, suite: Suite) -> CapsLibrary:
        lib = self._libraries.get(suite.root)
        if lib is None:
            lib = self._libraries[suite.root] = CapsLibrary(suite.caps_dir)
        return lib

    def fold_args(self, suite: Suite) -> bool:
        """Whether the suite's regenerated .args goldens are folded (suite.toml),
        read once a session; a bad suite.toml is an error of each case."""
        found = self._settings.get(suite.root)
        if found is None:
            try:
                found = load_settings(suite.root)
            except SuiteError as exc:
                found = exc
            self._settings[suite.root] = found
        if isinstance(found, SuiteError):
            raise found
        return found.fold_args

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
                return load_driver(spec, cwd=self.config.rootpath,
                                   exec_timeout=self.exec_timeout)
        except CaseTimedOut:
            raise DriverLoadError(
                f"loading it took longer than {self.timeout:g} s (hvharness_timeout)") from None

    def set_against(self, spec: str | None) -> None:
        """``--against SPEC``: the driver whose answers replace the goldens."""
        self.against_spec = spec
        self.report.against = spec

    def against_driver(self) -> Driver:
        assert self.against_spec is not None
        if self._against is None:
            try:
                self._against = self._load(self.against_spec)
            except DriverLoadError as exc:
                self._against = DriverLoadError(f"driver {self.against_spec!r} (--against): {exc}")
        if isinstance(self._against, DriverLoadError):
            raise self._against
        return self._against

    def close_drivers(self) -> None:
        """Let drivers that hold resources (an exec driver's process) release them."""
        for driver in (self._driver, self._against):
            close = getattr(driver, "close", None)
            if callable(close):
                close()
        # Loaded again on demand: a closed exec driver holds no process.
        self._driver = self._against = None

    def cases(self, suite: Suite) -> list[Case]:
        """Every case of every mode of the suite."""
        return [case for mode in Mode if (manifest := self.manifest(suite, mode)) is not None
                for case in manifest.cases]

    def shared_goldens(self, suite: Suite) -> set[Path]:
        """Real paths of the goldens that several cases of the suite, of any mode, write."""
        shared = self._shared.get(suite.root)
        if shared is None:
            counts = Counter(self.real_path(target) for case in self.cases(suite)
                             if not case.problems and (target := _regenerated(case)) is not None)
            shared = self._shared[suite.root] = {p for p, n in counts.items() if n > 1}
        return shared

    def all_inputs(self) -> set[Path]:
        """Real paths of every case's input, in every suite and mode: never written.

        The files a broken case claims count too: any of them may be its input.
        """
        if self._inputs is None:
            cases = [case for suite in self.suites for case in self.cases(suite)]
            self._inputs = {self.real_path(case.input) for case in cases if case.input is not None}
            self._inputs |= {self.real_path(path) for case in cases for path in case.claimed}
        return self._inputs

    def is_input(self, path: Path) -> bool:
        return self.real_path(path) in self.all_inputs()

    def owned_files(self, suite: Suite) -> set[str] | None:
        """Real paths (as strings) of every file a case of the suite names
        (and of the manifests), or None when a manifest cannot be read to say."""
        # Once per suite: each of its modes asks, and the manifests are read once.
        if suite.root not in self._owned:
            self._owned[suite.root] = self._find_owned(suite)
        return self._owned[suite.root]

    def _find_owned(self, suite: Suite) -> set[str] | None:
        manifests = [m for mode in Mode if (m := self.manifest(suite, mode)) is not None]
        if any(m.error is not None for m in manifests):
            return None
        named = [os.fspath(m.manifest) for m in manifests]
        for m in manifests:
            directory = os.fspath(m.directory)
            named += [text for case in m.cases for text in case.reference_texts(directory)]
        # Real paths: a link a case names keeps the file it leads to. The
        # directories are listed once for the thousands of names.
        real_path = RealPaths(listed=True)
        return {real_path.text(text) for text in named}

    @property
    def obtained_dir(self) -> Path:
        """Where failing cases' output is saved: pytest's cache, not the suite."""
        if self._obtained_dir is None:
            cache = getattr(self.config, "cache", None)
            if cache is not None:
                self._obtained_dir = Path(cache.mkdir("hvharness-obtained"))
            else:
                # One directory per project, reused by every run (and xdist
                # worker), rather than a new one left behind by each.
                self._obtained_dir = private_temp_dir("obtained", str(self.config.rootpath))
        return self._obtained_dir

    def clear_obtained(self) -> None:
        remove_tree(self.obtained_dir)
        self._obtained_dir = None


def _regenerated(case: Case) -> Path | None:
    """The golden regeneration may write for the case."""
    return case.golden if case.expect is Expect.OK else case.err




def exec_timeout(config: pytest.Config) -> float:
    """The ini ``hvharness_exec_timeout``: seconds an exec driver has per request."""
    raw = config.getini("hvharness_exec_timeout")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not value > 0:
        raise pytest.UsageError(
            f"hvharness_exec_timeout must be a positive number of seconds, not {raw!r}")
    return value


def _registered() -> str:
    found = registered_drivers()
    if not found:
        return f"no driver is registered in the {ENTRY_POINT_GROUP} entry-point group"
    return f"drivers registered in {ENTRY_POINT_GROUP}: {', '.join(found)}"


def absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


STATE_KEY = pytest.StashKey[HarnessState]()
