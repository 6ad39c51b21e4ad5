"""A small QMP (QEMU Machine Protocol) client over a unix socket.

Plain blocking sockets: every read has a deadline, so a hung or silent
emulator ends in :class:`QMPTimeout` rather than a hung test. Asynchronous
events are kept aside (``client.events``) and never mistaken for replies.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = [
    "QMPClient",
    "QMPCommandError",
    "QMPConnectError",
    "QMPError",
    "QMPProtocolError",
    "QMPTimeout",
]

# One QMP message is one line of JSON; a reply larger than this is a bug.
_MAX_LINE = 64 * 1024 * 1024
# Events are kept for inspection, but a chatty guest must not grow memory.
_MAX_EVENTS = 1000


class QMPError(Exception):
    """Any failure talking QMP."""


class QMPTimeout(QMPError):
    """The emulator did not answer in time."""


class QMPConnectError(QMPError):
    """The socket could not be connected (absent, refused, process gone)."""


class QMPProtocolError(QMPError):
    """The peer said something that is not QMP (or closed the connection)."""


class QMPCommandError(QMPError):
    """A command was answered with an error object."""

    def __init__(self, command: str, error_class: str, desc: str) -> None:
        super().__init__(f"{command}: {error_class}: {desc}")
        self.command = command
        self.error_class = error_class
        self.desc = desc


class QMPClient:
    """One QMP session: ``connect()``, ``execute()`` any number of times, ``close()``."""

    def __init__(self, path: str | Path, *, timeout: float = 10.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.greeting: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []
        self._sock: socket.socket | None = None
        self._buf = bytearray()
        self._next_id = 0

    # -- connection ---------------------------------------------------------

    def connect(
        self,
        *,
        timeout: float | None = None,
        alive: Callable[[], bool] | None = None,
        negotiate: bool = True,
    ) -> dict[str, Any]:
        """Connect, read the greeting and (by default) leave capabilities mode.

        The emulator creates its socket a little after it starts, so a missing
        or refusing socket is retried until ``timeout``; ``alive`` (e.g. "the
        process still runs") stops the retries early.
        """
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        delay = 0.005
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                sock.connect(self.path)
                break
            except (FileNotFoundError, ConnectionRefusedError) as exc:
                sock.close()
                if alive is not None and not alive():
                    raise QMPConnectError(
                        f"{self.path}: emulator exited before QMP was up"
                    ) from exc
                if time.monotonic() + delay > deadline:
                    raise QMPTimeout(f"{self.path}: no QMP socket within {limit:g}s") from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
            except TimeoutError as exc:
                sock.close()
                raise QMPTimeout(f"{self.path}: connect timed out after {limit:g}s") from exc
            except OSError as exc:
                sock.close()
                raise QMPConnectError(f"{self.path}: {exc}") from exc
        self._sock = sock
        try:
            greeting = self._read_message(deadline, "the greeting")
            if "QMP" not in greeting:
                raise QMPProtocolError(f"{self.path}: expected a QMP greeting, got {greeting!r}")
            self.greeting = greeting
            if negotiate:
                self.execute("qmp_capabilities", timeout=max(deadline - time.monotonic(), 0.5))
        except BaseException:
            self.close()
            raise
        return self.greeting

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):  # peer already gone (e.g. after 'quit')
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._buf.clear()

    def __enter__(self) -> QMPClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- commands -----------------------------------------------------------

    def execute(
        self,
        command: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> Any:
        """Run one command and return its ``return`` value."""
        if self._sock is None:
            raise QMPConnectError(f"{self.path}: not connected")
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        self._next_id += 1
        msg_id = f"hvh-{self._next_id}"
        request: dict[str, Any] = {"execute": command, "id": msg_id}
        if arguments:
            request["arguments"] = dict(arguments)
        self._send(request, command)
        while True:
            reply = self._read_message(deadline, f"the reply to {command!r}", limit)
            if "event" in reply:
                self._keep_event(reply)
                continue
            if reply.get("id") != msg_id:
                # A reply to an earlier, timed-out request: not ours.
                continue
            if "error" in reply:
                err = reply["error"]
                raise QMPCommandError(command, str(err.get("class")), str(err.get("desc")))
            if "return" not in reply:
                raise QMPProtocolError(f"{command}: reply has neither return nor error: {reply!r}")
            return reply["return"]

    def _keep_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        del self.events[:-_MAX_EVENTS]

    def _send(self, request: Mapping[str, Any], what: str) -> None:
        assert self._sock is not None
        data = json.dumps(request).encode() + b"\n"
        try:
            self._sock.settimeout(self.timeout)
            self._sock.sendall(data)
        except TimeoutError as exc:
            raise QMPTimeout(f"{self.path}: sending {what!r} timed out") from exc
        except OSError as exc:
            raise QMPProtocolError(f"{self.path}: sending {what!r} failed: {exc}") from exc

    def _read_message(
        self, deadline: float, what: str, limit: float | None = None
    ) -> dict[str, Any]:
        line = self._read_line(deadline, what, self.timeout if limit is None else limit)
        try:
            message = json.loads(line)
        except ValueError as exc:
            raise QMPProtocolError(f"{self.path}: not JSON while waiting for {what}") from exc
        if not isinstance(message, dict):
            raise QMPProtocolError(f"{self.path}: not a JSON object: {message!r}")
        return message

    def _read_line(self, deadline: float, what: str, limit: float) -> bytes:
        assert self._sock is not None
        while True:
            end = self._buf.find(b"\n")
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[: end + 1]
                if line.strip():
                    return line
                continue
            if len(self._buf) > _MAX_LINE:
                raise QMPProtocolError(f"{self.path}: message over {_MAX_LINE} bytes")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QMPTimeout(f"{self.path}: timed out after {limit:g}s waiting for {what}")
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(1 << 16)
            except TimeoutError as exc:
                raise QMPTimeout(
                    f"{self.path}: timed out after {limit:g}s waiting for {what}"
                ) from exc
            except OSError as exc:
                raise QMPProtocolError(f"{self.path}: {exc} while waiting for {what}") from exc
            if not chunk:
                raise QMPProtocolError(f"{self.path}: connection closed while waiting for {what}")
            self._buf += chunk
