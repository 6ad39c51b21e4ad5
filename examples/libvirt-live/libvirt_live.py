#!/usr/bin/env python3
"""libvirt-live: real libvirt as an exec driver (xml2argv).

Answers each xml2argv request by running libvirt's own conversion through
its embedded QEMU driver, with no daemon:

    virsh -c 'qemu:///embed?root=DIR' domxml-to-native qemu-argv FILE

then rewrites what depends on the host rather than on the definition (the
embed root's paths, the monitor socket, the canonical machine name, the
environment) by the rules of ``normalise.toml``, so its command lines can be
compared with a suite's goldens or with another driver (``--against``).

    pytest --suite DIR --driver 'exec:python3 examples/libvirt-live/libvirt_live.py'

Options: ``--rules FILE`` (other normalisation rules), ``--root DIR`` (the
embed root; default a fresh temporary directory), ``--virsh PATH``. Run as
root, it runs virsh as nobody (``setpriv``): the embedded driver must not
run privileged. It uses the QEMU installed on the host, whatever capability
set a case names; the set only feeds the normalisation rules. Standard
library only, so it runs wherever virsh does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROTOCOL = "hvharness-exec/1"
HERE = Path(__file__).resolve().parent
NOBODY = 65534
VIRSH_TIMEOUT = 60.0
# Variables libvirt hands from its own environment to QEMU's
# (virCommandAddEnvPassCommon) that no rewrite rule could make up.
_PASSED_ON = ("USER", "LOGNAME")


@dataclass(frozen=True)
class Rules:
    """The normalisation and error-mapping rules of a ``normalise.toml``."""

    rewrites: tuple[tuple[str, str], ...]
    errors: tuple[tuple[re.Pattern[str], str], ...]

    @classmethod
    def load(cls, path: Path) -> Rules:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        rewrites = tuple((r["match"], r["replace"]) for r in data.get("rewrite", []))
        errors = tuple((re.compile(r["match"]), r["kind"]) for r in data.get("error", []))
        for _, kind in errors:
            if kind not in ("definition", "command-line", "other", "host"):
                raise ValueError(f"{path}: unknown error kind {kind!r}")
        return cls(rewrites, errors)


def _lookup(caps: Mapping[str, Any], dotted: str) -> str | None:
    """A string of the capability set: ``config.KEY`` in its driver
    configuration, anything else in its tables (``env.set.HOME``)."""
    value: Any = caps.get("tables", {})
    if dotted.startswith("config."):
        value, dotted = caps.get("config", {}), dotted.removeprefix("config.")
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, str) else None


def _machine_alias(xml: str, caps: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(canonical, alias)`` when the input names a machine alias of the caps set."""
    found = re.search(r"<type\b[^>]*\bmachine=['\"]([^'\"]+)['\"]", xml)
    if found is None:
        return None
    alias = found.group(1)
    for guest in caps.get("tables", {}).get("guests", []):
        for machine in guest.get("machines", []):
            if machine.get("name") == alias and machine.get("canonical"):
                return machine["canonical"], alias
    return None


class LibvirtLive:
    def __init__(self, rules: Rules, root: Path, virsh: str) -> None:
        self.rules = rules
        self.root = root
        self.embed = root / "root"
        self.home = root / "home"
        self.virsh = virsh
        self.as_nobody = os.geteuid() == 0
        for path in (self.embed, self.home):
            path.mkdir(parents=True, exist_ok=True)
            if self.as_nobody:
                os.chown(path, NOBODY, NOBODY)
        if self.as_nobody:
            os.chown(root, NOBODY, NOBODY)
        self.caps: dict[str, Mapping[str, Any]] = {}

    def convert(self, xml: str, caps: Mapping[str, Any]) -> tuple[str, str | None]:
        """``(output, None)``, or ``(message, kind)`` when libvirt refused."""
        name_match = re.search(r"<name>\s*([^<]*?)\s*</name>", xml)
        name = name_match.group(1) if name_match else ""
        definition = self.root / "definition.xml"
        definition.write_text(xml, encoding="utf-8")
        definition.chmod(0o644)
        argv = [self.virsh, "-q", "-c", f"qemu:///embed?root={self.embed}",
                "domxml-to-native", "qemu-argv", str(definition)]
        if self.as_nobody:
            argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.home), "LC_ALL": "C"}
        # libvirt passes USER and LOGNAME on to QEMU: give it the case's.
        for variable in _PASSED_ON:
            value = _lookup(caps, f"env.set.{variable}")
            if value is not None:
                env[variable] = value
        done = subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=VIRSH_TIMEOUT, check=False)
        if done.returncode != 0:
            message = _error_message(done.stderr)
            return message, self._kind(message)
        return self._normalise(done.stdout.strip(), xml, name, caps), None

    def _kind(self, message: str) -> str:
        for pattern, kind in self.rules.errors:
            if pattern.search(message):
                return kind
        return "other"

    def _normalise(self, line: str, xml: str, name: str, caps: Mapping[str, Any]) -> str:
        values = {"root": str(self.embed), "home": str(self.home), "name": name}
        for match, replace in self.rules.rewrites:
            pattern = re.sub(r"\{(root|home|name)\}", lambda m: re.escape(values[m.group(1)]),
                             match)

            def substitute(found: re.Match[str], template: str = replace) -> str:
                def plain(ref: re.Match[str]) -> str:
                    key = ref.group(1)
                    return (found.group(int(key)) or "") if key.isdigit() else values[key]

                def from_caps(ref: re.Match[str]) -> str:
                    dotted, _, default = ref.group(1).partition("|")
                    return _lookup(caps, dotted) or default

                text = re.sub(r"\{(root|home|name|\d+)\}", plain, template)
                return re.sub(r"\{caps:([^{}]+)\}", from_caps, text)

            line = re.sub(pattern, substitute, line)
        machine = _machine_alias(xml, caps)
        if machine is not None:
            canonical, alias = machine
            line = re.sub(rf"(-machine ){re.escape(canonical)}\b", rf"\g<1>{alias}", line)
        return line


def _error_message(stderr: str) -> str:
    """libvirt's error: the ``error:`` lines of virsh, without the prefix."""
    lines = [line.removeprefix("error: ") for line in stderr.splitlines()
             if line.startswith("error: ")]
    return "\n".join(lines) if lines else stderr.strip() or "virsh failed without a message"


def serve(driver: LibvirtLive) -> None:
    out = sys.stdout
    out.write(json.dumps({"protocol": PROTOCOL, "name": "libvirt-live",
                          "modes": ["xml2argv"]}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        rid = request.get("id")
        try:
            if "caps" in request:
                driver.caps[request["caps_key"]] = request["caps"]
            caps = driver.caps[request["caps_key"]]
            if request.get("mode") != "xml2argv":
                raise ValueError(f"mode {request.get('mode')!r} is not supported")
            text, kind = driver.convert(request["input"], caps)
            if kind is None:
                reply: dict[str, Any] = {"id": rid, "output": text, "warnings": []}
            elif kind == "host":
                # What the host cannot do is no verdict on the definition.
                reply = {"id": rid, "error": f"host limit: {text}"}
            else:
                reply = {"id": rid, "rejected": kind, "message": text}
        except Exception:
            reply = {"id": rid, "error": traceback.format_exc()}
        out.write(json.dumps(reply) + "\n")
        out.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description="real libvirt as an hvharness exec driver")
    parser.add_argument("--rules", type=Path, default=HERE / "normalise.toml")
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--virsh", default=shutil.which("virsh") or "virsh")
    args = parser.parse_args()
    try:
        rules = Rules.load(args.rules)
    except (OSError, ValueError, KeyError, re.error) as exc:
        print(f"libvirt-live: bad rules file {args.rules}: {exc}", file=sys.stderr)
        return 1
    if shutil.which(args.virsh) is None:
        print(f"libvirt-live: {args.virsh} not found (install libvirt-clients)", file=sys.stderr)
        return 1
    root = args.root or Path(tempfile.mkdtemp(prefix="libvirt-live-"))
    try:
        serve(LibvirtLive(rules, root.resolve(), args.virsh))
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        if args.root is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
