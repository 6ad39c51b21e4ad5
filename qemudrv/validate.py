"""Does a real QEMU accept a command line the driver built?

:func:`validate_command_line` takes the one-line, shell-quoted command line
of a golden (environment assignments, program, arguments), rewrites what
only makes sense on the host it was written for (disk images, sockets,
ports, the monitor, KVM), starts the emulator paused, checks over QMP that
it reached ``prelaunch`` and quits it. The process group is killed on every
path; every run has its own temporary directory, so runs may overlap.

Command lines that need host resources no test machine has (host PCI/USB/
SCSI devices, tap networking, evdev, TPM passthrough, hugepages...) are
skipped with the reason, not failed. Reading the command line into options
is :mod:`qemudrv.validate_options`; the host rewrites and the skips are
:mod:`qemudrv.validate_rewrite`; this module runs the emulator and judges it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

from .probe.launch import Emulator, make_workdir, qmp_option
from .qmp import QMPError
from .validate_options import parse_options, split_command_line
from .validate_rewrite import SkipCommand, rewrite

__all__ = ["ValidationResult", "kvm_usable", "validate_command_line"]


@dataclass(frozen=True)
class ValidationResult:
    """``status`` is accepted, rejected, skipped or error (could not tell)."""

    status: str
    reason: str = ""
    argv: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"

    def __str__(self) -> str:
        return f"{self.status}: {self.reason}" if self.reason else self.status


def kvm_usable() -> bool:
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def _first_error(stderr: str) -> str:
    """QEMU's first error line: warnings and their indented or wrapped
    continuation lines come before it."""
    lines = [ln.rstrip() for ln in stderr.splitlines() if ln.strip()]
    in_warning = False
    for line in lines:
        if "warning:" in line.lower():
            in_warning = True
        elif line[0].isspace() or (in_warning and not re.match(r"^\S+: ", line)):
            continue
        else:
            return line.strip()
    return lines[0].strip() if lines else ""


def _env(env: Mapping[str, str], workdir: Path) -> dict[str, str]:
    out = {k: v for k, v in env.items() if k not in ("HOME", "TMPDIR")}
    out.setdefault("PATH", os.environ.get("PATH", "/usr/bin:/bin"))
    out["HOME"] = str(workdir)
    out["TMPDIR"] = str(workdir)
    if "QEMU_AUDIO_DRV" in out:
        out["QEMU_AUDIO_DRV"] = "none"  # no sound card here
    return out


def _qemu_img_for(binary: str) -> str | None:
    beside = Path(binary).with_name("qemu-img")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("qemu-img")


def validate_command_line(
    line: str,
    binary: str,
    *,
    timeout: float = 10.0,
    kvm: bool | None = None,
) -> ValidationResult:
    """Start ``line`` paused under ``binary``; report whether QEMU accepted it.

    ``kvm`` says whether KVM may be used (default: whether /dev/kvm opens);
    without it a KVM request becomes TCG.
    """
    start = time.monotonic()

    def result(status: str, reason: str = "", argv: Sequence[str] = ()) -> ValidationResult:
        return ValidationResult(status, reason, tuple(argv), time.monotonic() - start)

    try:
        env, _program, args = split_command_line(line)
    except ValueError as exc:
        return result("error", f"cannot parse the command line: {exc}")
    workdir = make_workdir("hvh-validate-")
    with ExitStack() as keep:
        keep.callback(shutil.rmtree, workdir, True)
        try:
            opts = rewrite(
                parse_options(args),
                workdir,
                kvm=kvm_usable() if kvm is None else kvm,
                qemu_img=_qemu_img_for(binary),
                keep=keep,
            )
        except SkipCommand as exc:
            return result("skipped", str(exc))
        except (OSError, subprocess.SubprocessError) as exc:
            return result("error", f"cannot prepare the host files: {exc}")
        sock = workdir / "qmp.sock"
        argv = [binary, *(w for o in opts for w in o.argv()), *qmp_option(sock)]
        return _run(argv, workdir, _env(env, workdir), sock, timeout, result)
    raise AssertionError("unreachable")  # ExitStack does not swallow exceptions


def _run(
    argv: list[str],
    workdir: Path,
    env: dict[str, str],
    sock: Path,
    timeout: float,
    result: Callable[..., ValidationResult],
) -> ValidationResult:
    with Emulator(argv, workdir, env=env, own_workdir=False) as emu:
        try:
            client = emu.connect(sock, timeout)
        except QMPError as exc:
            emu.wait_exit(0.5)
            if not emu.alive():
                return result("rejected", _first_error(emu.stderr_text()) or str(exc), argv)
            return result("error", str(exc), argv)
        try:
            status = client.execute("query-status", timeout=timeout)
        except QMPError as exc:
            with suppress(QMPError):
                client.close()
            emu.wait_exit(0.5)
            if not emu.alive():
                return result("rejected", _first_error(emu.stderr_text()) or str(exc), argv)
            return result("error", f"query-status: {exc}", argv)
        emu.quit(client)
        state = status.get("status") if isinstance(status, dict) else None
        if state != "prelaunch":
            return result("rejected", f"status {state!r} instead of 'prelaunch'", argv)
        return result("accepted", "", argv)
