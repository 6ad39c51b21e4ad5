"""Round trip through argv2xml: xml -> argv -> xml -> argv is a fixed point.

For each of the project's own xml2argv ``ok`` cases whose command line is its
golden, the command line (argv1) is read back with argv2xml and the resulting
definition is built into a command line again (argv2), on the same capability
set and with the same incoming migration.

Scope, decided by one general rule: a case is in scope when argv2xml reads
argv1 back without an error and without a warning. Like libvirt 1.3.1,
argv2xml refuses ``-drive if=none`` (the ``-device`` era's disks) and keeps
``-device``, ``-chardev``, ``-netdev``, ``-object``... as ``<qemu:commandline>``
pass-through with a warning, so the cases on capability sets with the
``device`` flag mostly fall outside it; the cases on a set without it (the
QEMU 1.0-era ``caps/qemu-1.0.toml``) must all be inside it.

The cases left out are listed by :func:`test_out_of_scope_cases_are_device_era`
with their reason, and each must actually use ``-device``-era syntax
(``-drive if=none``, ``-device``, ``-chardev``, ``-netdev``, ``-object``): a
legacy construct argv2xml stops reading cannot hide among the exclusions.

Every in-scope case must be a fixed point at once: argv2 == argv1. Reading a
legacy line back loses nothing the builder needs (no default is re-added
differently, no device is renumbered), so no "settles after one more pass"
allowance is made; if one is ever needed it must be explained here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import Capabilities, CapsLibrary, Case, Expect, Mode, Rejection, Suite, prepare, unwrap
from qemudrv import driver

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Trip:
    case: Case
    caps: Capabilities
    argv: str  # argv1: the case's command line, equal to its golden
    readback: str | None  # the definition argv2xml made of it, None when out of scope
    why_out: str = ""


def _argv(case: Case, caps: Capabilities, xml: str) -> str:
    return driver.xml_to_argv(
        xml, caps, migrate_from=case.migrate_from, migrate_fd=case.migrate_fd
    ).output


def _trips() -> list[Trip]:
    suite = Suite(ROOT, ROOT.name)
    library = CapsLibrary(suite.caps_dir)
    trips = []
    for manifest in suite.manifests():
        if manifest.mode is not Mode.XML2ARGV:
            continue
        for case in manifest.cases:
            if case.expect is not Expect.OK or case.expected is None or not case.expected.is_file():
                continue  # a missing golden fails the suite run itself
            prepared = prepare(case, library)
            try:
                argv = _argv(case, prepared.caps, prepared.text)
            except (Rejection, NotImplementedError):
                continue  # the suite run reports it
            if argv != unwrap(case.expected.read_text()):
                continue  # likewise
            try:
                back = driver.argv_to_xml(argv, prepared.caps)
            except Rejection as exc:
                trips.append(Trip(case, prepared.caps, argv, None, f"rejected: {exc}"))
                continue
            if back.warnings:
                trips.append(Trip(case, prepared.caps, argv, None, f"warned: {back.warnings[0]}"))
                continue
            trips.append(Trip(case, prepared.caps, argv, back.output))
    return trips


def _libvirt_9(caps: Capabilities) -> bool:
    """A set of libvirt 9.0's behaviour: every QEMU it runs has -device,
    so such sets never list the flag."""
    version = str(caps.tables.get("libvirt", {}).get("version", "1.3.1"))
    return int(version.split(".")[0]) >= 9


@pytest.fixture(scope="module")
def trips() -> list[Trip]:
    found = _trips()
    if not found:
        pytest.skip("no xml2argv ok cases with goldens")
    return found


def test_in_scope_cases_are_fixed_points(trips: list[Trip]) -> None:
    in_scope = [t for t in trips if t.readback is not None]
    assert in_scope, "no own xml2argv case is read back by argv2xml"
    moved = []
    for trip in in_scope:
        assert trip.readback is not None
        try:
            again = _argv(trip.case, trip.caps, trip.readback)
        except Rejection as exc:
            moved.append(f"{trip.case.id}: the read-back definition is refused: {exc}")
            continue
        if again != trip.argv:
            moved.append(f"{trip.case.id}:\n  argv1 {trip.argv}\n  argv2 {again}")
    assert not moved, f"{len(moved)} of {len(in_scope)} change on a round trip:\n" + "\n".join(moved)


def test_legacy_command_lines_are_in_scope(trips: list[Trip]) -> None:
    """Without -device, everything the builder writes is legacy syntax that
    argv2xml must read back cleanly."""
    legacy = [t for t in trips if not t.caps.has("device") and not _libvirt_9(t.caps)]
    assert legacy, "no own xml2argv case on a capability set without 'device'"
    out = [f"{t.case.id}: {t.why_out}" for t in legacy if t.readback is None]
    assert not out, "legacy command lines argv2xml cannot read back:\n" + "\n".join(out)


# What the command line builder writes only with the 'device' capability (or
# for objects libvirt 1.3.1's argv2xml never read back).
_DEVICE_ERA = ("-device", "-chardev", "-netdev", "-object")


def _device_era(argv: str) -> bool:
    args = argv.split(" ")
    return any(a in _DEVICE_ERA for a in args) or any(
        a.startswith("if=none") or ",if=none" in a for a in args
    )


def test_out_of_scope_cases_are_device_era(trips: list[Trip]) -> None:
    out = [t for t in trips if t.readback is None]
    legacy = [f"{t.case.id}: {t.why_out}" for t in out if not _device_era(t.argv)]
    assert not legacy, (
        "left out of the round trip without -device-era syntax:\n" + "\n".join(legacy)
    )
