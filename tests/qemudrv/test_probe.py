"""The probe: replies files, derivation rules, the TOML, the CLI, and reproducibility.

Without QEMU, a fake emulator replays the committed replies over a real QMP
socket, so the whole collect path runs; with QEMU installed, the real binary
is probed twice and must give the same bytes.
"""

from __future__ import annotations

import filecmp
import importlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.caps import CapsLibrary
from harness.protocol import Capabilities
from qemudrv.caps import QemuCaps
from qemudrv.probe import Replies, RepliesError, collect, derive, set_text
from qemudrv.probe.__main__ import main
from qemudrv.probe.derive import MACHINE, RULES, Argv, Prop
from qemudrv.probe.replies import normalize

ROOT = Path(__file__).resolve().parents[2]
CAPS = ROOT / "caps"
COMMITTED = sorted(CAPS.glob("qemu-*.replies.json"))
QEMU = shutil.which("qemu-system-x86_64")


def _replies(**extra: Any) -> Replies:
    """A small, hand-written probe of an imaginary x86_64 emulator."""
    r = Replies()
    r.add_return("query-version", None, {"qemu": {"major": 7, "minor": 2, "micro": 1},
                                         "package": " test "})  # fmt: skip
    r.add_return("query-target", None, {"arch": "x86_64"})
    r.add_return("query-kvm", None, {"enabled": False, "present": extra.get("kvm", True)})
    r.add_return("query-commands", None, [{"name": "qmp_capabilities"}, {"name": "quit"}])
    r.add_return(
        "query-machines",
        None,
        [
            {"name": "pc-q35-7.2", "alias": "q35", "cpu-max": 288},
            {"name": "pc-i440fx-7.2", "alias": "pc", "is-default": True, "cpu-max": 255},
            {"name": "pc-i440fx-2.10", "cpu-max": 255},
            {"name": "pc-i440fx-2.9", "cpu-max": 255, "deprecated": True},
        ],
    )
    r.add_return("query-cpu-definitions", None, [{"name": "qemu64"}, {"name": "host"}])
    r.add_return(
        "qom-list-types",
        None,
        [{"name": n} for n in ("VGA", "ide-cd", "qxl", "pc-i440fx-7.2-machine")],
    )
    r.add_return(
        "query-command-line-options",
        None,
        [{"option": "device", "parameters": []},
         {"option": "msg", "parameters": [{"name": "timestamp"}]}],
    )  # fmt: skip
    r.add_return("device-list-properties", {"typename": "VGA"}, [{"name": "vgamem_mb"}])
    r.add_return("qom-list-properties", {"typename": "pc-i440fx-7.2-machine"}, [{"name": "usb"}])
    r.add_error("device-list-properties", {"typename": "qxl"}, "GenericError", "nope")
    r.add_argv(["-no-shutdown"], True)
    r.add_argv(["-nodefconfig"], False)
    return r


# -- replies files ------------------------------------------------------------


def test_normalize_sorts_lists_by_name_then_content() -> None:
    value = {"b": [{"name": "z"}, {"name": "a", "x": 2}, {"name": "a", "x": 1}], "a": [3, 1]}
    assert normalize(value) == {
        "b": [{"name": "a", "x": 1}, {"name": "a", "x": 2}, {"name": "z"}],
        "a": [1, 3],
    }


def test_replies_round_trip_and_lookup(tmp_path: Path) -> None:
    r = _replies()
    path = tmp_path / "x.replies.json"
    r.save(path)
    again = Replies.load(path)
    assert again.dumps() == r.dumps() == path.read_text()
    assert again.get("device-list-properties", {"typename": "VGA"}) == [{"name": "vgamem_mb"}]
    assert again.has("query-kvm") and not again.has("device-list-properties", {"typename": "qxl"})
    assert again.accepted(["-no-shutdown"]) is True
    assert again.accepted(["-nodefconfig"]) is False
    assert again.accepted(["-never-asked"]) is None
    with pytest.raises(RepliesError, match="nope"):
        again.get("device-list-properties", {"typename": "qxl"})
    with pytest.raises(RepliesError, match="no reply"):
        again.get("query-tpm-types")
    assert not list(tmp_path.glob(".*")), "temporary file left behind"


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"format": 99}', '{"format": 1, "replies": 3}']
)
def test_bad_replies_files_are_refused(text: str) -> None:
    with pytest.raises(RepliesError):
        Replies.loads(text)


# -- derivation -----------------------------------------------------------------


def test_rules_table_is_one_rule_per_flag_sorted() -> None:
    flags = [r.flag for r in RULES]
    assert len(flags) == len(set(flags))
    assert flags == sorted(flags, key=lambda f: (f.lower(), f))
    for rule in RULES:
        assert rule.describe()


def test_derive_from_each_kind_of_evidence() -> None:
    d = derive(_replies())
    flags = set(d.flag_names)
    assert {"VGA", "ide-cd", "qxl"} <= flags  # types
    assert "VGA.vgamem_mb" in flags  # device property
    assert "machine-usb-opt" in flags  # default machine property
    assert {"device", "msg-timestamp"} <= flags  # command-line options
    assert "monitor-json" in flags  # QMP command
    assert "no-shutdown" in flags and "nodefconfig" not in flags  # argv checks
    assert {"kvm", "enable-kvm", "cpu-host", "pci-multibus"} <= flags
    assert "qxl.vgamem_mb" not in flags  # its property query failed
    assert "ide-drive.wwn" not in flags
    absent = dict(d.absent)
    assert absent["nodefconfig"] == "accepts -nodefconfig"
    assert d.name == "qemu-7.2.1-x86_64" and d.package == "test"
    assert not {"kvm", "enable-kvm"} & set(derive(_replies(kvm=False)).flag_names)


def test_machines_default_first_alias_after_natural_order() -> None:
    d = derive(_replies())
    assert [(m.name, m.canonical) for m in d.machines] == [
        ("pc-i440fx-7.2", None),
        ("pc", "pc-i440fx-7.2"),
        ("pc-i440fx-2.9", None),
        ("pc-i440fx-2.10", None),
        ("pc-q35-7.2", None),
        ("q35", "pc-q35-7.2"),
    ]
    assert d.machines[2].deprecated and d.cpu_models == ("host", "qemu64")


def test_rendered_set_loads_in_the_harness_and_the_driver(tmp_path: Path) -> None:
    derived, text = set_text(_replies())
    raw = tomllib.loads(text)
    assert raw["extends"] == "hvh-host"
    assert raw["flags"] == list(derived.flag_names)
    shutil.copy(CAPS / "hvh-host.toml", tmp_path / "hvh-host.toml")
    (tmp_path / f"{derived.name}.toml").write_text(text)
    caps: Capabilities = CapsLibrary(tmp_path).for_case(derived.name)
    qcaps = QemuCaps(caps)
    guest = qcaps.guest("hvm", "x86_64")
    assert guest is not None
    assert guest.machines[0].name == "pc-i440fx-7.2"
    assert guest.machines[1].canonical == "pc-i440fx-7.2"
    assert [d.type for d in guest.domains] == ["qemu", "kvm"]
    assert qcaps.cpu_models == ("host", "qemu64")
    assert qcaps.has("VGA") and qcaps.host_arch == "x86_64"  # host from hvh-host


def test_standalone_set_has_no_extends() -> None:
    _, text = set_text(_replies(), extends=None)
    assert "extends" not in tomllib.loads(text)


# -- committed sets ---------------------------------------------------------------


@pytest.mark.skipif(not COMMITTED, reason="no committed caps/qemu-*.replies.json")
@pytest.mark.parametrize("replies", COMMITTED, ids=lambda p: p.name)
def test_committed_set_rederives_byte_for_byte(replies: Path, tmp_path: Path) -> None:
    assert main(["--from-replies", str(replies), "--out", str(tmp_path)]) == 0
    name = replies.name.removesuffix(".replies.json") + ".toml"
    assert (tmp_path / name).read_bytes() == (CAPS / name).read_bytes()
    assert main(["--from-replies", str(replies), "--out", str(CAPS), "--check"]) == 0


def test_committed_sets_name_the_flags_the_driver_uses() -> None:
    for path in COMMITTED:
        flags = set(derive(Replies.load(path)).flag_names)
        assert {"device", "drive", "netdev", "chardev", "machine-opt"} <= flags


# -- collecting, through a fake emulator replaying replies --------------------------

_FAKE_QEMU = """\
#!{python}
# A stand-in for qemu-system-*: replays {replies} over the -qmp socket.
# A question recorded as lost makes it exit with the recorded message, as
# QEMU does for a type whose module is missing; one in {hang!r} is never
# answered.
import json, socket, sys, time
argv = sys.argv[1:]
doc = json.load(open({replies!r}))
answers, rejected = {{}}, []
for e in doc["replies"]:
    if "argv" in e:
        if not e["accepted"]:
            rejected.append(e["argv"])
    else:
        answers[json.dumps([e["execute"], e.get("arguments", {{}})], sort_keys=True)] = e
machines = answers[json.dumps(["query-machines", {{}}])]["return"]
default = next(m["name"] for m in machines if m.get("is-default"))
for bad in rejected:
    bad = [default if a == "@machine" else a for a in bad]
    if any(argv[i:i + len(bad)] == bad for i in range(len(argv))):
        sys.exit("fake-qemu: " + bad[0] + ": invalid option")
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
    cmd, args = req["execute"], req.get("arguments", {{}})
    if cmd in ("qmp_capabilities", "quit"):
        reply = {{"return": {{}}}}
    else:
        e = answers.get(json.dumps([cmd, args], sort_keys=True))
        if args.get("typename") in {hang!r}:
            time.sleep(3600)
        if e is None:
            reply = {{"error": {{"class": "CommandNotFound", "desc": cmd}}}}
        elif e.get("error", {{}}).get("class") == "EmulatorLost":
            sys.stderr.write(e["error"]["desc"].split(": ", 1)[-1] + "\\n")
            sys.exit(1)
        else:
            reply = {{k: e[k] for k in ("return", "error") if k in e}}
    reply["id"] = req.get("id")
    out.write(json.dumps(reply) + "\\n")
    out.flush()
    if cmd == "quit":
        break
"""


def _fake_qemu(tmp_path: Path, replies: Path, hang: tuple[str, ...] = ()) -> str:
    script = tmp_path / "fake-qemu-system-x86_64"
    script.write_text(
        _FAKE_QEMU.format(python=sys.executable, replies=str(replies), hang=list(hang))
    )
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(not COMMITTED, reason="no committed caps/qemu-*.replies.json")
def test_collect_through_a_fake_emulator_reproduces_the_replies(tmp_path: Path) -> None:
    source = COMMITTED[0]
    replies = collect(_fake_qemu(tmp_path, source), timeout=20)
    assert replies.dumps() == source.read_text()


def test_collect_records_failed_queries(tmp_path: Path) -> None:
    src = tmp_path / "small.replies.json"
    _replies().save(src)
    replies = collect(_fake_qemu(tmp_path, src), timeout=20)
    # Everything the small set lacks comes back as a recorded error.
    assert replies.has("query-version") and not replies.has("query-qmp-schema")
    entry = next(e for e in replies.entries if e.get("execute") == "query-qmp-schema")
    assert entry["error"]["class"] == "CommandNotFound"
    assert replies.accepted(["-nodefconfig"]) is False
    assert replies.accepted(["-no-shutdown"]) is True
    # The fake accepts every argv check the small set did not record.
    assert set(derive(_replies()).flag_names) <= set(derive(replies).flag_names)


LOST_VGA = "the emulator exited (status 1): missing object type 'VGA-device'"


def test_collect_survives_a_type_that_kills_the_emulator(tmp_path: Path) -> None:
    src = tmp_path / "dies.replies.json"
    dying = _replies()
    dying.add_lost("device-list-properties", {"typename": "VGA"}, LOST_VGA)
    dying.save(src)
    replies = collect(_fake_qemu(tmp_path, src), timeout=20)
    assert replies.lost() == [("device-list-properties", {"typename": "VGA"}, LOST_VGA)]
    # A fresh emulator answered the questions after the fatal one.
    assert replies.get("qom-list-properties", {"typename": "pc-i440fx-7.2-machine"}) == [
        {"name": "usb"}
    ]
    derived = derive(replies)
    assert derived.unprobeable == (("VGA", LOST_VGA),)
    assert "machine-usb-opt" in derived.flag_names and "VGA" in derived.flag_names
    why = dict(derived.absent)["VGA.vgamem_mb"]
    assert why == "VGA property vgamem_mb (not probed: VGA unprobeable)"
    text = set_text(replies)[1]
    assert f"#   VGA: {LOST_VGA}\n" in text


def test_collect_gives_up_on_a_question_that_gets_no_reply(tmp_path: Path) -> None:
    src = tmp_path / "small.replies.json"
    _replies().save(src)
    replies = collect(_fake_qemu(tmp_path, src, hang=("ide-cd",)), timeout=3)
    assert replies.lost() == [
        ("device-list-properties", {"typename": "ide-cd"}, "no reply within 3s")
    ]
    assert replies.get("device-list-properties", {"typename": "VGA"}) == [{"name": "vgamem_mb"}]


def test_cli_without_binary_or_replies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["--out", str(tmp_path)]) == 2
    assert main(["--from-replies", str(tmp_path / "missing.json"), "--out", str(tmp_path)]) == 1


def test_cli_reports_an_emulator_that_does_not_start(tmp_path: Path) -> None:
    assert main(["--binary", "/bin/false", "--out", str(tmp_path), "--timeout", "2"]) == 1
    assert not list(tmp_path.iterdir())


def test_probe_caps_console_script_is_declared() -> None:
    # Installed, it runs under the interpreter that has the dependencies.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, attr = scripts["qemudrv-probe-caps"].partition(":")
    assert getattr(importlib.import_module(module), attr) is main


def test_probe_caps_script_runs_under_the_given_interpreter() -> None:
    # In a checkout, tools/probe-caps works with any interpreter that has
    # the dependencies, without the package being installed.
    script = ROOT / "tools" / "probe-caps"
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True, text=True, check=False, cwd="/", env={"PATH": os.defpath},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "--from-replies" in done.stdout and "qemudrv-probe-caps" in done.stdout


def test_argv_rules_and_prop_rules_resolve_the_machine() -> None:
    assert any(isinstance(r, Argv) and MACHINE in r.argv for r in RULES)
    assert any(isinstance(r, Prop) and r.type == MACHINE for r in RULES)


# -- the real binary ------------------------------------------------------------------


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 is not installed")
def test_real_probe_twice_gives_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["--binary", str(QEMU), "--out", str(out)]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert len(names) == 2
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    toml = next(first.glob("*.toml"))
    text = toml.read_text()
    for leak in (str(tmp_path), "/tmp/hvh-", str(os.getpid())):
        assert leak not in text
    # Re-deriving from the fresh replies gives the same set.
    again = tmp_path / "c"
    replies = next(first.glob("*.replies.json"))
    assert main(["--from-replies", str(replies), "--out", str(again)]) == 0
    assert (again / toml.name).read_bytes() == toml.read_bytes()
    # Same binary as the committed set: the same flags, and the same bytes
    # unless optional modules (the GL display module, say) are installed
    # here and were not there, or the other way round.
    if (CAPS / toml.name).is_file():
        committed = derive(Replies.load(CAPS / replies.name))
        fresh = derive(Replies.load(replies))
        assert fresh.flags == committed.flags
        if fresh.unprobeable == committed.unprobeable:
            assert (CAPS / toml.name).read_bytes() == toml.read_bytes()
            assert (CAPS / replies.name).read_bytes() == replies.read_bytes()


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 is not installed")
def test_real_probe_core_flags() -> None:
    assert QEMU is not None
    derived = derive(collect(QEMU))
    flags = set(derived.flag_names)
    assert {"device", "netdev", "chardev", "VGA", "virtio-blk-pci.ioeventfd"} <= flags
    if int(derived.version.split(".")[0]) >= 6:
        # ide-drive went in QEMU 6.0: its legacy spelling must not be claimed.
        assert "ide-drive.wwn" not in flags and "ide-cd" in flags
