"""The parts of <cputune> libvirt 9.0 reads differently from 1.3.1
(virDomainDefParseXML's cputune part): global and I/O thread bandwidth,
the emulator's scheduler, and schedulers kept per vCPU and per I/O thread."""

from __future__ import annotations

from ..bitmap import parse_bitmap
from ..errors import ConfigError, XMLError
from ..model.domain import Domain
from ..model.general import SchedGroup
from ..xmlreader import Element, child_text, children, tag
from .memory import prop_enum

SCHED_POLICIES = ("batch", "idle", "fifo", "rr")

# (element, attribute of Cputune, signed, what the error calls it)
_BANDWIDTH = (
    ("global_period", "global_period", False, "global period"),
    ("global_quota", "global_quota", True, "global quota"),
    ("iothread_period", "iothread_period", False, "iothread period"),
    ("iothread_quota", "iothread_quota", True, "iothread quota"),
)


def _number(text: str, signed: bool) -> int | None:
    value = text.strip()
    digits = value[1:] if signed and value.startswith("-") else value
    return int(value) if digits.isdigit() else None


def _scheduler(el: Element) -> tuple[str, int | None]:
    """virDomainSchedulerParseCommonAttrs."""
    if el.get("scheduler") is None:
        raise XMLError(f"Missing required attribute 'scheduler' in element '{tag(el)}'")
    policy = str(prop_enum(el, "scheduler", SCHED_POLICIES))
    priority = None
    if policy in ("fifo", "rr"):
        text = el.get("priority")
        if text is None:
            raise XMLError(f"Missing required attribute 'priority' in element '{tag(el)}'")
        priority = _number(text, True)
        if priority is None:
            raise XMLError(f"Invalid value for attribute 'priority' in element '{tag(el)}': "
                           f"'{text}'. Expected integer value")
    return policy, priority


def _thread_scheds(el: Element, name: str, attr: str, known: list[int],
                   missing: str) -> list[SchedGroup]:
    """virDomainThreadSchedParseHelper: one scheduler per thread."""
    scheds: dict[int, SchedGroup] = {}
    for sched in children(el, name):
        text = sched.get(attr)
        if text is None:
            raise XMLError(f"Missing attribute '{attr}' in element '{name}'")
        ids = parse_bitmap(text, attr)
        if not ids:
            raise ConfigError(f"'{attr}' scheduler bitmap '{text}' is empty")
        policy, priority = _scheduler(sched)
        for thread in sorted(ids):
            if thread not in known:
                raise ConfigError(missing.format(thread))
            if thread in scheds:
                raise XMLError(f"'{name}' attributes '{attr}' must not overlap", code="")
            scheds[thread] = SchedGroup(frozenset({thread}), policy, priority)
    return [scheds[t] for t in known if t in scheds]


def parse_cputune_modern(el: Element, dom: Domain) -> None:
    t = dom.cputune
    for name, attr, signed, what in _BANDWIDTH:
        text = child_text(el, name)
        if text is None:
            continue
        value = _number(text, signed)
        if value is None:
            raise XMLError(f"can't parse cputune {what} value")
        setattr(t, attr, value)
    t.vcpusched = _thread_scheds(el, "vcpusched", "vcpus", list(range(dom.vcpus.max)),
                                 "vCPU '{}' is not present in domain definition")
    t.iothreadsched = _thread_scheds(el, "iothreadsched", "iothreads",
                                     [thread.id for thread in dom.iothreads],
                                     "Cannot find 'iothread' : {}")
    emulator = children(el, "emulatorsched")
    if len(emulator) > 1:
        raise XMLError("only one emulatorsched is supported")
    if emulator:
        policy, priority = _scheduler(emulator[0])
        t.emulator_sched = SchedGroup(frozenset(), policy, priority)
