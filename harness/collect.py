"""The pytest nodes: a suite's ``cases/`` directory and one item per case."""

from __future__ import annotations

import dataclasses
import traceback
from pathlib import Path
from typing import Any

import pytest

from .check import Outcome, Prepared, Result, driver_root, prepare, run_case
from .differential import ask, differ, driver_label
from .errors import DriverLoadError, SuiteError, display_path
from .files import resolve_within
from .goldens import atomic_write
from .output_check import OutputCheck
from .protocol import Driver, Mode
from .regen import RegenAction, RegenEvent, decide
from .session import STATE_KEY, HarnessState
from .suite import MANIFEST, Case, Suite

__all__ = ["CaseItem", "ManifestItem", "SuiteDir"]

# A golden written (or handed on to be written): its case is fixed, not failed.
FIXED = (RegenAction.WRITTEN, RegenAction.CREATED, RegenAction.PENDING)


class CaseFailed(Exception):
    """A case did not pass; the message says why (no traceback needed)."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.details or result.summary)
        self.result = result


class SuiteDir(pytest.Directory):
    """``SUITE/cases``: yields every case of every mode, in manifest order."""

    suite: Suite

    def collect(self) -> list[pytest.Item]:
        state = self.config.stash[STATE_KEY]
        items: list[pytest.Item] = [self._problem(error, name)
                                    for name, error in _stray_directories(self.suite)]
        for mode in Mode:
            manifest = state.manifest(self.suite, mode)
            if manifest is None:
                continue
            if manifest.error is not None:
                items.append(self._problem(manifest.error, f"{mode}/{manifest.manifest.name}",
                                           mode=str(mode)))
                continue
            for case in manifest.cases:
                items.append(CaseItem.from_parent(
                    self, name=case.test_name, nodeid=f"{self.suite.name}::{case.test_name}",
                    path=manifest.directory, case=case, suite=self.suite))
        return items

    def _problem(self, error: SuiteError, name: str, mode: str | None = None) -> ManifestItem:
        return ManifestItem.from_parent(
            self, name=name, nodeid=f"{self.suite.name}::{name}", path=error.path,
            error=error, suite=self.suite, mode=mode or name)


def _stray_directories(suite: Suite) -> list[tuple[str, SuiteError]]:
    """Directories of ``cases/`` whose files no mode would ever run.

    A misspelt mode directory, or a mode directory with files but no
    manifest, would otherwise pass unnoticed, its cases never run.
    """
    found = []
    modes = ", ".join(Mode)
    for path in sorted(p for p in suite.cases_dir.iterdir() if p.is_dir()):
        if path.name.startswith(".") or path.name == "__pycache__":
            continue
        if path.name not in set(Mode):
            found.append((path.name, SuiteError(
                path, f"not a mode directory (the modes are {modes}); its files are not run")))
        elif not (path / MANIFEST).exists() and any(
                not f.name.startswith(".") for f in path.iterdir()):
            found.append((path.name, SuiteError(
                path, f"no {MANIFEST}: its files are not run (add a manifest, or remove "
                      "the directory)")))
    return found


class _HarnessItem(pytest.Item):
    suite: Suite

    def _state(self) -> HarnessState:
        return self.config.stash[STATE_KEY]

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str:
        exc = excinfo.value
        if isinstance(exc, SuiteError | DriverLoadError):
            return str(exc)
        if isinstance(exc, CaseFailed):
            text = str(exc)
            error = exc.result.exception
            if error is not None and self.config.option.tbstyle in ("long", "native"):
                text += "\n\n" + "".join(traceback.format_exception(error)).rstrip()
            return text
        # pytest's own rendering, as text: its type is not public API.
        return str(super().repr_failure(excinfo, style))


class ManifestItem(_HarnessItem):
    """Stands for a manifest or directory that cannot be used, so the run reports it."""

    def __init__(self, *, error: SuiteError, suite: Suite, mode: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.error = error
        self.suite = suite
        self.mode = mode

    def setup(self) -> None:
        raise self.error

    def runtest(self) -> None:  # pragma: no cover - setup always fails
        pass

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.error.path, None, self.name

    def report_info(self) -> dict[str, Any]:
        return {"suite": self.suite.name, "mode": self.mode, "case": self.error.path.name,
                "expect": "ok"}


class CaseItem(_HarnessItem):
    def __init__(self, *, case: Case, suite: Suite, **kw: Any) -> None:
        super().__init__(**kw)
        self.case = case
        self.suite = suite
        self.driver: Driver | None = None
        self.prepared: Prepared | None = None
        self.result: Result | None = None
        self.check: OutputCheck | None = None
        # A tuple: the empty one is shared by the thousands of cases a run keeps.
        self.regen_events: tuple[RegenEvent, ...] = ()
        self.against: Driver | None = None
        self.reference_expect: str | None = None

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The headline names where the case is defined. It must not be a
        # suffix of the node id, or pytest would turn the dots of a case id
        # into '::' when it prints the id.
        line = self.case.line - 1 if self.case.line is not None else None
        where = display_path(self.case.manifest) + (f":{self.case.line}" if self.case.line else "")
        return self.case.manifest, line, f"{self.name} ({where})"

    def report_info(self) -> dict[str, Any]:
        return {"suite": self.suite.name, "mode": str(self.case.mode), "case": self.case.id,
                "expect": self.reference_expect or str(self.case.expect)}

    def setup(self) -> None:
        state = self._state()
        driver = state.driver()
        if self.case.mode not in driver.modes:
            pytest.skip(f"driver {driver.name!r} does not support {self.case.mode}")
        self.driver = driver
        if state.against_spec is not None:
            self.against = state.against_driver()
            if self.case.mode not in self.against.modes:
                pytest.skip(f"driver {self.against.name!r} (--against) does not support "
                            f"{self.case.mode}")
        self.prepared = prepare(self.case, state.library(self.suite), state.max_input_bytes,
                                state.fold_args(self.suite))

    def teardown(self) -> None:
        # The case's report is made by now; a session of thousands of cases
        # would otherwise hold every input, caps set and output to its end
        # (and the garbage collector would walk them all, again and again).
        self.prepared = None
        self.result = None
        self.check = None

    def runtest(self) -> None:
        assert self.driver is not None and self.prepared is not None
        state = self._state()
        if self.against is not None:
            self._run_against(self.against)
            return
        result = run_case(self.case, self.driver, self.prepared, state.driver_root,
                          state.timeout)
        if result.exception is not None:
            result = self._name_caps(result)
        self.result = result
        if state.regen is not None and result.regen is not None:
            event = decide(
                state.regen, result.regen, self.nodeid,
                shared=state.real_path(result.regen.path) in state.shared_goldens(self.suite),
                protected=state.is_input(result.regen.path),
            )
            if event is not None:
                self.regen_events += (event,)
                if event.action in FIXED and result.fixable:
                    return
        if result.outcome is Outcome.PASSED:
            if result.regen is not None and self.case.expect == "ok":
                self._check_output(result.regen.output)
            return
        if result.obtained:
            result = self._save_obtained(result)
            self.result = result
        raise CaseFailed(result)

    def _run_against(self, against: Driver) -> None:
        """--against: the reference driver's answer is the expectation, not the goldens."""
        assert self.driver is not None and self.prepared is not None
        state = self._state()
        assert state.driver_spec is not None and state.against_spec is not None
        reference = ask(self.case, against, self.prepared, driver_root(against))
        if reference.expect is not None:
            self.reference_expect = str(reference.expect)
        tested = ask(self.case, self.driver, self.prepared, state.driver_root)
        self.result = differ(self.case,
                             (tested, driver_label(self.driver, state.driver_spec)),
                             (reference, driver_label(against, state.against_spec)))
        if self.result.outcome is not Outcome.PASSED:
            raise CaseFailed(self.result)

    def _name_caps(self, result: Result) -> Result:
        """Say which capability set the driver was given when it raised.

        A set the driver cannot read (a table where it expects a list, say)
        shows up as a driver exception; the file to look at is the set's.
        """
        caps = self._state().library(self.suite).get(self.case.caps)
        where = display_path(caps.path)
        if len(caps.chain) > 1:
            where += f" (extends {' -> '.join(reversed(caps.chain[:-1]))})"
        return dataclasses.replace(
            result, summary=f"{result.summary} [capability set {where}]",
            details=f"{result.details}\n\nwith the capability set {where}")

    def _check_output(self, output: str) -> None:
        """Ask the ``pytest_hvharness_check_output`` implementations about a matched output."""
        assert self.prepared is not None
        # The suite directory's hooks: pytest loads conftest.py files for the
        # directories it collects, and it collects cases/, not its mode
        # directories (this item's path).
        assert self.parent is not None
        try:
            check = self.parent.ihook.pytest_hvharness_check_output(
                case=self.case, caps=self.prepared.caps, output=output)
            if check is not None and not isinstance(check, OutputCheck):
                raise TypeError(f"pytest_hvharness_check_output returned {check!r}, "
                                "not an OutputCheck or None")
        except Exception as exc:
            summary = f"output check raised {type(exc).__name__}: {exc}".splitlines()[0]
            self.result = Result(Outcome.ERROR, summary, summary, exception=exc)
            raise CaseFailed(self.result) from exc
        if check is None:
            return
        self.check = check
        if check.status == "skipped":
            # Located at the case, not here, in pytest's list of skips.
            raise pytest.skip.Exception(f"{check.checker}: {check.message}",
                                        _use_item_location=True)
        if check.status == "rejected":
            golden = display_path(self.case.expected) if self.case.expected else "the golden"
            summary = f"{check.checker} rejected the output: {check.message}".splitlines()[0]
            self.result = Result(
                Outcome.FAILED, summary,
                f"{check.checker} rejected the output: {check.message}\n"
                f"(the output matches {golden})")
            raise CaseFailed(self.result)

    def _save_obtained(self, result: Result) -> Result:
        saved = []
        base = self._state().obtained_dir / self.suite.name / str(self.case.mode)
        for suffix, text in result.obtained:
            path = resolve_within(base, base, self.case.id + suffix)
            if path is None:
                continue
            try:
                atomic_write(path, text)
            except OSError:
                continue
            saved.append(display_path(path))
        if not saved:
            return result
        note = "\n\nobtained output saved to " + ", ".join(saved)
        if result.regen is not None and not result.regen.identity:
            note += "\n(run with --regen to accept it as the golden)"
        return dataclasses.replace(result, details=result.details + note)

