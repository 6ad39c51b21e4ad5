"""The pytest plugin: options, ini keys and hooks, nothing else.

Registered through the ``pytest11`` entry point; inert unless a suite is
named (``--suite`` or the ``hvharness_suites`` ini key).
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass
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
from .session import STATE_KEY, HarnessState, absolute, suite_names
from .suite import ModeManifest, Suite
from .timeout import DEFAULT_TIMEOUT, parse_timeout

_INFO = "hvharness"
_MODE_NAMES = frozenset(str(mode) for mode in Mode)


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


def _select_test_ids(args: list[str], state: HarnessState, base: Path) -> list[str]:
    """Map test ids as printed (``SUITE::MODE/CASE``) to what pytest collects.

    pytest refuses ``DIR::NAME``, and a case's id starts with its suite's
    name, not a path, so that it reads the same wherever the suite is. Such
    an argument collects the suite's ``cases/`` and narrows it to the ids
    given (``pytest_collection_modifyitems``); a bare suite name collects
    the whole suite.
    """
    collected: list[str] = []
    for arg in args:
        head, sep, rest = arg.partition("::")
        path = absolute(base / head)
        suite = state.by_name.get(head.rstrip("/")) or state.by_cases_dir.get(path) or \
            state.by_cases_dir.get(path / "cases")
        if suite is None or (not sep and path.exists()):
            collected.append(arg)
            continue
        if sep:
            state.selected.setdefault(suite.name, set()).add(f"{suite.name}::{rest}")
        else:
            state.whole.add(suite.name)
        collected.append(str(suite.cases_dir))
    return list(dict.fromkeys(collected))


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
    unique_roots = list(dict.fromkeys(roots))
    names = suite_names(unique_roots, config.rootpath)
    suites = [Suite(root, names[root]) for root in unique_roots]
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
    config.args = _select_test_ids(config.args, state, base)
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
    node = SuiteDir.from_parent(parent, path=path, nodeid=suite.name)
    node.suite = suite
    return node


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = _state(config)
    if state is None or not state.selected:
        return
    wanted = {name: ids for name, ids in state.selected.items() if name not in state.whole}
    found: set[str] = set()

    def chosen(item: pytest.Item) -> bool:
        if not isinstance(item, CaseItem | ManifestItem) or item.suite.name not in wanted:
            return True
        # A selection may also be a prefix: ``SUITE::MODE`` chooses a mode.
        hits = {i for i in wanted[item.suite.name]
                if item.nodeid == i or item.nodeid.startswith(i + "/")}
        found.update(hits)
        return bool(hits)

    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if chosen(item) else dropped).append(item)
    if dropped:
        # Reported like -k's, so "collected N items" is not taken for what runs.
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    missing = sorted(i for ids in wanted.values() for i in ids if i not in found)
    if missing:
        raise pytest.UsageError(f"not found: {', '.join(missing)} (no such case)")


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    state = _state(config)
    if state is None:
        return None
    lines = [f"hvharness: driver {state.driver_spec or '(none)'}{state.driver_origin}"]
    if state.against_spec:
        lines.append(f"hvharness: against {state.against_spec} (its answers are the expectation)")
    lines += [f"hvharness: suite {s.name} = {display_path(s.root)}" for s in state.suites]
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
                info["outcome"], info["reason"] = Outcome.SKIPPED.value, _skip_reason(report)
            elif result is not None:
                info["outcome"] = (Outcome.PASSED if report.passed else result.outcome).value
                info["reason"] = result.summary if not report.passed else (
                    "golden regenerated" if item.regen_events and result.outcome
                    is not Outcome.PASSED else result.summary)
                if not report.passed and result.details:
                    info["details"] = bounded_details(result.details)
            elif call.excinfo is not None and not isinstance(call.excinfo.value, CaseFailed):
                info["outcome"] = Outcome.ERROR.value
                info["reason"] = _first_line(call.excinfo.value)
        elif call.when == "setup" and not report.passed:
            if report.skipped:
                info["outcome"], info["reason"] = Outcome.SKIPPED.value, _skip_reason(report)
            else:
                exc = call.excinfo.value if call.excinfo is not None else None
                info["outcome"], info["reason"] = Outcome.ERROR.value, _first_line(exc)
        # An xdist worker sends its reports over execnet, which serializes a
        # dict item by item in Python; one JSON string costs a fraction.
        worker = hasattr(item.config, "workerinput")
        report.hvharness = json.dumps(info) if worker else info  # type: ignore[attr-defined]
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


@dataclass(frozen=True)
class ModeFacts:
    """What the end of a session needs to know of one mode's manifest.

    Under xdist the workers, which have read the manifests to collect,
    send it along, so the controller does not parse them again.
    """

    mode: Mode
    directory: Path
    declared: int | None  # None: the manifest cannot be read
    ids: frozenset[str]
    unreferenced: tuple[Path, ...]

    @classmethod
    def of(
        cls, manifest: ModeManifest, ran: set[str] | None, owned: set[str] | None,
        started: float,
    ) -> ModeFacts:
        """``ran`` None: find the unreferenced files whatever ran. ``owned``:
        the real paths of the files the suite's cases name, in every mode (a
        broken case claims the files it may mean)."""
        ids = frozenset(case.id for case in manifest.cases)
        unreferenced = tuple(
            find_orphans(manifest, set(ids) if ran is None else ran, owned, started) or ())
        return cls(manifest.mode, manifest.directory,
                   None if manifest.error is not None else len(manifest.cases),
                   ids, unreferenced)

    def to_dict(self) -> dict[str, Any]:
        return {"mode": str(self.mode), "directory": str(self.directory),
                "declared": self.declared, "ids": sorted(self.ids),
                "unreferenced": [str(p) for p in self.unreferenced]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModeFacts:
        return cls(Mode(data["mode"]), Path(data["directory"]), data["declared"],
                   frozenset(data["ids"]), tuple(Path(p) for p in data["unreferenced"]))


def _conflict_place(event: RegenEvent) -> tuple[str, str]:
    """The suite and mode of a conflict, from its cases' ids (``SUITE::MODE/CASE, ...``)."""
    suite, _, rest = event.case.partition("::")
    return suite, rest.partition("/")[0]


def _problem_report(
    suite: Suite, directory: Path, mode: Mode, orphans: list[Path], conflicts: list[RegenEvent]
) -> pytest.TestReport:
    """A suite-level error: what a mode directory holds that no case accounts for.

    Its id, ``SUITE::MODE``, cannot be a case's, whose ids are ``SUITE::MODE/CASE``.
    """
    lines = []
    if orphans:
        lines.append(f"{len(orphans)} file(s) that no case references "
                     "(delete them, or run with --regen --prune):")
        lines += [f"  {display_path(path)}" for path in orphans]
    for event in conflicts:
        lines.append(f"regeneration conflict: {display_path(Path(event.path))} ({event.case}): "
                     f"{event.note}")
    what = " and ".join(filter(None, (
        "unreferenced files" if orphans else "",
        "regeneration conflicts" if conflicts else "")))
    return pytest.TestReport(
        nodeid=f"{suite.name}::{mode}", location=(display_path(directory), None,
                                                  f"{suite.name}::{mode} ({what})"),
        keywords={}, outcome="failed", longrepr="\n".join(lines), when="teardown")


class SessionHooks:
    """Hooks that need the session's state; registered only when suites run."""

    def __init__(self, state: HarnessState) -> None:
        self.state = state
        # Under xdist, what the workers found in the manifests, by (root, mode).
        self.worker_facts: dict[tuple[str, str], ModeFacts] | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.state.is_worker:
            return
        sent: dict[str, Any] | str | None = getattr(report, _INFO, None)
        if sent is None:
            return
        # Read once, here; the report outlives it by the whole session, kept
        # by the terminal reporter with thousands of others.
        delattr(report, _INFO)
        info: dict[str, Any] = json.loads(sent) if isinstance(sent, str) else sent
        if "outcome" not in info:
            return
        state = self.state
        suite = state.by_name.get(info["suite"])
        if suite is not None and info["mode"] in _MODE_NAMES:
            state.ran.setdefault((suite.root, Mode(info["mode"])), set()).add(info["case"])
        state.report.add(report.nodeid, CaseRecord.from_dict(info))
        for event in info.get("regen", ()):
            state.regen_log.add(RegenEvent.from_dict(event))

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Under xdist the controller only validated the driver; the workers
        # run the cases, so its exec driver process would sit idle.
        if session.config.pluginmanager.has_plugin("dsession"):
            self.state.close_drivers()

    def _mode_facts(self, suite: Suite, mode: Mode, ran: set[str]) -> ModeFacts | None:
        sent = self.worker_facts
        if sent is not None:
            return sent.get((str(suite.root), str(mode)))
        manifest = self.state.manifest(suite, mode)
        if manifest is None:
            return None
        # Orphans are only looked for in a mode run in full; listing the
        # suite's files for a run narrowed by -k (or --collect-only) is waste.
        in_full = all(case.id in ran for case in manifest.cases)
        owned = self.state.owned_files(suite) if in_full else None
        return ModeFacts.of(manifest, ran, owned, self.state.started)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """Keep a worker's ModeFacts: parsing every manifest again here would cost time."""
        sent = getattr(node, "workeroutput", {}).get(_INFO)
        if sent is not None and self.worker_facts is None:
            self.worker_facts = {(f["root"], f["mode"]): ModeFacts.from_dict(f) for f in sent}

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        state = self.state
        state.close_drivers()
        if state.is_worker:
            # One worker's facts are enough (the controller keeps the first it
            # gets); should none send them, the controller reads the manifests.
            if getattr(session.config, "workerinput", {}).get("workerid") != "gw0":
                return
            workeroutput: dict[str, Any] = getattr(session.config, "workeroutput", {})
            workeroutput[_INFO] = [
                {**ModeFacts.of(manifest, None, state.owned_files(suite), state.started).to_dict(),
                 "root": str(suite.root)}
                for suite in state.suites for mode in Mode
                if (manifest := state.manifest(suite, mode)) is not None]
            return
        if state.regen is not None:
            pending = state.regen_log.of(RegenAction.PENDING)
            for event in resolve_shared(pending, state.is_input):
                state.regen_log.add(event)
        conflicts = state.regen_log.of(RegenAction.CONFLICT)
        problems: list[pytest.TestReport] = []
        for suite in state.suites:
            for mode in Mode:
                ran = state.ran.get((suite.root, mode), set())
                facts = self._mode_facts(suite, mode, ran)
                if facts is None:
                    continue
                if facts.declared is not None:
                    state.report.declare(suite.name, suite.root, str(mode), facts.declared)
                # Only a mode run in full is checked: -k, --lf or -x check nothing.
                orphans = list(facts.unreferenced) if facts.ids <= ran else []
                if state.prune:
                    for path in orphans:
                        remove(path)
                        state.regen_log.add(RegenEvent(RegenAction.DELETED, str(path), ""))
                    orphans = []
                clashes = [e for e in conflicts if _conflict_place(e) == (suite.name, str(mode))]
                state.report.problems(suite.name, str(mode), suite.root, orphans,
                                      [{"golden": e.path, "cases": e.case, "note": e.note}
                                       for e in clashes])
                if orphans or clashes:
                    problems.append(_problem_report(suite, facts.directory, mode,
                                                    orphans, clashes))
        if state.report_path is not None:
            state.report.write(state.report_path)
        # Counted as errors, so pytest's last line agrees with the exit status.
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.stats.setdefault("error", []).extend(problems)
        if problems and session.exitstatus in (pytest.ExitCode.OK,
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
        if state.report.records:
            tr.section("hvharness conformance", sep="-")
            for line in format_table(state.report.to_json(cases=False)):
                tr.line(line)
            if state.report_path is not None:
                tr.line(f"conformance report written to {display_path(state.report_path)}")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = _state(config)
    if state is not None:
        config.pluginmanager.unregister(name="hvharness-session")
