"""Ask a real emulator everything the derivation needs, and record the answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..qmp import QMPClient, QMPCommandError, QMPError
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

# Non-device types (objects) whose properties are listed with qom-list-properties.
_OBJECTS = ("memory-backend-file", "memory-backend-ram", "iothread")


class ProbeError(Exception):
    """The emulator could not be probed (did not start, QMP failed)."""


def _record(
    client: QMPClient, replies: Replies, command: str, arguments: Mapping[str, Any] | None = None
) -> Any:
    try:
        value = client.execute(command, arguments)
    except QMPCommandError as exc:
        replies.add_error(command, arguments, exc.error_class, exc.desc)
        return None
    replies.add_return(command, arguments, value)
    return value


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
    """Probe ``binary`` and return its recorded replies."""
    replies = Replies()
    try:
        with paused_probe(binary, timeout=timeout) as (_emu, client):
            for query in _QUERIES:
                _record(client, replies, query)
            types = {t["name"] for t in replies.get_or("qom-list-types", default=[])}
            machines = replies.get_or("query-machines", default=[])
            default = next((m["name"] for m in machines if m.get("is-default")), None)
            targets = {t for t in prop_targets() if t != MACHINE} | set(PROBE_DEVICES)
            for typename in sorted(targets & types):
                _record(client, replies, "device-list-properties", {"typename": typename})
            objects = set(_OBJECTS)
            if default is not None:
                objects.add(machine_qom_type(default))
            for typename in sorted(objects & types):
                _record(client, replies, "qom-list-properties", {"typename": typename})
    except (QMPError, OSError) as exc:
        raise ProbeError(f"{binary}: {exc}") from exc
    for argv in argv_checks():
        resolved = _resolve(argv, default)
        if resolved is not None:
            replies.add_argv(argv, _starts(binary, resolved, timeout))
    return replies
