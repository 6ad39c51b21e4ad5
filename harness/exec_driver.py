"""The client side of the exec-driver protocol (``--driver 'exec:COMMAND ARG...'``).

A driver in any language runs as a child process speaking JSON lines on its
standard input and output (``hvharness-exec/1``, see README). One process
serves a whole pytest process; a fault (the process dies, writes a bad line,
answers the wrong request or does not answer in time) fails the case being
run and the next request starts a fresh process.
"""

from __future__ import annotations

import collections
import json
import os
import select
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from .errors import DriverLoadError
from .protocol import (
    Capabilities,
    CommandLineRefused,
    Conversion,
    DefinitionRejected,
    Mode,
    Rejection,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "PROTOCOL",
    "REJECTION_KINDS",
    "ExecDriver",
    "ExecDriverBug",
    "ExecDriverFault",
    "ExecDriverProblem",
]

PROTOCOL = "hvharness-exec/1"
DEFAULT_TIMEOUT = 30.0
REJECTION_KINDS: dict[str, type[Rejection]] = {
    "definition": DefinitionRejected,
    "command-line": CommandLineRefused,
    "other": Rejection,
}
_STDERR_LINES = 20
_STDERR_LINE_CHARS = 500
_SHOWN_CHARS = 200
_CLOSE_GRACE = 2.0


class ExecDriverProblem(Exception):
    """A failure of the driver process; its message is complete as it stands.

    The harness shows it without a location: no frame of the harness is
    where the problem is.
    """


class ExecDriverFault(ExecDriverProblem):
    """The driver process broke the protocol; it has been stopped."""


class ExecDriverBug(ExecDriverProblem):
    """The driver answered with ``error``: a bug it reports in itself."""


class _Fault(Exception):
    """A protocol fault, before the driver's command and stderr are added."""


class _Process:
    """One running driver process, its framing and the tail of its stderr."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        self.popen = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, bufsize=0, start_new_session=True)
        assert self.popen.stdin and self.popen.stdout and self.popen.stderr
        self._in = self.popen.stdin.fileno()
        self._out = self.popen.stdout.fileno()
        # Non-blocking stdin: a driver that stops reading must not hang the
        # harness past the timeout when a request fills the pipe.
        os.set_blocking(self._in, False)
        self._buffer = bytearray()
        self.stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        self._stderr_thread = threading.Thread(
            target=self._drain, args=(self.popen.stderr,), daemon=True)
        self._stderr_thread.start()
        self.sent_caps: set[str] = set()

    def _drain(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if len(line) > _STDERR_LINE_CHARS:
                line = line[:_STDERR_LINE_CHARS] + " ..."
            self.stderr.append(line)

    def write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._in, view)
            except BlockingIOError:
                written = 0
            except (BrokenPipeError, ConnectionResetError):
                raise _Fault(self._gone("before reading the request")) from None
            view = view[written:]
            if view:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _Fault("did not read the request in time")
                select.select([], [self._in], [], remaining)

    def read_line(self, deadline: float, waiting_for: str) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[:end + 1]
                return line
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Fault(f"no {waiting_for} within the timeout")
            ready, _, _ = select.select([self._out], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self._out, 1 << 16)
            if not chunk:
                raise _Fault(self._gone(f"before its {waiting_for}"))
            self._buffer += chunk

    def _gone(self, when: str) -> str:
        try:
            status = self.popen.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return f"closed its standard output {when}"
        if status < 0:
            try:
                name = signal.Signals(-status).name
            except ValueError:
                name = f"signal {-status}"
            return f"was killed by {name} {when}"
        return f"exited with status {status} {when}"

    def stderr_tail(self) -> list[str]:
        # Let the reader catch up with what a dead process left in the pipe.
        if self.popen.poll() is not None:
            self._stderr_thread.join(timeout=0.5)
        return list(self.stderr)

    def stop(self, grace: float = 0.0) -> None:
        """Close stdin, give the process ``grace`` seconds to exit, then kill it."""
        popen = self.popen
        try:
            assert popen.stdin is not None
            popen.stdin.close()
        except OSError:
            pass
        try:
            popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(popen.pid, signal.SIGKILL)
            except OSError:
                popen.kill()
            popen.wait()
        self._stderr_thread.join(timeout=0.5)
        for stream in (popen.stdout, popen.stderr):
            if stream is not None:
                stream.close()


class ExecDriver:
    """A driver that runs as a child process (the exec-driver protocol, version 1).

    Behaves like an in-process driver: ``name`` and ``modes`` come from the
    handshake, the converters send one request each. :meth:`close` ends the
    process; the session calls it when it finishes.
    """

    def __init__(self, command: str, *, cwd: Path | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.command = command.strip()
        try:
            self.argv = shlex.split(self.command)
        except ValueError as exc:
            raise DriverLoadError(f"exec driver {self.command!r}: cannot split: {exc}") from None
        if not self.argv:
            raise DriverLoadError("exec driver: the command after 'exec:' is empty")
        self.cwd = cwd if cwd is not None else Path.cwd()
        self.timeout = timeout
        self._process: _Process | None = None
        self._next_id = 0
        self._keys: dict[int, tuple[Capabilities, str]] = {}
        try:
            handshake = self._start()
        except _Fault as exc:
            raise DriverLoadError(self._stop_and_describe(f"bad handshake: {exc}")) from None
        self.name: str = handshake["name"]
        self.modes: frozenset[Mode] = frozenset(Mode(m) for m in handshake["modes"])

    def __repr__(self) -> str:
        return f"ExecDriver({self.command!r})"

    # The converters, as an in-process driver has them.

    def xml_to_argv(self, xml: str, caps: Capabilities, *, migrate_from: str | None = None,
                    migrate_fd: int | None = None) -> Conversion:
        return self.request(Mode.XML2ARGV, xml, caps,
                            {"migrate_from": migrate_from, "migrate_fd": migrate_fd})

    def xml_to_xml(self, xml: str, caps: Capabilities, *, active: bool = False,
                   status: bool = False) -> Conversion:
        return self.request(Mode.XML2XML, xml, caps, {"active": active, "status": status})

    def argv_to_xml(self, argv: str, caps: Capabilities) -> Conversion:
        return self.request(Mode.ARGV2XML, argv, caps, {})

    def request(self, mode: Mode, text: str, caps: Capabilities,
                options: Mapping[str, Any]) -> Conversion:
        """Send one request and turn its reply into a Conversion or an exception."""
        try:
            if self._process is None:
                self._start()
            process = self._process
            assert process is not None
            key = self._key(caps)
            self._next_id += 1
            request = json.dumps({"id": self._next_id, "mode": str(mode), "input": text,
                                  "caps_key": key, "options": dict(options)},
                                 ensure_ascii=False)
            if key not in process.sent_caps:
                # The key was hashed from the canonical JSON: send that text as is.
                request = request[:-1] + ', "caps": ' + caps.canonical_json + "}"
            deadline = time.monotonic() + self.timeout
            process.write(request.encode() + b"\n", deadline)
            process.sent_caps.add(key)
            reply = _parse_reply(process.read_line(deadline, "reply"), self._next_id)
        except _Fault as exc:
            raise ExecDriverFault(self._stop_and_describe(str(exc))) from None
        except BaseException:
            # Interrupted mid-request (a per-case timeout, ^C): its reply may
            # still come, and would answer the next request. Start afresh.
            if self._process is not None:
                self._process.stop()
                self._process = None
            raise
        if "output" in reply:
            return Conversion(reply["output"], tuple(reply.get("warnings") or ()))
        if "rejected" in reply:
            raise REJECTION_KINDS[reply["rejected"]](reply["message"])
        raise ExecDriverBug(f"exec driver {self.command!r} reported an error: {reply['error']}")

    def close(self) -> None:
        """Close the driver's stdin, wait briefly for it to exit, then kill it."""
        if self._process is not None:
            self._process.stop(grace=_CLOSE_GRACE)
            self._process = None

    # Internals.

    def _start(self) -> dict[str, Any]:
        try:
            self._process = _Process(self.argv, self.cwd)
        except OSError as exc:
            raise DriverLoadError(
                f"exec driver {self.command!r}: cannot start {self.argv[0]!r}: "
                f"{exc.strerror or exc}") from None
        line = self._process.read_line(time.monotonic() + self.timeout, "handshake")
        return _parse_handshake(line)

    def _stop_and_describe(self, problem: str) -> str:
        """Stop the process (a fresh one serves the next request) and say what went wrong."""
        tail: list[str] = []
        if self._process is not None:
            self._process.stop()
            tail = self._process.stderr_tail()
            self._process = None
        text = f"exec driver {self.command!r}: {problem}"
        if tail:
            text += "\nlast lines of its stderr:\n" + "\n".join("  " + line for line in tail)
        else:
            text += " (nothing on its stderr)"
        return text

    def _key(self, caps: Capabilities) -> str:
        # Capabilities objects are cached per case by the library, so the
        # same object comes back: remember its key rather than rehashing.
        found = self._keys.get(id(caps))
        if found is not None and found[0] is caps:
            return found[1]
        key = caps.key
        self._keys[id(caps)] = (caps, key)
        return key


def _shown(line: bytes) -> str:
    text = line.decode("utf-8", "replace")
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "...")


def _load(line: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        raise _Fault(f"wrote a {what} line that is not JSON: {_shown(line)}") from None
    if not isinstance(value, dict):
        raise _Fault(f"wrote a {what} that is not a JSON object: {_shown(line)}")
    return value


def _parse_handshake(line: bytes) -> dict[str, Any]:
    handshake = _load(line, "handshake")
    protocol = handshake.get("protocol")
    if protocol != PROTOCOL:
        raise _Fault(f"it speaks protocol {protocol!r}, the harness speaks {PROTOCOL!r}")
    if not isinstance(handshake.get("name"), str) or not handshake["name"]:
        raise _Fault("the handshake has no 'name' string")
    modes = handshake.get("modes")
    known = {str(m) for m in Mode}
    if not isinstance(modes, list) or not all(isinstance(m, str) and m in known for m in modes):
        raise _Fault(f"the handshake's 'modes' must be a list of {sorted(known)}, not {modes!r}")
    return handshake


def _parse_reply(line: bytes, wanted: int) -> dict[str, Any]:
    reply = _load(line, "reply")
    if reply.get("id") != wanted:
        raise _Fault(f"replied with id {reply.get('id')!r} to request {wanted}")
    kinds = [k for k in ("output", "rejected", "error") if k in reply]
    if len(kinds) != 1:
        raise _Fault(f"wrote a reply with {' and '.join(kinds) or 'none'} of "
                     f"'output', 'rejected', 'error' (exactly one is needed): {_shown(line)}")
    if "output" in reply:
        warnings = reply.get("warnings", [])
        if not isinstance(reply["output"], str):
            raise _Fault(f"wrote a reply whose 'output' is not a string: {_shown(line)}")
        if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
            raise _Fault(f"wrote a reply whose 'warnings' is not a list of strings: "
                         f"{_shown(line)}")
    elif "rejected" in reply:
        if reply["rejected"] not in REJECTION_KINDS:
            raise _Fault(f"wrote a rejection of unknown kind {reply['rejected']!r} "
                         f"(known: {', '.join(REJECTION_KINDS)})")
        if not isinstance(reply.get("message"), str):
            raise _Fault(f"wrote a rejection without a 'message' string: {_shown(line)}")
    elif not isinstance(reply["error"], str):
        raise _Fault(f"wrote an error reply whose 'error' is not a string: {_shown(line)}")
    return reply
