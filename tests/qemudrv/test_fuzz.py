"""A fixed-seed fuzz of the reference driver (benchmarks/fuzz_driver.py).

Mutations of the own suite's inputs, and of the libvirt 1.3.1 corpus when
``../shared`` is there, must each end in a conversion or a clean rejection,
within a wide time bound (a guard against hangs and quadratic blow-ups, not
a measure of speed) and without a large growth in memory.
"""

from __future__ import annotations

import importlib.util
import resource
import sys
from pathlib import Path
from types import ModuleType

import pytest

from qemudrv import driver

REPO = Path(__file__).resolve().parents[2]
RUNS = 2000
SEED = 20261126
RUN_BOUND_SECONDS = 2.0
MEMORY_GROWTH_BOUND = 100 * 2**20


def _load_fuzzer() -> ModuleType:
    """The fuzz script, imported from its file (benchmarks/ is no package)."""
    spec = importlib.util.spec_from_file_location("fuzz_driver", REPO / "benchmarks/fuzz_driver.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fuzzer() -> ModuleType:
    return _load_fuzzer()


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def test_fuzzed_inputs_end_in_a_conversion_or_a_rejection(fuzzer: ModuleType) -> None:
    corpus = fuzzer.load_corpus(fuzzer.default_suites())
    summary = fuzzer.Summary()
    rss_before = _max_rss_bytes()
    # The alarm only stops a hang; a wide one, as it counts wall time.
    for result in fuzzer.fuzz(driver, corpus, RUNS, SEED, time_limit=RUN_BOUND_SECONDS * 5,
                              memory=False):
        summary.add(result)
    growth = _max_rss_bytes() - rss_before
    report = summary.report()
    assert summary.runs == RUNS
    assert not summary.unexpected, report
    # CPU time: a busy machine stretches wall time, not the work done.
    assert summary.most_cpu.cpu_seconds < RUN_BOUND_SECONDS, report
    assert growth < MEMORY_GROWTH_BOUND, f"peak RSS grew by {growth / 2**20:.0f} MiB\n{report}"
    # The mutations reach past the parser: some inputs still convert, and
    # every kind of rejection occurs.
    assert summary.outcomes["converted"] > RUNS // 10, report
    assert {"XMLError", "ConfigError", "UnsupportedError", "ArgvError"} <= set(summary.outcomes)


def test_a_run_replays_identically(fuzzer: ModuleType) -> None:
    corpus = fuzzer.load_corpus([REPO])
    first = [r.text for r in fuzzer.fuzz(driver, corpus, 20, SEED, memory=False)]
    again = [r.text for r in fuzzer.fuzz(driver, corpus, 20, SEED, memory=False)]
    alone = next(fuzzer.fuzz(driver, corpus, 1, SEED, memory=False, first=7)).text
    assert first == again
    assert alone == first[7]


def test_a_hang_is_reported_as_unexpected(fuzzer: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard itself: a conversion that never answers is cut off and
    counted, not waited for."""
    corpus = fuzzer.load_corpus([REPO])

    def never_answers(*_args: object, **_kwargs: object) -> None:
        while True:
            pass

    monkeypatch.setattr(fuzzer, "convert", never_answers)
    result = next(fuzzer.fuzz(driver, corpus, 1, SEED, time_limit=0.2, memory=False))
    assert result.outcome == "unexpected"
    assert result.error == "no answer within 0.2 s"


def test_an_unexpected_exception_is_counted_with_its_place(
    fuzzer: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = fuzzer.load_corpus([REPO])

    def crashes(*_args: object, **_kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(fuzzer, "convert", crashes)
    summary = fuzzer.Summary()
    for result in fuzzer.fuzz(driver, corpus, 3, SEED, memory=False):
        summary.add(result)
    assert len(summary.unexpected) == 3
    assert "unexpected exceptions: 3" in summary.report()
    assert "KeyError: 'boom' at test_fuzz.py:" in summary.unexpected[0].error


def test_the_script_runs_on_the_own_suite_alone(fuzzer: ModuleType,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert fuzzer.main(["--runs", "50", "--seed", "3", "--suite", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert "runs: 50" in out
    assert "unexpected exceptions: 0" in out
    assert "peak memory:" in out
