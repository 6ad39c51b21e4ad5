"""Ask a real emulator everything the derivation needs, and record the answers."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any

from ..qmp import QMPClient, QMPCommandError, QMPError, QMPTimeout
from .derive import MACHINE, argv_checks, machine_qom_type, prop_targets
from .launch import Emulator, make_workdir, paused_probe, probe_argv
from .replies import Replies

__all__ = ["PROBE_DEVICES", "ProbeError", "collect"]

# Queries without arguments, in the order they are asked and saved.
_QUERIES = (
    "query-version",
    "query-target",
    "query-kvm",
    "query-commands",
    "query-machines",
    "query-cpu-definitions",
    "qom-list-types",
    "query-command-line-options",
    "query-tpm-models",
    "query-tpm-types",
    "query-qmp-schema",
)

# Devices the driver emits, whose properties are kept for reference (and for
# future rules) even where no rule reads them yet.
PROBE_DEVICES = (
    "VGA", "cirrus-vga", "e1000", "hda-duplex", "ich9-ahci", "ide-cd", "ide-hd",
    "intel-hda", "isa-serial", "lsi53c895a", "megasas", "nvdimm", "pc-dimm",
    "pci-bridge", "pcie-root-port", "qxl", "qxl-vga", "rtl8139", "scsi-block",
    "scsi-cd", "scsi-generic", "scsi-hd", "usb-audio", "usb-ccid", "usb-ehci",
    "usb-host", "usb-hub", "usb-kbd", "usb-mouse", "usb-redir", "usb-serial",
    "usb-storage", "usb-tablet", "vfio-pci", "virtio-balloon-pci", "virtio-blk-pci",
    "virtio-gpu-gl-pci", "virtio-gpu-pci", "virtio-input-host-pci",
    "virtio-keyboard-pci", "virtio-mouse-pci", "virtio-net-pci", "virtio-rng-pci",
    "virtio-scsi-pci", "virtio-serial-pci", "virtio-tablet-pci", "virtio-vga",
    "virtio-vga-gl", "vmware-svga",
)  # fmt: skip

# How long a dead emulator's exit may take to be seen, once its monitor is gone.
_EXIT_GRACE = 5.0

# Non-device types (objects) whose properties are listed with qom-list-properties.
_OBJECTS = ("memory-backend-file", "memory-backend-ram", "iothread")


class ProbeError(Exception):
    """The emulator could not be probed (did not start, QMP failed)."""


class _Prober:
    """A paused probe emulator that is started again when a question kills it.

    Asking a type whose module is not installed (``virtio-gpu-gl-pci``
    without Debian's GL display module) makes QEMU exit. The question is
    recorded as lost, with QEMU's reason, and the next one goes to a fresh
    emulator: one bad type costs its own answer, not the whole probe.
    """

    def __init__(self, binary: str, replies: Replies, timeout: float) -> None:
        self.binary = binary
        self.replies = replies
        self.timeout = timeout
        self._stack = contextlib.ExitStack()
        self._emu: Emulator | None = None
        self._client: QMPClient | None = None

    def __enter__(self) -> _Prober:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> tuple[Emulator, QMPClient]:
        if self._emu is None or self._client is None:
            try:
                self._emu, self._client = self._stack.enter_context(
                    paused_probe(self.binary, timeout=self.timeout)
                )
            except (QMPError, OSError) as exc:
                self._stop()
                raise ProbeError(f"{self.binary}: {exc}") from exc
        return self._emu, self._client

    def _stop(self) -> None:
        self._emu = self._client = None
        # Leaving paused_probe asks the emulator to quit, then kills it.
        self._stack.close()

    def ask(self, command: str, arguments: Mapping[str, Any] | None = None) -> Any:
        """Record and return the answer to ``command``; None if it failed or was lost."""
        emu, client = self._start()
        try:
            value = client.execute(command, arguments)
        except QMPCommandError as exc:
            self.replies.add_error(command, arguments, exc.error_class, exc.desc)
            return None
        except QMPError as exc:
            self.replies.add_lost(command, arguments, _why_lost(emu, exc, self.timeout))
            self._stop()
            return None
        self.replies.add_return(command, arguments, value)
        return value


def _why_lost(emu: Emulator, exc: QMPError, timeout: float) -> str:
    """Why a question got no answer, in words that are the same on every run.

    No socket paths, process ids or timings: the replies file must come out
    byte for byte the same when the same binary is probed again.
    """
    if isinstance(exc, QMPTimeout) and emu.alive():
        return f"no reply within {timeout:g}s"
    status = emu.wait_exit(_EXIT_GRACE)
    if status is None:
        return "the emulator closed its monitor"
    message = emu.first_error_line()
    how = f"killed by signal {-status}" if status < 0 else f"status {status}"
    return f"the emulator exited ({how})" + (f": {message}" if message else "")


def _resolve(argv: Sequence[str], machine: str | None) -> list[str] | None:
    """``argv`` with the default machine filled in; None if there is none."""
    if machine is None:
        return None if MACHINE in argv else list(argv)
    return [machine if a == MACHINE else a for a in argv]


def _starts(binary: str, argv: Sequence[str], timeout: float) -> bool:
    """Whether the emulator comes up (QMP answers) with these extra arguments."""
    workdir = make_workdir("hvh-probe-")
    sock = workdir / "qmp.sock"
    with Emulator(probe_argv(binary, sock, argv), workdir) as emu:
        try:
            client = emu.connect(sock, timeout)
        except QMPError:
            return False
        emu.quit(client)
        return True


def collect(binary: str, *, timeout: float = 30.0) -> Replies:
    """Probe ``binary`` and return its recorded replies.

    ProbeError if the emulator does not start (or stops starting); a
    question that kills it is recorded as lost (:meth:`Replies.lost`).
    """
    replies = Replies()
    with _Prober(binary, replies, timeout) as prober:
        for query in _QUERIES:
            prober.ask(query)
        types = {t["name"] for t in replies.get_or("qom-list-types", default=[])}
        machines = replies.get_or("query-machines", default=[])
        default = next((m["name"] for m in machines if m.get("is-default")), None)
        targets = {t for t in prop_targets() if t != MACHINE} | set(PROBE_DEVICES)
        for typename in sorted(targets & types):
            prober.ask("device-list-properties", {"typename": typename})
        objects = set(_OBJECTS)
        if default is not None:
            objects.add(machine_qom_type(default))
        for typename in sorted(objects & types):
            prober.ask("qom-list-properties", {"typename": typename})
    for argv in argv_checks():
        resolved = _resolve(argv, default)
        if resolved is not None:
            replies.add_argv(argv, _starts(binary, resolved, timeout))
    return replies
