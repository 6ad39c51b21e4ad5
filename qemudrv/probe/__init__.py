"""Capability sets from a real emulator: probe over QMP, keep the replies, derive.

``python3 -m qemudrv.probe`` writes ``caps/qemu-VERSION-ARCH.toml`` and the
raw replies beside it (``.replies.json``), from which the set can be derived
again without the binary (``--from-replies``).
"""

from __future__ import annotations

from .collect import ProbeError, collect
from .derive import RULES, Derived, derive
from .render import DEFAULT_EXTENDS, render
from .replies import Replies, RepliesError

__all__ = [
    "DEFAULT_EXTENDS",
    "RULES",
    "Derived",
    "ProbeError",
    "Replies",
    "RepliesError",
    "collect",
    "derive",
    "render",
    "replies_name",
    "set_text",
]


def replies_name(derived: Derived) -> str:
    return f"{derived.name}.replies.json"


def set_text(replies: Replies, *, extends: str | None = DEFAULT_EXTENDS) -> tuple[Derived, str]:
    """The derived set and its TOML text."""
    derived = derive(replies)
    return derived, render(derived, extends=extends, replies_name=replies_name(derived))
