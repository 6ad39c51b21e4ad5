"""A misbehaving driver fails its case with one line, and the run goes on."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from toyproject import edit

from harness.timeout import CaseTimedOut, deadline, parse_timeout

_FAULTY = '''\
import os
import time

from harness.protocol import Conversion, DefinitionRejected
from toyvisor import ToyDriver


class Mute(Exception):
    def __str__(self):
        raise ValueError("no words")


class MuteRejection(DefinitionRejected):
    def __str__(self):
        raise ValueError("no words")


class Odd(BaseException):
    pass


class FaultyDriver(ToyDriver):
    def xml_to_argv(self, xml, caps, **kw):
        if "<fault/>" in xml:
{argv_fault}
        return super().xml_to_argv(xml, caps, **kw)

    def xml_to_xml(self, xml, caps, *, active=False, status=False):
        if status:
{status_fault}
        return super().xml_to_xml(xml, caps, active=active, status=status)


driver = FaultyDriver()
'''


def _faulty(pytester: pytest.Pytester, toy: Path, argv_fault: str | None = None,
            status_fault: str = "pass") -> None:
    """The toy driver, misbehaving in a new xml2argv case 'fault' or in status round trips."""
    pytester.makepyfile(faulty=_FAULTY.format(
        argv_fault=textwrap.indent(argv_fault or "pass", " " * 12),
        status_fault=textwrap.indent(status_fault, " " * 12)))
    if argv_fault is None:
        return
    (toy / "xml2argv" / "fault.xml").write_text(
        "<machine name='demo'>\n  <memory>512</memory>\n  <fault/>\n</machine>\n")
    with (toy / "xml2argv" / "cases.toml").open("a") as manifest:
        manifest.write('\n[case."fault"]\n')


def _reported(path: Path) -> dict[str, dict[str, str]]:
    """The xml2argv cases of the conformance report, by case id."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {c["case"]: c for c in data["suites"]["suite"]["modes"]["xml2argv"]["cases"]}


def _one_line(result: pytest.RunResult, line: str) -> None:
    """``line`` is shown once, without a traceback or the harness's own frames."""
    result.stdout.fnmatch_lines([f"*{line}"])
    text = result.stdout.str()
    assert "Traceback" not in text
    assert "harness/check.py" not in text


@pytest.mark.parametrize(
    ("fault", "line"),
    [
        pytest.param("raise Mute()",
                     "driver raised an unexpected exception: Mute: <str() raised ValueError> "
                     "(at faulty.py:* in xml_to_argv)", id="str-raises"),
        pytest.param("raise MuteRejection()",
                     "driver raised an unexpected exception: MuteRejection: "
                     "<str() raised ValueError> (at faulty.py:* in xml_to_argv)",
                     id="rejection-str-raises"),
        pytest.param("raise SystemExit(3)",
                     "driver raised an unexpected exception: SystemExit: 3 "
                     "(at faulty.py:* in xml_to_argv)", id="system-exit"),
        pytest.param("raise GeneratorExit()",
                     "driver raised an unexpected exception: GeneratorExit "
                     "(at faulty.py:* in xml_to_argv)", id="generator-exit"),
        pytest.param("raise Odd('strange')",
                     "driver raised an unexpected exception: Odd: strange "
                     "(at faulty.py:* in xml_to_argv)", id="base-exception"),
        pytest.param("return 'HOME=/ toy -name demo'",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned "
                     "'HOME=/ toy -name demo', not a Conversion", id="not-a-conversion"),
        pytest.param("return None",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned None, "
                     "not a Conversion", id="none"),
        pytest.param("return Conversion(b'toy -name demo')",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned a "
                     "Conversion whose output is bytes, not str", id="bytes-output"),
        pytest.param("return Conversion('toy -name \\udcff')",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned output "
                     "that cannot be encoded as UTF-8 (lone surrogate '\\udcff' at character "
                     "10 of 11)", id="lone-surrogate"),
        pytest.param("raise DefinitionRejected('bad \\ud800 name')",
                     "driver raised DefinitionRejected with a message that cannot be encoded "
                     "as UTF-8 (lone surrogate '\\ud800' at character 4 of 10) "
                     "(at faulty.py:* in xml_to_argv)", id="rejection-surrogate"),
        pytest.param("return Conversion('toy', warnings='unknown option')",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned warnings "
                     "'unknown option', not a sequence of strings", id="warnings-str"),
        pytest.param("return Conversion('toy', warnings=None)",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned warnings "
                     "None, not a sequence of strings", id="warnings-none"),
        pytest.param("return Conversion('toy', warnings=('fine', 7))",
                     "driver toyvisor (faulty.FaultyDriver): xml_to_argv() returned warning 1 "
                     "as int, not str", id="warnings-int"),
    ],
)
def test_driver_fault_fails_its_case_only(
    pytester: pytest.Pytester, toy: Path, fault: str, line: str
) -> None:
    _faulty(pytester, toy, argv_fault=fault)
    result = pytester.runpytest("--driver", "faulty:driver", "--conformance-report", "r.json")
    result.assert_outcomes(passed=12, failed=1)
    _one_line(result, line)
    fault = _reported(pytester.path / "r.json")["fault"]
    assert fault["outcome"] == "error"
    assert fault["reason"].startswith("driver ")


def test_converter_with_the_wrong_signature(pytester: pytest.Pytester, toy: Path) -> None:
    pytester.makepyfile(narrow="""
        from toyvisor import ToyDriver

        class NarrowDriver(ToyDriver):
            def xml_to_argv(self, xml, caps):
                return super().xml_to_argv(xml, caps)

        driver = NarrowDriver()
    """)
    result = pytester.runpytest("--driver", "narrow:driver", "-k", "minimal")
    result.assert_outcomes(passed=1, failed=1)
    _one_line(result, "driver toyvisor (narrow.NarrowDriver): xml_to_argv() cannot be called as "
                      "the protocol says: TypeError: NarrowDriver.xml_to_argv() got an unexpected "
                      "keyword argument 'migrate_from'")


def test_huge_error_message_is_shortened(pytester: pytest.Pytester, toy: Path) -> None:
    _faulty(pytester, toy, argv_fault="raise RuntimeError('x' * 5_000_000)")
    result = pytester.runpytest("--driver", "faulty:driver", "--conformance-report", "r.json")
    result.assert_outcomes(passed=12, failed=1)
    _one_line(result, "RuntimeError: xxx*... 499???? more characters (at faulty.py:* in xml_to_argv)")
    assert len(result.stdout.str()) < 40_000
    assert (pytester.path / "r.json").stat().st_size < 40_000


def test_huge_rejection_text_is_shortened(pytester: pytest.Pytester, toy: Path) -> None:
    _faulty(pytester, toy, argv_fault="raise DefinitionRejected('y' * 5_000_000)")
    result = pytester.runpytest("--driver", "faulty:driver")
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(["*expected success, but the driver raised DefinitionRejected: "
                                 "yyy*... 499???? more characters"])
    assert len(result.stdout.str()) < 40_000


def test_lone_surrogates_never_reach_a_golden(pytester: pytest.Pytester, toy: Path) -> None:
    _faulty(pytester, toy, argv_fault="return Conversion('toy -name \\udcff')")
    result = pytester.runpytest("--driver", "faulty:driver", "--regen=all")
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(["*xml_to_argv() returned output that cannot be encoded as UTF-8*"])
    assert not (toy / "xml2argv" / "fault.args").exists()


@pytest.mark.parametrize(
    ("fault", "line"),
    [
        pytest.param("return None",
                     "status round trip*: driver toyvisor (faulty.FaultyDriver): xml_to_xml() "
                     "returned None, not a Conversion", id="none"),
        pytest.param("return Conversion(42)",
                     "status round trip*: driver toyvisor (faulty.FaultyDriver): xml_to_xml() "
                     "returned a Conversion whose output is int, not str", id="int-output"),
        pytest.param("return Conversion('<status>\\ud800</status>')",
                     "status round trip*: driver toyvisor (faulty.FaultyDriver): xml_to_xml() "
                     "returned output that cannot be encoded as UTF-8 *", id="surrogate"),
        pytest.param("raise SystemExit('bye')",
                     "status round trip*: driver raised an unexpected exception: SystemExit: bye "
                     "(at faulty.py:* in xml_to_xml)", id="system-exit"),
    ],
)
def test_status_round_trip_faults(
    pytester: pytest.Pytester, toy: Path, fault: str, line: str
) -> None:
    _faulty(pytester, toy, status_fault=fault)
    result = pytester.runpytest("--driver", "faulty:driver")
    result.assert_outcomes(passed=11, failed=1)
    _one_line(result, line)


def test_keyboard_interrupt_still_stops_the_run(pytester: pytest.Pytester, toy: Path) -> None:
    _faulty(pytester, toy, argv_fault="raise KeyboardInterrupt")
    result = pytester.runpytest("--driver", "faulty:driver", "-p", "no:randomly",
                                no_reraise_ctrlc=True)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) < 12


@pytest.mark.parametrize(
    "hang",
    [
        pytest.param("time.sleep(30)", id="sleep"),
        pytest.param("reader, writer = os.pipe()\nos.read(reader, 1)", id="blocking-read"),
    ],
)
def test_hanging_driver_times_out(pytester: pytest.Pytester, toy: Path, hang: str) -> None:
    _faulty(pytester, toy, argv_fault=hang)
    started = time.monotonic()
    result = pytester.runpytest("--driver", "faulty:driver", "-o", "hvharness_timeout=0.5",
                                "--conformance-report", "r.json")
    assert time.monotonic() - started < 20
    result.assert_outcomes(passed=12, failed=1)
    _one_line(result, "driver timed out: no answer within 0.5 s (hvharness_timeout) "
                      "(at faulty.py:* in xml_to_argv)")
    assert _reported(pytester.path / "r.json")["fault"]["outcome"] == "error"


def test_timeout_of_zero_sets_no_limit(pytester: pytest.Pytester, toy: Path) -> None:
    _faulty(pytester, toy, argv_fault="time.sleep(0.6)\nraise DefinitionRejected('slow')")
    edit(toy / "xml2argv" / "cases.toml", '[case."fault"]', '[case."fault"]\nexpect = "error"')
    result = pytester.runpytest("--driver", "faulty:driver", "-o", "hvharness_timeout=0")
    result.assert_outcomes(passed=13)
    limited = pytester.runpytest("--driver", "faulty:driver", "-o", "hvharness_timeout=0.2")
    limited.assert_outcomes(passed=12, failed=1)


def test_timeout_under_xdist(pytester: pytest.Pytester, toy: Path) -> None:
    pytest.importorskip("xdist")
    _faulty(pytester, toy, argv_fault="time.sleep(30)")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--driver", "faulty:driver",
                                           "-o", "hvharness_timeout=0.5")
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(["*driver timed out: no answer within 0.5 s*"])


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_bad_timeout_is_a_usage_error(pytester: pytest.Pytester, toy: Path, value: str) -> None:
    result = pytester.runpytest("-o", f"hvharness_timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: hvharness_timeout: '{value}' is not a number of seconds*"])


def test_parse_timeout() -> None:
    assert parse_timeout("60") == 60.0
    assert parse_timeout(" 0.25 ") == 0.25
    assert parse_timeout("0") == 0.0
    with pytest.raises(ValueError, match="not a number"):
        parse_timeout("inf")


def test_deadline_restores_the_previous_handler_and_timer() -> None:
    fired: list[int] = []

    def previous(signum: int, frame: object) -> None:
        fired.append(signum)

    old = signal.signal(signal.SIGALRM, previous)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with pytest.raises(CaseTimedOut), deadline(0.05):
            time.sleep(5)
        assert signal.getsignal(signal.SIGALRM) is previous
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < remaining < 0.4
        time.sleep(remaining + 0.5)
        assert fired == [signal.SIGALRM]
        with deadline(1):
            pass
        assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_an_alarm_outside_any_deadline_keeps_its_default_action() -> None:
    # Between deadlines the harness's handler may stay installed (nobody
    # else handles SIGALRM); an alarm then must still end the process, as
    # the default action does, rather than raise CaseTimedOut somewhere.
    code = ("import signal, time\n"
            "from harness.timeout import deadline\n"
            "with deadline(5):\n    pass\n"
            "signal.setitimer(signal.ITIMER_REAL, 0.05)\n"
            "time.sleep(5)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30,
                          check=False, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == -signal.SIGALRM, done.stderr
