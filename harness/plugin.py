"""The pytest plugin: options, ini keys and hooks, nothing else.

Registered through the ``pytest11`` entry point; inert unless a suite is
named (``--suite`` or the ``hvharness_suites`` ini key).
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from . import hookspecs
from .check import Outcome
from .collect import CaseFailed, CaseItem, ManifestItem, SuiteDir
from .errors import DriverLoadError, SuiteError, display_path
from .goldens import remove
from .orphans import find_orphans
from .protocol import Mode
from .regen import RegenAction, RegenEvent, RegenMode, resolve_shared
from .report import CaseRecord, bounded_details, format_table
from .rootdir import redetermine_rootdir
from .session import STATE_KEY, HarnessState, absolute, suite_label
from .suite import Suite
from .timeout import DEFAULT_TIMEOUT, parse_timeout

_INFO = "hvharness"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hvharness", "hypervisor driver conformance suites")
    group.addoption(
        "--suite", action="append", default=[], metavar="DIR",
        help="run the cases of the suite in DIR (a directory with caps/ and cases/); "
             "repeatable. Replaces the suites and test paths of the ini file.",
    )
    group.addoption(
        "--driver", default=None, metavar="MODULE:ATTR|NAME",
        help="the driver under test: an object MODULE:ATTR, the name of an entry point in "
             "the hvharness.drivers group, or 'exec:COMMAND ARG...' for a driver process "
             "(default: ini hvharness_driver)",
    )
    group.addoption(
        "--against", default=None, metavar="DRIVER",
        help="differential conformance: run each case through this driver too (any --driver "
             "spec, exec: included) and take its answer as the expectation instead of the goldens",
    )
    group.addoption(
        "--regen", nargs="?", const="failed", default=None,
        choices=[m.value for m in RegenMode], metavar="failed|all|new",
        help="rewrite goldens: of failing ok cases and missing ones (--regen, the default), "
             "every golden (--regen=all), or only missing ones (--regen=new)",
    )
    group.addoption(
        "--prune", action="store_true", default=False,
        help="with --regen: delete the files of fully run modes that no case references",
    )
    group.addoption(
        "--conformance-report", default=None, metavar="PATH.json",
        help="write every case's outcome and the totals per suite and mode to PATH.json",
    )
    parser.addini("hvharness_driver", "the driver under test (MODULE:ATTR or entry-point name)",
                  default=None)
    parser.addini("hvharness_exec_timeout", "seconds an exec: driver has to answer one request",
                  default="30")
    parser.addini("hvharness_timeout",
                  f"seconds the driver may take on one case before it fails; 0: no limit "
                  f"(default {DEFAULT_TIMEOUT:g})", default=f"{DEFAULT_TIMEOUT:g}")
    parser.addini("hvharness_suites", "suite directories run when --suite is not given",
                  type="paths", default=[])
    parser.addini("hvharness_max_input_bytes", "largest input or golden file read from a suite "
                  "(bytes, or with KiB/MiB/GiB; default 16MiB)", default="16MiB")


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    redetermine_rootdir(early_config, args)


def _suites_from_options(config: pytest.Config) -> tuple[list[Path], bool]:
    given: list[str] = config.getoption("suite")
    if given:
        roots = []
        for arg in given:
            path = absolute(config.invocation_params.dir / arg)
            if not (path / "cases").is_dir() and path.name == "cases" and path.is_dir():
                path = path.parent
            if not path.is_dir():
                raise pytest.UsageError(f"--suite {arg}: no such directory")
            if not (path / "cases").is_dir():
                raise pytest.UsageError(
                    f"--suite {arg}: not a suite directory (it has no cases/ subdirectory)")
            roots.append(path)
        return roots, True
    ini: list[Path] = config.getini("hvharness_suites")
    # The project's own suite may not have any cases yet.
    return [absolute(p) for p in ini if (Path(p) / "cases").is_dir()], False


def _covered(target: Path, args: list[str], base: Path) -> bool:
    for arg in args:
        path = absolute(base / arg.split("::")[0])
        if target == path or path in target.parents:
            return True
    return False


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    regen = config.getoption("regen")
    if config.getoption("prune") and regen is None:
        raise pytest.UsageError("--prune only works with --regen")
    roots, explicit = _suites_from_options(config)
    if not roots:
        return
    suites: list[Suite] = []
    labels: set[str] = set()
    for root in dict.fromkeys(roots):
        label = suite_label(root, config.rootpath)
        if label in labels:
            label = str(root / "cases")
        labels.add(label)
        suites.append(Suite(root, label))
    option, ini = config.getoption("driver"), config.getini("hvharness_driver")
    # An empty --driver is a mistake to report, not a reason to fall back to the ini.
    spec = option if option is not None else (ini or None)
    origin = " (--driver)" if option is not None else (
        f" (hvharness_driver in {config.inipath.name})" if ini and config.inipath else "")
    against = config.getoption("against")
    if against is not None and regen is not None:
        raise pytest.UsageError("--against compares two drivers; it cannot --regen goldens")
    report = config.getoption("conformance_report")
    state = HarnessState(
        config, suites, spec, origin,
        RegenMode(regen) if regen else None,
        bool(config.getoption("prune")),
        absolute(config.invocation_params.dir / report) if report else None,
    )
    state.set_against(against)
    try:
        state.timeout = parse_timeout(str(config.getini("hvharness_timeout")))
    except ValueError as exc:
        raise pytest.UsageError(f"hvharness_timeout: {exc}") from None
    if not state.is_worker and not config.option.help:
        # Once, before any case: a driver that cannot load is a usage error.
        try:
            state.driver()
            if against is not None:
                state.against_driver()
        except DriverLoadError as exc:
            raise pytest.UsageError(str(exc)) from None
    config.stash[STATE_KEY] = state
    config.pluginmanager.register(SessionHooks(state), "hvharness-session")
    if not state.is_worker:
        state.clear_obtained()

    targets = [str(s.cases_dir) for s in suites]
    base = config.invocation_params.dir
    if explicit and config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = targets
    else:
        explicit_args = config.args_source == pytest.Config.ArgsSource.ARGS
        if (explicit and explicit_args) or not explicit_args:
            config.args = [*config.args,
                           *(t for t in targets if not _covered(Path(t), config.args, base))]


def _state(config: pytest.Config) -> HarnessState | None:
    return config.stash.get(STATE_KEY, None)


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = _state(parent.config)
    if state is None:
        return None
    suite = state.by_cases_dir.get(path)
    if suite is None:
        return None
    node = SuiteDir.from_parent(parent, path=path, nodeid=suite.label)
    node.suite = suite
    return node


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    state = _state(config)
    if state is None:
        return None
    lines = [f"hvharness: driver {state.driver_spec or '(none)'}{state.driver_origin}"]
    if state.against_spec:
        lines.append(f"hvharness: against {state.against_spec} (its answers are the expectation)")
    lines += [f"hvharness: suite {s.label} = {display_path(s.root)}" for s in state.suites]
    if state.regen:
        lines.append(f"hvharness: regenerating goldens ({state.regen})"
                     + (", pruning orphans" if state.prune else ""))
    return lines


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if call.excinfo is not None and isinstance(call.excinfo.value, SuiteError | DriverLoadError):
        # The message names the file and the problem; a traceback would bury it.
        report.longrepr = str(call.excinfo.value)
    if isinstance(item, CaseItem | ManifestItem) and (call.when == "call" or not report.passed):
        info = item.report_info()
        if isinstance(item, CaseItem):
            info["caps"] = item.case.caps
        if call.when == "call" and isinstance(item, CaseItem):
            if item.regen_events:
                info["regen"] = [e.to_dict() for e in item.regen_events]
            result = item.result
            if item.check is not None:
                info["check"] = item.check.to_dict()
            if report.skipped and item.check is not None:
                info["outcome"], info["reason"] = "skipped", _skip_reason(report)
            elif result is not None:
                info["outcome"] = "passed" if report.passed else str(result.outcome)
                info["reason"] = result.summary if not report.passed else (
                    "golden regenerated" if item.regen_events and result.outcome
                    is not Outcome.PASSED else result.summary)
                if not report.passed and result.details:
                    info["details"] = bounded_details(result.details)
            elif call.excinfo is not None and not isinstance(call.excinfo.value, CaseFailed):
                info["outcome"], info["reason"] = "error", _first_line(call.excinfo.value)
        elif call.when == "setup" and not report.passed:
            if report.skipped:
                info["outcome"], info["reason"] = "skipped", _skip_reason(report)
            else:
                exc = call.excinfo.value if call.excinfo is not None else None
                info["outcome"], info["reason"] = "error", _first_line(exc)
        report.hvharness = info  # type: ignore[attr-defined]
    return report


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else "skipped"
    return reason.removeprefix("Skipped: ")


def _first_line(exc: BaseException | None) -> str:
    if exc is None:
        return "error"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]


class SessionHooks:
    """Hooks that need the session's state; registered only when suites run."""

    def __init__(self, state: HarnessState) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        info: dict[str, Any] | None = getattr(report, _INFO, None)
        if info is None or "outcome" not in info or self.state.is_worker:
            return
        state = self.state
        state.ran.setdefault((info["suite"], info["mode"]), set()).add(info["case"])
        state.report.add(report.nodeid, CaseRecord.from_dict(info))
        for event in info.get("regen", ()):
            state.regen_log.add(RegenEvent.from_dict(event))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        state = self.state
        state.close_drivers()
        if state.is_worker:
            return
        failed = False
        if state.regen is not None:
            pending = state.regen_log.of(RegenAction.PENDING)
            for event in resolve_shared(pending, state.is_input):
                state.regen_log.add(event)
            failed |= bool(state.regen_log.of(RegenAction.CONFLICT))
        for suite in state.suites:
            owned = state.owned_files(suite)
            for mode in Mode:
                manifest = state.manifest(suite, mode)
                if manifest is None:
                    continue
                if manifest.error is None:
                    state.report.declare(suite.name, suite.root, str(mode), len(manifest.cases))
                found = find_orphans(manifest, state.ran.get((suite.name, str(mode)), set()), owned)
                state.orphans.extend(found or ())
        if state.orphans:
            if state.prune:
                for path in state.orphans:
                    remove(path)
                    state.regen_log.add(RegenEvent(RegenAction.DELETED, str(path), ""))
            else:
                failed = True
        if state.report_path is not None:
            state.report.write(state.report_path)
        if failed and session.exitstatus in (pytest.ExitCode.OK,
                                             pytest.ExitCode.NO_TESTS_COLLECTED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    # An outer wrapper, so the table comes after pytest's short summary,
    # right above the final counts, instead of scrolling away.
    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(
        self, terminalreporter: pytest.TerminalReporter
    ) -> Generator[None, None, None]:
        yield
        state = self.state
        if state.is_worker:
            return
        tr = terminalreporter
        if state.regen is not None or state.regen_log.of(RegenAction.DELETED):
            tr.section("hvharness regeneration", sep="-")
            for line in state.regen_log.lines():
                tr.line(line)
        if state.orphans and not state.prune:
            tr.section("hvharness orphans", sep="-", red=True)
            tr.line(f"{len(state.orphans)} file(s) that no case references "
                    "(delete them, or run with --regen --prune):", red=True)
            for path in state.orphans:
                tr.line(f"  {display_path(path)}")
        if state.report.records:
            tr.section("hvharness conformance", sep="-")
            for line in format_table(state.report.to_json()):
                tr.line(line)
            if state.report_path is not None:
                tr.line(f"conformance report written to {display_path(state.report_path)}")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = _state(config)
    if state is not None:
        config.pluginmanager.unregister(name="hvharness-session")
