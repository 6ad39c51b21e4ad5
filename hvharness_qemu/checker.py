"""Which cases a QEMU binary can judge, and its verdict as an OutputCheck.

Nothing here knows about pytest: :class:`QemuChecker` answers for one case;
the plugin (:mod:`hvharness_qemu.plugin`) calls it from the harness's hook.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.output_check import OutputCheck
from harness.protocol import Capabilities, Mode
from harness.suite import Case
from qemudrv.probe.launch import paused_probe
from qemudrv.qmp import QMPError
from qemudrv.validate import validate_command_line
from qemudrv.validate_options import split_command_line

__all__ = ["CHECKER", "Identity", "QemuChecker", "ValidationError", "identify"]

CHECKER = "qemu-validate"


class ValidationError(Exception):
    """The emulator could not say whether it accepts a command line."""


@dataclass(frozen=True)
class Identity:
    """What an emulator says it is: ``7.2.22``, ``x86_64``, its package string."""

    version: str
    arch: str
    package: str = ""

    def __str__(self) -> str:
        return f"QEMU {self.version} {self.arch}"


def identify(binary: str, *, timeout: float = 10.0) -> Identity:
    """Ask the emulator (paused, no machine) for its version and target over QMP.

    These are the replies the probe derives a capability set's name and its
    ``[emulator]`` table from, so the two compare exactly.
    """
    try:
        with paused_probe(binary, timeout=timeout) as (_emu, client):
            version = client.execute("query-version", timeout=timeout)
            target = client.execute("query-target", timeout=timeout)
    except (QMPError, OSError) as exc:
        raise ValidationError(f"{binary} cannot be started to identify it: {exc}") from exc
    qemu = version["qemu"]
    return Identity(f"{qemu['major']}.{qemu['minor']}.{qemu['micro']}", str(target["arch"]),
                    str(version.get("package", "")).strip())


def probed_from(caps: Capabilities) -> Identity | None:
    """The emulator a capability set was probed from; None for a hand-written set.

    Probed sets (``python3 -m qemudrv.probe``) are named ``qemu-VERSION-ARCH``
    and carry an ``[emulator]`` table with the version and target.
    """
    table: Any = caps.tables.get("emulator")
    if not caps.name.startswith("qemu-") or not isinstance(table, Mapping):
        return None
    version, arch = table.get("version"), table.get("arch")
    if not version or not arch:
        return None
    return Identity(str(version), str(arch), str(table.get("package", "")))


class QemuChecker:
    """Validates xml2argv outputs of probed-set cases with one emulator binary.

    Cases of other modes, and cases whose capability set was not probed from
    an emulator (hand-written sets such as ``qemu-2.5``), are none of its
    business (``None``: the golden comparison alone decides). Cases of a set
    probed from another emulator, or whose command line runs another
    architecture's emulator, are skipped: this binary is no judge of them.
    Safe to share between threads; each validation has its own directory.
    """

    def __init__(self, binary: str, *, timeout: float = 20.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self._identity: Identity | ValidationError | None = None
        self._lock = threading.Lock()

    def identity(self) -> Identity:
        with self._lock:
            if self._identity is None:
                try:
                    self._identity = identify(self.binary, timeout=self.timeout)
                except ValidationError as exc:
                    self._identity = exc
        if isinstance(self._identity, ValidationError):
            raise self._identity
        return self._identity

    def check(self, case: Case, caps: Capabilities, output: str) -> OutputCheck | None:
        if case.mode is not Mode.XML2ARGV:
            return None
        wanted = probed_from(caps)
        if wanted is None:
            return None
        have = self.identity()
        if (wanted.version, wanted.arch) != (have.version, have.arch):
            return OutputCheck(
                "skipped",
                f"capability set {caps.name} was probed from {wanted}, "
                f"and {self.binary} is {have}",
                CHECKER,
            )
        try:
            _env, program, _args = split_command_line(output)
        except ValueError as exc:
            raise ValidationError(f"cannot read the command line: {exc}") from None
        emulator = os.path.basename(program)
        if emulator != f"qemu-system-{have.arch}":
            return OutputCheck(
                "skipped", f"the guest runs {emulator}, and {self.binary} is {have}", CHECKER
            )
        result = validate_command_line(output, self.binary, kvm=False, timeout=self.timeout)
        if result.status == "accepted":
            return OutputCheck("accepted", "", CHECKER)
        if result.status == "rejected":
            return OutputCheck("rejected", result.reason, CHECKER)
        if result.status == "skipped":
            return OutputCheck("skipped", result.reason, CHECKER)
        raise ValidationError(f"{self.binary} could not tell: {result.reason}")
