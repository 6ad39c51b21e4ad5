"""Serve an in-process driver over the exec-driver protocol on stdio.

``python3 -m harness.exec_serve MODULE:ATTR`` makes any Python driver an
exec driver (``--driver 'exec:python3 -m harness.exec_serve MODULE:ATTR'``):
to compare it out of process with another, or to measure what the protocol
costs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from typing import Any, BinaryIO

from .drivers import load_driver
from .errors import DriverLoadError
from .exec_driver import PROTOCOL
from .protocol import (
    Capabilities,
    CommandLineRefused,
    Conversion,
    DefinitionRejected,
    Driver,
    Mode,
    Rejection,
)

__all__ = ["main", "serve"]


def _rejection_kind(exc: Rejection) -> str:
    if isinstance(exc, DefinitionRejected):
        return "definition"
    if isinstance(exc, CommandLineRefused):
        return "command-line"
    return "other"


def _convert(driver: Driver, request: dict[str, Any], caps: Capabilities) -> Conversion:
    mode, text = Mode(request["mode"]), request["input"]
    options = request.get("options") or {}
    if mode is Mode.XML2ARGV:
        return driver.xml_to_argv(text, caps, migrate_from=options.get("migrate_from"),
                                  migrate_fd=options.get("migrate_fd"))
    if mode is Mode.XML2XML:
        return driver.xml_to_xml(text, caps, active=bool(options.get("active")),
                                 status=bool(options.get("status")))
    return driver.argv_to_xml(text, caps)


def answer(driver: Driver, request: dict[str, Any],
           caps_by_key: dict[str, Capabilities]) -> dict[str, Any]:
    """The reply to one request (never raises for a driver's own failure)."""
    rid = request.get("id")
    try:
        key = request["caps_key"]
        if "caps" in request:
            caps_by_key[key] = Capabilities.from_json(request["caps"])
        caps = caps_by_key[key]
        conversion = _convert(driver, request, caps)
    except Rejection as exc:
        return {"id": rid, "rejected": _rejection_kind(exc), "message": str(exc)}
    except Exception:
        return {"id": rid, "error": traceback.format_exc()}
    return {"id": rid, "output": conversion.output, "warnings": list(conversion.warnings)}


def serve(driver: Driver, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Handshake, then answer requests until stdin closes."""
    def send(message: dict[str, Any]) -> None:
        stdout.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        stdout.flush()

    send({"protocol": PROTOCOL, "name": driver.name,
          "modes": sorted(str(m) for m in driver.modes)})
    caps_by_key: dict[str, Capabilities] = {}
    for line in stdin:
        try:
            request = json.loads(line)
        except ValueError:
            print(f"exec_serve: ignoring a request that is not JSON: {line[:200]!r}",
                  file=sys.stderr)
            continue
        send(answer(driver, request, caps_by_key))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python3 -m harness.exec_serve MODULE:ATTR", file=sys.stderr)
        return 2
    # Replies go to the real stdout; whatever the driver prints goes to stderr
    # so it cannot break the framing.
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        driver = load_driver(args[0])
    except DriverLoadError as exc:
        print(f"exec_serve: {exc}", file=sys.stderr)
        return 1
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve(driver, sys.stdin.buffer, stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
