"""<audio> (libvirt 9.0): an audio backend that sound devices and graphics
refer to by id."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AudioNode:
    """A child of <audio> (<input>, <output>, <settings>): its attributes in
    document order and its own children."""

    tag: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[AudioNode] = field(default_factory=list)


@dataclass
class Audio:
    id: int
    type: str
    # The backend's own attributes (timerPeriod, driver, serverName, ...).
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list[AudioNode] = field(default_factory=list)
