"""Start an emulator paused, reach it over QMP, and always kill it.

The process runs in its own session (so its process group can be killed
as a whole), in its own temporary directory (so concurrent runs never share
a socket), with stdout/stderr going to files there (so a chatty emulator
cannot block on a full pipe).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from ..qmp import QMPClient, QMPConnectError, QMPError

__all__ = ["Emulator", "make_workdir", "paused_probe", "probe_argv", "qmp_option"]

# Unix socket paths are limited to 108 bytes (sun_path); stay well below.
_MAX_SOCKET_PATH = 100


def make_workdir(prefix: str = "hvh-qemu-") -> Path:
    """A fresh private directory short enough to hold a unix socket."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if len(str(path / "qmp.sock")) > _MAX_SOCKET_PATH:
        shutil.rmtree(path, ignore_errors=True)
        path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    return path


def qmp_option(socket_path: Path) -> list[str]:
    return ["-qmp", f"unix:{socket_path},server=on,wait=off"]


def probe_argv(binary: str, socket_path: Path, extra: Sequence[str] = ()) -> list[str]:
    """The command line of a probe: no machine, no default devices, paused.

    TCG keeps every reply independent of the host (/dev/kvm or not);
    ``query-kvm`` still says whether KVM support is built in.
    """
    return [
        binary,
        "-machine",
        "none",
        "-nodefaults",
        "-nographic",
        "-S",
        "-accel",
        "tcg",
        *extra,
        *qmp_option(socket_path),
    ]


def _clean_env() -> dict[str, str]:
    # No user-specific state leaks in; C locale keeps messages stable.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}


class Emulator:
    """One emulator process; use as a context manager so it always dies."""

    def __init__(
        self,
        argv: Sequence[str],
        workdir: Path,
        *,
        env: Mapping[str, str] | None = None,
        own_workdir: bool = True,
    ) -> None:
        self.argv = list(argv)
        self.workdir = workdir
        self.env = dict(_clean_env() if env is None else env)
        self.own_workdir = own_workdir
        self.proc: subprocess.Popen[bytes] | None = None
        self.stderr_path = workdir / "stderr.log"

    def start(self) -> None:
        with (
            open(self.workdir / "stdout.log", "wb") as out,
            open(self.stderr_path, "wb") as err,
        ):
            self.proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=self.workdir,
                env=self.env,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def connect(self, socket_path: Path, timeout: float) -> QMPClient:
        """A negotiated QMP session, or QMPError (process gone, time-out)."""
        client = QMPClient(socket_path, timeout=timeout)
        try:
            client.connect(alive=self.alive)
        except QMPConnectError as exc:
            first = self.first_error_line()
            raise QMPConnectError(f"{exc}: {first}" if first else str(exc)) from exc
        return client

    def first_error_line(self) -> str:
        """QEMU's first non-empty stderr line (its error message), or ''."""
        for line in self.stderr_text().splitlines():
            if line.strip():
                return line.strip()
        return ""

    def wait_exit(self, timeout: float) -> int | None:
        """The exit status once the process ends within ``timeout``, else None."""
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def quit(self, client: QMPClient, timeout: float = 2.0) -> None:
        """Ask politely; the caller's kill() covers a refusal."""
        with contextlib.suppress(QMPError):
            client.execute("quit", timeout=timeout)
        client.close()
        self.wait_exit(timeout)

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL the whole process group, reap, and remove the workdir."""
        proc, self.proc = self.proc, None
        if proc is not None:
            # Kill before reaping: an unreaped leader keeps its group id
            # from being reused, so the signal cannot reach a stranger.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Emulator:
        try:
            self.start()
        except BaseException:
            self.kill()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.kill()


@contextlib.contextmanager
def paused_probe(
    binary: str, extra: Sequence[str] = (), *, timeout: float = 10.0
) -> Iterator[tuple[Emulator, QMPClient]]:
    """A probe emulator (``-machine none``, paused) with a QMP session."""
    workdir = make_workdir("hvh-probe-")
    sock = workdir / "qmp.sock"
    with Emulator(probe_argv(binary, sock, extra), workdir) as emu:
        client = emu.connect(sock, timeout)
        try:
            yield emu, client
        finally:
            emu.quit(client)
