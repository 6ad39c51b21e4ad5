"""--qemu-validate: which cases a binary judges, its verdicts, and the pytest glue.

A fake emulator (a Python script speaking just enough QMP) stands in for
QEMU; the real binary, when installed, judges the project's own goldens.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import Any

import pytest

from harness.protocol import Capabilities, Mode
from harness.wrap import unwrap
from hvharness_qemu.checker import QemuChecker, ValidationError, identify, probed_from

ROOT = Path(__file__).resolve().parents[2]
QEMU = shutil.which("qemu-system-x86_64")
# The q72 cases' set: libvirt 9.0's own probe of Debian's QEMU 7.2.
PROBED = "qemu-7.2.22-x86_64.libvirt-9.0.0"

# Identifies itself from the files beside it (version, arch), rejects every
# command line while a file 'reject' is there, and otherwise reaches prelaunch.
_FAKE = """\
#!{python}
import json, os, socket, sys
here = os.path.dirname(os.path.abspath(__file__))
def read(name, default):
    path = os.path.join(here, name)
    return open(path).read().strip() if os.path.exists(path) else default
argv = sys.argv[1:]
identifying = any(a in ("-M", "-machine") and b == "none" for a, b in zip(argv, argv[1:]))
if os.path.exists(os.path.join(here, "reject")) and not identifying:
    sys.stderr.write("qemu-system-x86_64: " + read("reject", "") + "\\n")
    sys.exit(1)
major, minor, micro = read("version", "7.2.22").split(".")
replies = {{
    "query-version": {{"qemu": {{"major": int(major), "minor": int(minor), "micro": int(micro)}},
                      "package": "fake"}},
    "query-target": {{"arch": read("arch", "x86_64")}},
    "query-status": {{"status": "prelaunch", "running": False}},
}}
path = argv[argv.index("-qmp") + 1].split(",")[0].removeprefix("unix:")
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
conn, _ = srv.accept()
out = conn.makefile("w")
out.write(json.dumps({{"QMP": {{"version": {{}}, "capabilities": []}}}}) + "\\n")
out.flush()
for line in conn.makefile("r"):
    req = json.loads(line)
    out.write(json.dumps({{"return": replies.get(req["execute"], {{}}), "id": req.get("id")}}) + "\\n")
    out.flush()
    if req["execute"] == "quit":
        break
"""


@pytest.fixture
def fake_qemu(tmp_path: Path) -> Path:
    script = tmp_path / "bin" / "qemu-system-x86_64"
    script.parent.mkdir()
    script.write_text(_FAKE.format(python=sys.executable))
    script.chmod(0o755)
    return script


def _caps(name: str = PROBED, emulator: dict[str, Any] | None = None) -> Capabilities:
    tables: dict[str, Any] = {}
    if emulator is not None:
        tables["emulator"] = MappingProxyType(emulator)
    return Capabilities(name, frozenset(), MappingProxyType({}), MappingProxyType(tables))


PROBED_CAPS = _caps(emulator={"version": "7.2.22", "arch": "x86_64", "package": "fake"})
LINE = unwrap((ROOT / "cases" / "xml2argv" / "q72-minimal-pc.args").read_text())


def _case(mode: Mode = Mode.XML2ARGV) -> Any:
    return SimpleNamespace(mode=mode, id="c")


# -- which cases ---------------------------------------------------------------------


def test_probed_sets_are_named_and_carry_their_emulator() -> None:
    assert probed_from(PROBED_CAPS) is not None
    assert str(probed_from(PROBED_CAPS)) == "QEMU 7.2.22 x86_64"
    assert probed_from(_caps("qemu-2.5")) is None  # hand-written: no [emulator]
    assert probed_from(_caps("toy-1.0", {"version": "1", "arch": "x86_64"})) is None


def test_not_its_business_returns_none(fake_qemu: Path) -> None:
    checker = QemuChecker(str(fake_qemu))
    assert checker.check(_case(Mode.XML2XML), PROBED_CAPS, "<domain/>") is None
    assert checker.check(_case(), _caps("qemu-2.5"), LINE) is None


def test_accepted(fake_qemu: Path) -> None:
    assert identify(str(fake_qemu)).version == "7.2.22"
    check = QemuChecker(str(fake_qemu)).check(_case(), PROBED_CAPS, LINE)
    assert check is not None
    assert (check.status, check.checker) == ("accepted", "qemu-validate")


def test_rejected_with_qemus_error_line(fake_qemu: Path) -> None:
    checker = QemuChecker(str(fake_qemu))
    checker.identity()
    (fake_qemu.parent / "reject").write_text("-nodefconfig: invalid option")
    check = checker.check(_case(), PROBED_CAPS, LINE)
    assert check is not None and check.status == "rejected"
    assert check.message == "qemu-system-x86_64: -nodefconfig: invalid option"


def test_another_emulator_skips(fake_qemu: Path) -> None:
    (fake_qemu.parent / "version").write_text("8.0.0")
    check = QemuChecker(str(fake_qemu)).check(_case(), PROBED_CAPS, LINE)
    assert check is not None and check.status == "skipped"
    assert check.message == (f"capability set {PROBED} was probed from QEMU 7.2.22 x86_64, "
                             f"and {fake_qemu} is QEMU 8.0.0 x86_64")
    (fake_qemu.parent / "version").unlink()
    other_arch = LINE.replace("qemu-system-x86_64", "qemu-system-aarch64")
    check = QemuChecker(str(fake_qemu)).check(_case(), _caps(emulator={
        "version": "7.2.22", "arch": "x86_64"}), other_arch)
    assert check is not None and check.status == "skipped"
    assert check.message.startswith("the guest runs qemu-system-aarch64")


def test_host_resources_skip(fake_qemu: Path) -> None:
    line = LINE + " -netdev tap,id=n0,ifname=vnet0"
    check = QemuChecker(str(fake_qemu)).check(_case(), PROBED_CAPS, line)
    assert check is not None and (check.status, check.message) == ("skipped", "tap networking")


def test_an_emulator_that_does_not_start_is_an_error(tmp_path: Path) -> None:
    checker = QemuChecker("/bin/false", timeout=2)
    with pytest.raises(ValidationError, match="cannot be started"):
        checker.check(_case(), PROBED_CAPS, LINE)
    with pytest.raises(ValidationError):  # remembered, not retried per case
        checker.identity()


# -- the pytest glue -------------------------------------------------------------------


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """The project's caps and two of its cases: one probed-set, one qemu-2.5."""
    (pytester.path / "caps").mkdir()
    for name in ("hvh-host", "hvh-session", "qemu-2.5", PROBED):
        shutil.copy(ROOT / "caps" / f"{name}.toml", pytester.path / "caps")
    cases = pytester.path / "cases" / "xml2argv"
    cases.mkdir(parents=True)
    for stem in ("q72-minimal-pc", "iothreads-disk"):
        for suffix in (".xml", ".args"):
            shutil.copy(ROOT / "cases" / "xml2argv" / f"{stem}{suffix}", cases)
    (cases / "cases.toml").write_text(
        f'[defaults]\ncaps = "qemu-2.5"\n\n[case."iothreads-disk"]\n\n'
        f'[case."q72-minimal-pc"]\ncaps = "{PROBED}"\n')
    pytester.makeini("[pytest]\nhvharness_driver = qemudrv\nhvharness_suites = .\n")
    return cases


def test_plugin_validates_probed_cases_only(
    pytester: pytest.Pytester, project: Path, fake_qemu: Path
) -> None:
    result = pytester.runpytest(f"--qemu-validate={fake_qemu}")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"hvharness-qemu: validating * with {fake_qemu}",
                                 "  qemu-validate: 1 accepted, 0 skipped, 0 rejected"])
    (fake_qemu.parent / "reject").write_text("-machine pc: unsupported machine type")
    result = pytester.runpytest(f"--qemu-validate={fake_qemu}")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "qemu-validate rejected the output: qemu-system-x86_64: -machine pc: unsupported*",
        "  qemu-validate: 0 accepted, 0 skipped, 1 rejected"])


def test_plugin_off_by_default_and_checks_the_binary(
    pytester: pytest.Pytester, project: Path
) -> None:
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    assert "qemu-validate" not in result.stdout.str()
    result = pytester.runpytest("--qemu-validate=/nonexistent/qemu")
    result.stderr.fnmatch_lines(["*--qemu-validate /nonexistent/qemu: not an executable file"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


# -- the real binary -------------------------------------------------------------------


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 is not installed")
def test_real_qemu_accepts_a_golden_and_rejects_legacy_options() -> None:
    assert QEMU is not None
    checker = QemuChecker(QEMU)
    if str(checker.identity()) != "QEMU 7.2.22 x86_64":
        pytest.skip(f"{QEMU} is {checker.identity()}, not the probed QEMU 7.2.22")
    check = checker.check(_case(), PROBED_CAPS, LINE)
    assert check is not None and check.status == "accepted", check
    check = checker.check(_case(), PROBED_CAPS, LINE.replace("-no-user-config", "-nodefconfig"))
    assert check is not None and check.status == "rejected"
    assert "-nodefconfig: invalid option" in check.message
