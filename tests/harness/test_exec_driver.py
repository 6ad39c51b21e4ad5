"""Exec drivers: the protocol's conversation, every fault, bad handshakes, closing."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
from toyproject import edit

from harness.protocol import Capabilities

REPO = Path(__file__).resolve().parents[2]

# A driver process that serves the toyvisor driver through harness.exec_serve,
# logs what it sees to driver.log, and misbehaves as told by its first
# argument when a request's input names the machine 'boom'.
FAULT_DRIVER = r'''
import json, os, signal, sys, time
sys.path.insert(0, os.getcwd())
from harness.exec_serve import answer
from harness.protocol import Capabilities
from toyvisor import driver

behaviour = sys.argv[1]
log = open("driver.log", "a")

def note(*words):
    log.write(" ".join(str(w) for w in words) + "\n")
    log.flush()

def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()

note("start", os.getpid())
print("fault driver starting", file=sys.stderr, flush=True)
if behaviour == "no-handshake":
    print("cannot open the frobnicator", file=sys.stderr)
    sys.exit(1)
elif behaviour == "bad-handshake":
    print("hello, harness", flush=True)
elif behaviour == "slow-handshake":
    time.sleep(60)
elif behaviour == "v2-handshake":
    send({"protocol": "hvharness-exec/2", "name": "toyvisor", "modes": ["xml2argv"]})
else:
    send({"protocol": "hvharness-exec/1", "name": "toyvisor",
          "modes": ["xml2argv", "xml2xml", "argv2xml"]})
caps = {}
for line in sys.stdin:
    request = json.loads(line)
    note("request", request["id"], request["caps_key"], "caps" in request)
    if "caps" in request:
        caps[request["caps_key"]] = Capabilities.from_json(request["caps"])
    if "name='boom'" in request["input"]:
        print(f"about to misbehave: {behaviour}", file=sys.stderr, flush=True)
        if behaviour == "exit":
            sys.exit(3)
        if behaviour == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if behaviour == "not-json":
            print("Segmentation fault (core dumped)", flush=True)
            continue
        if behaviour == "invalid":
            send({"id": request["id"], "outputs": "-name boom"})
            continue
        if behaviour == "wrong-id":
            send({"id": request["id"] + 1, "output": "-name boom"})
            continue
        if behaviour == "hang":
            time.sleep(60)
        if behaviour == "error":
            send({"id": request["id"], "error": "Traceback: KeyError: 'boom'"})
            continue
    send(answer(driver, request, caps))
note("stdin closed")
'''


@pytest.fixture
def exec_toy(pytester: pytest.Pytester, toy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The toy project with the fault driver and a 'boom' case first in xml2argv."""
    (pytester.path / "fault_driver.py").write_text(FAULT_DRIVER)
    (toy / "xml2argv" / "boom.xml").write_text(
        "<machine name='boom'>\n  <memory>64</memory>\n</machine>\n")
    (toy / "xml2argv" / "boom.args").write_text("HOME=/root /usr/bin/toyvisor -name boom -m 64 -smp 1\n")
    edit(toy / "xml2argv" / "cases.toml", '[case."minimal"]', '[case."boom"]\n\n[case."minimal"]')
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    return toy


def _spec(behaviour: str) -> str:
    return f"exec:{shlex.quote(sys.executable)} fault_driver.py {behaviour}"


def _log(pytester: pytest.Pytester) -> list[str]:
    return (pytester.path / "driver.log").read_text().splitlines()


def _starts(pytester: pytest.Pytester) -> int:
    return sum(1 for line in _log(pytester) if line.startswith("start"))


def test_a_well_behaved_exec_driver_passes_the_suite(
    pytester: pytest.Pytester, exec_toy: Path
) -> None:
    result = pytester.runpytest("--driver", _spec("fine"))
    result.assert_outcomes(passed=13)
    result.stdout.fnmatch_lines(["hvharness: driver exec:* fault_driver.py fine (--driver)"])
    log = _log(pytester)
    assert _starts(pytester) == 1
    # Each effective capability set is sent with its first request only.
    sent: dict[str, list[bool]] = {}
    for line in log:
        if line.startswith("request"):
            _, _, key, with_caps = line.split()
            sent.setdefault(key, []).append(with_caps == "True")
    assert len(sent) >= 4
    assert all(flags[0] and not any(flags[1:]) for flags in sent.values())
    # The session closes its stdin at the end, and the driver exits.
    assert log[-1] == "stdin closed"


def test_the_ini_key_takes_an_exec_spec(pytester: pytest.Pytester, exec_toy: Path) -> None:
    edit(pytester.path / "tox.ini", "hvharness_driver = toyvisor:driver",
         f"hvharness_driver = {_spec('fine')}")
    pytester.runpytest().assert_outcomes(passed=13)


@pytest.mark.parametrize(
    ("behaviour", "problem"),
    [
        ("exit", "exited with status 3 before its reply"),
        ("kill", "was killed by SIGKILL before its reply"),
        ("not-json", "wrote a reply line that is not JSON: 'Segmentation fault (core dumped)'"),
        ("invalid", "wrote a reply with none of 'output', 'rejected', 'error' (exactly one is "
                    "needed): *"),
        ("wrong-id", "replied with id * to request *"),
        ("hang", "no reply within the timeout"),
    ],
)
def test_a_fault_fails_that_case_and_a_fresh_process_serves_the_next(
    pytester: pytest.Pytester, exec_toy: Path, behaviour: str, problem: str
) -> None:
    result = pytester.runpytest("--driver", _spec(behaviour), "-o", "hvharness_exec_timeout=5")
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines([
        f"*exec driver '* fault_driver.py {behaviour}': {problem}",
        "last lines of its stderr:",
        "  fault driver starting",
        f"  about to misbehave: {behaviour}",
    ])
    result.stdout.fnmatch_lines(["FAILED suite::xml2argv/boom*"])
    assert "Traceback" not in result.stdout.str()
    assert _starts(pytester) == 2


def test_an_error_reply_is_a_driver_bug_and_keeps_the_process(
    pytester: pytest.Pytester, exec_toy: Path
) -> None:
    result = pytester.runpytest("--driver", _spec("error"))
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines([
        "*exec driver '* fault_driver.py error' reported an error: Traceback: KeyError: 'boom'*"])
    assert _starts(pytester) == 1


@pytest.mark.parametrize(
    ("behaviour", "problem"),
    [
        ("no-handshake", "exited with status 1 before its handshake"),
        ("bad-handshake", "wrote a handshake line that is not JSON: 'hello, harness'"),
        ("v2-handshake", "it speaks protocol 'hvharness-exec/2', the harness speaks "
                         "'hvharness-exec/1'"),
        ("slow-handshake", "no handshake within the timeout"),
    ],
)
def test_a_bad_handshake_is_one_session_level_error(
    pytester: pytest.Pytester, exec_toy: Path, behaviour: str, problem: str
) -> None:
    result = pytester.runpytest("--driver", _spec(behaviour), "-o", "hvharness_exec_timeout=5")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*exec driver '* fault_driver.py {behaviour}': bad handshake: "
                                 f"{problem}*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    # Loaded once: the error is not rediscovered case by case.
    assert _starts(pytester) == 1


def test_a_command_that_cannot_start(pytester: pytest.Pytester, toy: Path) -> None:
    result = pytester.runpytest("--driver", "exec:no-such-driver-binary --flag")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*exec driver 'no-such-driver-binary --flag': cannot start "
                                 "'no-such-driver-binary': No such file or directory*"])


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_a_bad_exec_timeout_is_a_usage_error(
    pytester: pytest.Pytester, toy: Path, value: str
) -> None:
    result = pytester.runpytest("-o", f"hvharness_exec_timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*hvharness_exec_timeout must be a positive number of seconds, "
                                 f"not '{value}'"])


def test_each_xdist_worker_runs_its_own_process(
    pytester: pytest.Pytester, exec_toy: Path
) -> None:
    pytest.importorskip("xdist")
    pytester.runpytest("--driver", _spec("fine"), "-n", "2", "-p", "no:benchmark").assert_outcomes(passed=13)
    # The controller starts one to validate the driver, and closes it when
    # the workers take over; each worker then runs its own.
    assert _starts(pytester) == 3
    assert _log(pytester).count("stdin closed") == 3


def test_the_own_suite_passes_through_exec_serve(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for part in ("caps", "cases"):
        shutil.copytree(REPO / part, pytester.path / "own" / part)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    result = pytester.runpytest(
        "--suite", "own",
        "--driver", f"exec:{shlex.quote(sys.executable)} -m harness.exec_serve qemudrv:driver")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 80 and set(outcomes) - {"warnings"} == {"passed"}, outcomes


def test_capabilities_json_form_round_trips() -> None:
    caps = Capabilities.from_json({
        "name": "toy", "flags": ["b", "a"], "config": {"bus": "ide", "ports": [1, 2]},
        "tables": {"host": {"arch": "x86_64", "cpus": [{"model": "qemu64"}]}},
    })
    assert caps.to_json() == {
        "name": "toy", "flags": ["a", "b"], "config": {"bus": "ide", "ports": [1, 2]},
        "tables": {"host": {"arch": "x86_64", "cpus": [{"model": "qemu64"}]}},
    }
    assert json.loads(caps.canonical_json) == caps.to_json()
    assert caps.key.startswith("toy#")
    assert Capabilities.from_json(caps.to_json()) == caps
    changed = Capabilities.from_json({**caps.to_json(), "flags": ["a"]})
    assert changed.key != caps.key


@pytest.mark.parametrize("bad", [{"flags": []}, {"name": "x", "flags": "ab"},
                                 {"name": "x", "config": []}])
def test_capabilities_from_json_rejects_bad_shapes(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="capabilities"):
        Capabilities.from_json(bad)


NODE_EXAMPLE = REPO / "examples" / "toyvisor-node"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
def test_the_node_example_passes_its_own_suite(pytester: pytest.Pytester) -> None:
    shutil.copytree(NODE_EXAMPLE, pytester.path, dirs_exist_ok=True)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=14)
    result.stdout.fnmatch_lines(["hvharness: driver exec:node driver.js (hvharness_driver in pytest.ini)"])


LIBVIRT_LIVE = REPO / "examples" / "libvirt-live" / "libvirt_live.py"


def _libvirt_live_missing() -> str | None:
    for tool in ("virsh", "qemu-system-x86_64", *(("setpriv",) if os.geteuid() == 0 else ())):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH (apt-get install libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86)"
    return None


@pytest.mark.skipif(_libvirt_live_missing() is not None, reason=str(_libvirt_live_missing()))
def test_libvirt_live_answers_the_q72_cases(pytester: pytest.Pytester) -> None:
    for part in ("caps", "cases"):
        shutil.copytree(REPO / part, pytester.path / "own" / part)
    spec = f"exec:{shlex.quote(sys.executable)} {shlex.quote(str(LIBVIRT_LIVE))}"
    result = pytester.runpytest("--suite", "own", "-k", "q72 and xml2argv", "--driver", spec,
                                "--conformance-report", "live.json")
    cases = json.loads((pytester.path / "live.json").read_text())["suites"]["own"]["modes"][
        "xml2argv"]["cases"]
    manifest = tomllib.loads((REPO / "cases" / "xml2argv" / "cases.toml").read_text())
    assert len(cases) == sum(1 for name in manifest["case"] if "q72" in name)
    # Every case got an answer: a command line or a host limit, never a protocol fault.
    for case in cases:
        assert case["outcome"] in ("passed", "failed", "error"), case
        assert "host limit" in case["reason"] or "exec driver" not in case["reason"], case
    # Normalised (the capability set's monitor socket and HOME, no embed
    # root), libvirt's command line is the golden the reference driver wrote.
    golden = (REPO / "cases" / "xml2argv" / "q72-minimal-pc.args").read_text()
    assert "path=/var/lib/hvh/monitor.sock," in golden and "HOME=/var/lib/hvh" in golden
    outcome = {case["case"]: case["outcome"] for case in cases}
    assert outcome["q72-minimal-pc"] == "passed", cases
    # The q72 cases are libvirt 9.0's behaviour on this QEMU: the reference
    # driver and the real thing agree.
    result = pytester.runpytest("--suite", "own", "-k", "q72-minimal", "--driver", "qemudrv",
                                "--against", spec)
    result.assert_outcomes(passed=1)


def test_an_interrupted_request_does_not_leak_its_reply_into_the_next(
    pytester: pytest.Pytester, exec_toy: Path
) -> None:
    # The per-case timeout interrupts the first request while the driver
    # still owes its reply; the next case must not read that reply.
    result = pytester.runpytest("--driver", _spec("hang"), "-o", "hvharness_timeout=1")
    result.assert_outcomes(passed=12, failed=1)
    result.stdout.fnmatch_lines(["*driver timed out*hvharness_timeout*"])
    assert _starts(pytester) == 2
