"""<cputune> as libvirt 9.0 writes it (virDomainCputuneDefFormat): the
bandwidth limits in its order, then pins, then one scheduler element per
thread."""

from __future__ import annotations

from ..bitmap import format_bitmap
from ..model.domain import Domain
from ..model.general import SchedGroup
from ..xmlwriter import XMLWriter


def _sched(w: XMLWriter, name: str, group: SchedGroup, thread: int | None) -> None:
    """virDomainSchedulerFormat."""
    ids = (f"{name}s", thread) if thread is not None else (f"{name}s", None)
    w.empty(f"{name}sched", ids, ("scheduler", group.policy), ("priority", group.priority))


def format_cputune_modern(w: XMLWriter, dom: Domain) -> None:
    t = dom.cputune
    body = w.child()
    if t.shares is not None:
        body.element("shares", t.shares)
    for name in ("period", "quota", "global_period", "global_quota", "emulator_period",
                 "emulator_quota", "iothread_period", "iothread_quota"):
        value = getattr(t, name)
        if value:
            body.element(name, value)
    for pin in t.vcpupins:
        body.empty("vcpupin", ("vcpu", pin.id), ("cpuset", format_bitmap(pin.cpuset)))
    if t.emulatorpin is not None:
        body.empty("emulatorpin", ("cpuset", format_bitmap(t.emulatorpin)))
    for pin in t.iothreadpins:
        body.empty("iothreadpin", ("iothread", pin.id), ("cpuset", format_bitmap(pin.cpuset)))
    if t.emulator_sched is not None:
        _sched(body, "emulator", t.emulator_sched, None)
    for group in t.vcpusched:
        for vcpu in sorted(group.ids):
            _sched(body, "vcpu", group, vcpu)
    for group in t.iothreadsched:
        for thread in sorted(group.ids):
            _sched(body, "iothread", group, thread)
    w.wrap_if("cputune", body)
