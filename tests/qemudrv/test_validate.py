"""Validating command lines: parsing, host rewrites, skips, and running the emulator.

A fake emulator (a Python script speaking QMP) covers accepted, rejected,
hung and silent runs without QEMU; the real binary, when installed, checks
modern and legacy syntax.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from qemudrv.probe.qemuopts import get, split_opts
from qemudrv.validate import validate_command_line
from qemudrv.validate_options import Option, parse_options, split_command_line
from qemudrv.validate_rewrite import SkipCommand, rewrite

QEMU = shutil.which("qemu-system-x86_64")
QEMU_IMG = shutil.which("qemu-img")
ENV = "LC_ALL=C PATH=/bin HOME=/home/test USER=test LOGNAME=test QEMU_AUDIO_DRV=none"
MONITOR = (
    "-chardev socket,id=charmonitor,path=/tmp/test-monitor,server,nowait "
    "-mon chardev=charmonitor,id=monitor,mode=control"
)


@pytest.fixture
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="hvh-vtest-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _rewrite(line: str, workdir: Path, *, kvm: bool = False) -> list[Option]:
    _, _, args = split_command_line(line)
    with ExitStack() as keep:
        return rewrite(parse_options(args), workdir, kvm=kvm, qemu_img=QEMU_IMG, keep=keep)


def _value(opts: list[Option], name: str) -> str:
    values = [o.value for o in opts if o.name == name]
    assert len(values) == 1, (name, values)
    assert values[0] is not None
    return values[0]


# -- parsing ---------------------------------------------------------------------


def test_split_command_line_env_program_and_continuations() -> None:
    line = "LC_ALL=C \\\nHOME=/home/test /usr/bin/qemu \\\n-name 'a b' -device virtio-blk-pci,\\\nid=d0 -S"
    env, program, args = split_command_line(line)
    assert env == {"LC_ALL": "C", "HOME": "/home/test"}
    assert program == "/usr/bin/qemu"
    assert args == ["-name", "a b", "-device", "virtio-blk-pci,id=d0", "-S"]


def test_split_command_line_needs_a_program() -> None:
    with pytest.raises(ValueError):
        split_command_line("A=1 B=2")


def test_parse_options_knows_flags() -> None:
    opts = parse_options(["-S", "-m", "214", "-nodefaults", "--no-shutdown", "disk.img", "-usb"])
    assert [(o.name, o.value) for o in opts] == [
        ("-S", None),
        ("-m", "214"),
        ("-nodefaults", None),
        ("-no-shutdown", None),
        ("", "disk.img"),
        ("-usb", None),
    ]


def test_qemuopts_commas_are_escaped_by_doubling() -> None:
    items = split_opts("file=/a,,b,if=none,readonly")
    assert items == [("file", "/a,b"), ("if", "none"), ("readonly", None)]


# -- rewriting ----------------------------------------------------------------------


def test_monitor_dropped_qmp_ours_paused_and_headless(workdir: Path) -> None:
    line = f"{ENV} /usr/bin/qemu -name g {MONITOR} -monitor unix:/tmp/m,server,nowait -m 64"
    opts = _rewrite(line, workdir)
    names = [o.name for o in opts]
    assert "-mon" not in names and "-monitor" not in names and "-chardev" not in names
    assert ("-S" in names) and _value(opts, "-display") == "none"


def test_disks_become_fresh_files_in_the_workdir(workdir: Path) -> None:
    line = (
        "qemu -drive file=/dev/HostVG/QEMUGuest1,if=none,id=d0,format=raw "
        "-drive if=none,media=cdrom,id=cd0 -cdrom /root/some.iso -fda /dev/fd0"
    )
    opts = _rewrite(line, workdir)
    drives = [o.value for o in opts if o.name == "-drive"]
    first = Path(get(split_opts(drives[0] or ""), "file") or "")
    assert first.parent == workdir and first.stat().st_size == 1024 * 1024
    assert drives[1] == "if=none,media=cdrom,id=cd0"  # no medium: untouched
    assert Path(_value(opts, "-cdrom")).parent == workdir
    assert Path(_value(opts, "-fda")).stat().st_size == 1474560


@pytest.mark.skipif(QEMU_IMG is None, reason="qemu-img is not installed")
def test_qcow2_disks_are_made_with_qemu_img(workdir: Path) -> None:
    opts = _rewrite("qemu -drive file=/var/lib/x.qcow2,if=none,id=d0,format=qcow2", workdir)
    path = Path(get(split_opts(_value(opts, "-drive")), "file") or "")
    assert path.read_bytes()[:4] == b"QFI\xfb"


def test_chardev_paths_and_ports(workdir: Path) -> None:
    line = (
        "qemu -chardev socket,id=c1,path=/var/lib/x.sock,server "
        "-chardev socket,id=c2,path=/var/lib/agent.sock "
        "-chardev socket,id=c3,host=127.0.0.1,port=4555,server,nowait,telnet "
        "-chardev file,id=c4,path=/var/log/serial.log "
        "-chardev pipe,id=c5,path=/tmp/pipe "
        "-chardev udp,id=c6,host=127.0.0.1,port=9998,localaddr=127.0.0.1,localport=9999 "
        "-serial file:/var/log/s.log -parallel unix:/tmp/p.sock,server,nowait"
    )
    opts = _rewrite(line, workdir)
    chardevs = {get(split_opts(o.value or ""), "id"): split_opts(o.value or "")
                for o in opts if o.name == "-chardev"}  # fmt: skip
    c1, c2, c3 = chardevs["c1"], chardevs["c2"], chardevs["c3"]
    assert Path(get(c1, "path") or "").parent == workdir and get(c1, "wait") == "off"
    assert Path(get(c2, "path") or "").parent == workdir
    assert get(c3, "port") is None and get(c3, "host") is None and get(c3, "path")
    assert Path(get(chardevs["c4"], "path") or "").parent == workdir
    assert get(chardevs["c6"], "localport") == "0"
    serial, parallel = _value(opts, "-serial"), _value(opts, "-parallel")
    assert serial.startswith(f"file:{workdir}/") and parallel.startswith(f"unix:{workdir}/")


def test_client_sockets_get_a_listener_and_pipes_a_fifo(workdir: Path) -> None:
    _, _, args = split_command_line(
        "qemu -chardev socket,id=c2,path=/var/lib/agent.sock -chardev pipe,id=c5,path=/tmp/p"
    )
    with ExitStack() as keep:
        opts = rewrite(parse_options(args), workdir, kvm=False, qemu_img=None, keep=keep)
        client = get(split_opts(opts[0].value or ""), "path") or ""
        assert stat.S_ISSOCK(os.stat(client).st_mode)
        fifo = get(split_opts(opts[1].value or ""), "path") or ""
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_graphics_use_unix_sockets(workdir: Path) -> None:
    line = "qemu -vnc 127.0.0.1:3,websocket=5700,password -spice port=5903,addr=0.0.0.0,seamless-migration=on"
    opts = _rewrite(line, workdir)
    vnc = split_opts(_value(opts, "-vnc"))
    assert vnc[0][0].startswith(f"unix:{workdir}/") and ("password", None) in vnc
    assert get(vnc, "websocket") is None
    spice = split_opts(_value(opts, "-spice"))
    assert get(spice, "port") is None and get(spice, "unix") == "on"
    assert (get(spice, "addr") or "").startswith(str(workdir))
    assert get(spice, "seamless-migration") == "on"


def test_kvm_requests_become_tcg_without_kvm(workdir: Path) -> None:
    opts = _rewrite("qemu -machine pc,accel=kvm,usb=off -enable-kvm", workdir)
    assert _value(opts, "-machine") == "pc,accel=tcg,usb=off"
    assert _value(opts, "-accel") == "tcg" and "-enable-kvm" not in [o.name for o in opts]
    kept = _rewrite("qemu -enable-kvm -accel kvm", workdir, kvm=True)
    assert "-enable-kvm" in [o.name for o in kept] and _value(kept, "-accel") == "kvm"
    with pytest.raises(SkipCommand, match="host"):
        _rewrite("qemu -enable-kvm -cpu host", workdir)


def test_host_only_options_are_dropped_or_moved(workdir: Path) -> None:
    opts = _rewrite("qemu -incoming tcp:0:4444 -daemonize -pidfile /run/x.pid -m 64", workdir)
    names = [o.name for o in opts]
    assert "-incoming" not in names and "-daemonize" not in names
    assert Path(_value(opts, "-pidfile")).parent == workdir


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ("-netdev tap,fd=3,id=hostnet0", "tap"),
        ("-net bridge,br=br0", "bridge"),
        ("-netdev user,id=n0,fd=4", "descriptors"),
        ("-device vfio-pci,host=06:12.5", "PCI"),
        ("-device pci-assign,host=01:10.0", "PCI"),
        ("-device usb-host,hostbus=14,hostaddr=6", "USB"),
        ("-device virtio-input-host-pci,evdev=/dev/input/event1234", "evdev"),
        ("-drive file=/dev/sg0,if=none,id=d0", "SCSI"),
        ("-device scsi-generic,drive=d0", "SCSI"),
        ("-tpmdev passthrough,id=tpm0,path=/dev/tpm0", "TPM"),
        ("-mem-path /dev/hugepages2M/libvirt/qemu", "hugepages"),
        ("-object memory-backend-file,id=m0,mem-path=/dev/hugepages1G,size=1G", "hugepages"),
        ("-object memory-backend-ram,id=m0,size=1G,host-nodes=5,policy=bind", "NUMA"),
        ("-drive file=iscsi://example.org/iqn.1992-01.com.example/1,if=none", "network"),
        ("-drive file=nbd:example.org:6000,if=none", "network"),
        ("-drive file.driver=gluster,file.volume=v,if=none", "network"),
        ("-object tls-creds-x509,id=t0,dir=/etc/pki", "TLS"),
        ("-vnc :1,tls,x509=/etc/pki/libvirt-vnc", "TLS"),
        ("-serial /dev/ttyS2", "character device"),
        ("-chardev tty,id=c0,path=/dev/ttyS2", "character device"),
        ("-add-fd fd=3,set=1", "host state"),
        ("-pcidevice host=0a:01.0", "PCI"),
    ],
)
def test_host_resources_are_skipped(args: str, reason: str, workdir: Path) -> None:
    with pytest.raises(SkipCommand, match=reason):
        _rewrite(f"qemu -m 64 {args}", workdir)


# -- running, with a fake emulator --------------------------------------------------

_FAKE = """\
#!{python}
# A stand-in for qemu-system-*: behaviour chosen by -fake-* options.
import json, os, socket, subprocess, sys, time
argv = sys.argv[1:]
opt = lambda name: argv[argv.index(name) + 1] if name in argv else None
if opt("-fake-pidfile"):
    open(opt("-fake-pidfile"), "w").write(str(os.getpid()))
if opt("-fake-child"):
    child = subprocess.Popen(["sleep", "60"])
    open(opt("-fake-child"), "w").write(str(child.pid))
if opt("-fake-reject"):
    sys.stderr.write("fake-qemu: warning: something old\\n  (more about it)\\n")
    sys.stderr.write("fake-qemu: " + opt("-fake-reject") + "\\n")
    sys.exit(1)
if opt("-fake-hang"):
    time.sleep(60)
path = opt("-qmp").split(",")[0].removeprefix("unix:")
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
conn, _ = srv.accept()
out = conn.makefile("w")
out.write(json.dumps({{"QMP": {{"version": {{}}, "capabilities": []}}}}) + "\\n")
out.flush()
for line in conn.makefile("r"):
    req = json.loads(line)
    cmd = req["execute"]
    if cmd == "query-status" and opt("-fake-silent"):
        time.sleep(60)
    value = {{"status": opt("-fake-status") or "prelaunch", "running": False}}
    reply = {{"return": value if cmd == "query-status" else {{}}, "id": req.get("id")}}
    out.write(json.dumps(reply) + "\\n")
    out.flush()
    if cmd == "quit":
        break
"""


@pytest.fixture(scope="module")
def fake_qemu(tmp_path_factory: pytest.TempPathFactory) -> str:
    script = tmp_path_factory.mktemp("fake") / "qemu-system-x86_64"
    script.write_text(_FAKE.format(python=sys.executable))
    script.chmod(0o755)
    return str(script)


def _gone(pid: int, within: float = 3.0) -> bool:
    """The process no longer runs (absent, or a zombie awaiting its reaper)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


def test_fake_accepted(fake_qemu: str) -> None:
    result = validate_command_line(f"{ENV} /usr/bin/qemu -name g {MONITOR} -m 64", fake_qemu)
    assert result.accepted and result.status == "accepted" and str(result) == "accepted"
    assert result.argv[0] == fake_qemu and "-qmp" in result.argv and "-S" in result.argv
    qmp = result.argv[result.argv.index("-qmp") + 1]
    assert not Path(qmp.split(",")[0].removeprefix("unix:")).parent.exists()  # cleaned up


def test_fake_rejected_reports_the_first_error_line(fake_qemu: str) -> None:
    result = validate_command_line("qemu -fake-reject 'unsupported machine type'", fake_qemu)
    assert result.rejected
    assert result.reason == "fake-qemu: unsupported machine type"


def test_fake_wrong_status_is_rejected(fake_qemu: str) -> None:
    result = validate_command_line("qemu -fake-status running", fake_qemu)
    assert result.rejected and "running" in result.reason


def test_fake_hang_times_out_and_is_killed(fake_qemu: str, workdir: Path) -> None:
    pidfile = workdir / "pid"
    start = time.monotonic()
    result = validate_command_line(
        f"qemu -fake-pidfile {pidfile} -fake-hang 1", fake_qemu, timeout=0.5
    )
    assert result.status == "error" and "0.5" in result.reason
    assert time.monotonic() - start < 5
    assert _gone(int(pidfile.read_text()))


def test_fake_silent_monitor_times_out_and_is_killed(fake_qemu: str, workdir: Path) -> None:
    pidfile, childfile = workdir / "pid", workdir / "child"
    result = validate_command_line(
        f"qemu -fake-pidfile {pidfile} -fake-child {childfile} -fake-silent 1",
        fake_qemu,
        timeout=0.5,
    )
    assert result.status == "error" and "query-status" in result.reason
    # The whole process group went, the emulator's own children too.
    assert _gone(int(pidfile.read_text())) and _gone(int(childfile.read_text()))


def test_skips_do_not_start_anything(fake_qemu: str) -> None:
    result = validate_command_line("qemu -netdev tap,id=n0,ifname=vnet0", fake_qemu)
    assert result.skipped and result.reason == "tap networking" and result.argv == ()


def test_unparsable_line_is_an_error(fake_qemu: str) -> None:
    assert validate_command_line("qemu -name 'unclosed", fake_qemu).status == "error"


def test_concurrent_runs_do_not_collide(fake_qemu: str) -> None:
    line = f"{ENV} qemu {MONITOR} -vnc 127.0.0.1:0 -drive file=/x.img,if=none,id=d0,format=raw"
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: validate_command_line(line, fake_qemu), range(8)))
    assert all(r.accepted for r in results), [str(r) for r in results]
    assert len({r.argv[r.argv.index("-qmp") + 1] for r in results}) == 8


# -- the real emulator ----------------------------------------------------------------

real = pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 is not installed")
MODERN = (
    f"{ENV} /usr/bin/qemu-system-x86_64 -name guest=g,debug-threads=on -S "
    "-machine pc,accel=tcg,usb=off,dump-guest-core=off -m 128 -smp 1,sockets=1,cores=1,threads=1 "
    f"-uuid c7a5fdbd-edaf-9455-926a-d65c16db1809 -no-user-config -nodefaults {MONITOR} "
    "-rtc base=utc -no-shutdown -boot strict=on "
    "-drive file=/dev/HostVG/QEMUGuest1,format=raw,if=none,id=drive-ide0-0-0 "
    "-device ide-hd,bus=ide.0,unit=0,drive=drive-ide0-0-0,id=ide0-0-0,bootindex=1 "
    "-chardev pty,id=charserial0 -device isa-serial,chardev=charserial0,id=serial0 "
    "-vnc 127.0.0.1:0 -device VGA,id=video0,vgamem_mb=16,bus=pci.0,addr=0x2 "
    "-msg timestamp=on"
)


@real
def test_real_modern_command_line_is_accepted() -> None:
    assert QEMU is not None
    result = validate_command_line(MODERN, QEMU, kvm=False)
    assert result.accepted, result.reason
    assert result.seconds < 10


@real
@pytest.mark.parametrize(
    ("modern", "legacy", "message"),
    [
        ("-device ide-hd,", "-device ide-drive,", "'ide-drive' is not a valid device model name"),
        ("-no-user-config", "-nodefconfig", "-nodefconfig: invalid option"),
    ],
)
def test_real_legacy_syntax_is_rejected(modern: str, legacy: str, message: str) -> None:
    assert QEMU is not None
    result = validate_command_line(MODERN.replace(modern, legacy), QEMU, kvm=False)
    assert result.rejected and message in result.reason, str(result)


@real
def test_real_qcow2_spice_and_sockets_are_accepted() -> None:
    assert QEMU is not None
    line = (
        f"{ENV} qemu -machine q35 -m 128 -nodefaults {MONITOR} "
        "-drive file=/var/lib/vm.qcow2,format=qcow2,if=none,id=d0 "
        "-device virtio-blk-pci,drive=d0,id=vd0 "
        "-chardev socket,id=ch0,path=/var/lib/agent.sock "
        "-device virtio-serial-pci,id=vs0 -device virtserialport,chardev=ch0,name=org.x.0 "
        "-spice port=5900,addr=127.0.0.1,disable-ticketing=on -device qxl-vga,id=video0 "
        "-enable-kvm"
    )
    result = validate_command_line(line, QEMU, kvm=False)
    assert result.accepted, result.reason


@real
def test_real_parallel_runs() -> None:
    assert QEMU is not None
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: validate_command_line(MODERN, QEMU, kvm=False), range(3)))
    assert all(r.accepted for r in results), [str(r) for r in results]
