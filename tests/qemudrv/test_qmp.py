"""The QMP client against a fake QMP server thread, and against real QEMU if present."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qemudrv.qmp import (
    QMPClient,
    QMPCommandError,
    QMPConnectError,
    QMPProtocolError,
    QMPTimeout,
)

GREETING = {"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 0}}, "capabilities": []}}

# A handler gets the request and returns the lines (objects or raw bytes) to
# send back; an empty list means "stay silent".
Handler = Callable[[dict[str, Any]], list[Any]]


def _reply(req: dict[str, Any], value: Any) -> dict[str, Any]:
    return {"return": value, "id": req.get("id")}


def default_handler(req: dict[str, Any]) -> list[Any]:
    cmd = req["execute"]
    if cmd in ("qmp_capabilities", "quit"):
        return [_reply(req, {})]
    if cmd == "query-status":
        return [_reply(req, {"status": "prelaunch", "running": False})]
    if cmd == "query-version":
        return [_reply(req, GREETING["QMP"]["version"])]
    error = {"class": "CommandNotFound", "desc": f"The command {cmd} has not been found"}
    return [{"error": error, "id": req.get("id")}]


class FakeQMPServer:
    """A unix-socket server thread speaking QMP, one connection at a time."""

    def __init__(
        self,
        path: Path,
        handler: Handler = default_handler,
        *,
        greeting: Any = GREETING,
        listen: bool = True,
    ) -> None:
        self.path = path
        self.handler = handler
        self.greeting = greeting
        self.requests: list[dict[str, Any]] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        if listen:
            self.listen()

    def listen(self) -> None:
        self._sock.bind(str(self.path))
        self._sock.listen(4)
        self._sock.settimeout(0.1)
        self._thread.start()

    def _send(self, conn: socket.socket, item: Any) -> None:
        conn.sendall(item if isinstance(item, bytes) else json.dumps(item).encode() + b"\r\n")

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        if self.greeting is not None:
            self._send(conn, self.greeting)
        buf = b""
        conn.settimeout(0.1)
        while not self._stop.is_set():
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                req = json.loads(line)
                self.requests.append(req)
                for item in self.handler(req):
                    if item == "close":
                        return
                    self._send(conn, item)

    def stop(self) -> None:
        self._stop.set()
        self._sock.close()
        if self._thread.is_alive():
            self._thread.join(2)


@pytest.fixture
def sock_path() -> Iterator[Path]:
    # tmp_path can be longer than a unix socket path may be.
    d = Path(tempfile.mkdtemp(prefix="hvh-qmp-test-"))
    yield d / "qmp.sock"
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def server_factory(sock_path: Path) -> Iterator[Callable[..., FakeQMPServer]]:
    servers: list[FakeQMPServer] = []

    def make(*args: Any, **kwargs: Any) -> FakeQMPServer:
        server = FakeQMPServer(sock_path, *args, **kwargs)
        servers.append(server)
        return server

    yield make
    for s in servers:
        s.stop()


def test_connect_negotiates_then_executes(server_factory: Callable[..., FakeQMPServer]) -> None:
    server = server_factory()
    with QMPClient(server.path, timeout=2) as client:
        greeting = client.connect()
        assert greeting["QMP"]["version"]["qemu"]["major"] == 7
        assert client.execute("query-status") == {"status": "prelaunch", "running": False}
    assert [r["execute"] for r in server.requests] == ["qmp_capabilities", "query-status"]


def test_arguments_are_sent(server_factory: Callable[..., FakeQMPServer]) -> None:
    def echo(req: dict[str, Any]) -> list[Any]:
        return [_reply(req, req.get("arguments", {}))]

    server = server_factory(echo)
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        assert client.execute("device-list-properties", {"typename": "VGA"}) == {"typename": "VGA"}


def test_events_are_skipped_and_kept(server_factory: Callable[..., FakeQMPServer]) -> None:
    event = {"event": "RESUME", "timestamp": {"seconds": 1, "microseconds": 2}}

    def chatty(req: dict[str, Any]) -> list[Any]:
        return [event, event, *default_handler(req)]

    server = server_factory(chatty)
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        assert client.execute("query-status")["status"] == "prelaunch"
    assert client.events == [event] * 4  # two before each of the two replies


def test_error_reply_raises_with_class(server_factory: Callable[..., FakeQMPServer]) -> None:
    server = server_factory()
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        with pytest.raises(QMPCommandError) as info:
            client.execute("no-such-command")
    assert info.value.error_class == "CommandNotFound"
    assert "no-such-command" in info.value.desc


def test_silent_command_times_out(server_factory: Callable[..., FakeQMPServer]) -> None:
    def mute(req: dict[str, Any]) -> list[Any]:
        return [] if req["execute"] == "query-status" else default_handler(req)

    server = server_factory(mute)
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        start = time.monotonic()
        with pytest.raises(QMPTimeout, match="query-status"):
            client.execute("query-status", timeout=0.3)
        assert time.monotonic() - start < 1.5


def test_missing_greeting_times_out(server_factory: Callable[..., FakeQMPServer]) -> None:
    server = server_factory(greeting=None)
    with pytest.raises(QMPTimeout, match="greeting"):
        QMPClient(server.path, timeout=0.3).connect()


def test_not_qmp_is_a_protocol_error(server_factory: Callable[..., FakeQMPServer]) -> None:
    server = server_factory(greeting=b"hello, I am not QMP\n")
    with pytest.raises(QMPProtocolError):
        QMPClient(server.path, timeout=1).connect()


def test_closed_connection_is_reported(server_factory: Callable[..., FakeQMPServer]) -> None:
    def hang_up(req: dict[str, Any]) -> list[Any]:
        return ["close"] if req["execute"] == "quit" else default_handler(req)

    server = server_factory(hang_up)
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        with pytest.raises(QMPProtocolError, match="closed"):
            client.execute("quit")


def test_replies_split_and_batched(server_factory: Callable[..., FakeQMPServer]) -> None:
    def odd(req: dict[str, Any]) -> list[Any]:
        data = json.dumps(default_handler(req)[0]).encode()
        # An empty line, then the reply in two pieces.
        return [b"\n", data[:5], data[5:] + b"\n"]

    server = server_factory(odd)
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        assert client.execute("query-version")["qemu"]["minor"] == 2


def test_stale_reply_ids_are_ignored(server_factory: Callable[..., FakeQMPServer]) -> None:
    def stale(req: dict[str, Any]) -> list[Any]:
        return [{"return": "old", "id": "someone-else"}, *default_handler(req)]

    server = server_factory(stale)
    with QMPClient(server.path, timeout=2) as client:
        client.connect()
        assert client.execute("query-status")["running"] is False


def test_connect_waits_for_the_socket(sock_path: Path) -> None:
    server = FakeQMPServer(sock_path, listen=False)
    timer = threading.Timer(0.2, server.listen)
    timer.start()
    try:
        with QMPClient(sock_path, timeout=3) as client:
            client.connect()
            assert client.execute("query-status")["status"] == "prelaunch"
    finally:
        timer.join()
        server.stop()


def test_connect_gives_up_when_the_process_is_gone(sock_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(QMPConnectError, match="exited"):
        QMPClient(sock_path, timeout=5).connect(alive=lambda: False)
    assert time.monotonic() - start < 1


def test_connect_times_out_without_a_socket(sock_path: Path) -> None:
    with pytest.raises(QMPTimeout, match="no QMP socket"):
        QMPClient(sock_path, timeout=0.2).connect()


def test_execute_needs_a_connection(sock_path: Path) -> None:
    with pytest.raises(QMPConnectError, match="not connected"):
        QMPClient(sock_path).execute("query-status")


def test_close_twice_is_fine(server_factory: Callable[..., FakeQMPServer]) -> None:
    server = server_factory()
    client = QMPClient(server.path, timeout=2)
    client.connect()
    client.close()
    client.close()


QEMU = shutil.which("qemu-system-x86_64")


@pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 is not installed")
def test_real_qemu_is_paused_and_quits() -> None:
    from qemudrv.probe.launch import paused_probe

    assert QEMU is not None
    with paused_probe(QEMU, timeout=10) as (emu, client):
        assert client.execute("query-status")["status"] == "prelaunch"
        assert client.execute("query-version")["qemu"]["major"] >= 2
        with pytest.raises(QMPCommandError):
            client.execute("device-list-properties", {"typename": "no-such-device"})
        pid = emu.proc.pid if emu.proc else None
    assert pid is not None
    assert emu.proc is None  # reaped by kill()
