"""Regeneration: which goldens to write, and writing them safely.

Goldens are written by the process that ran the case, except a golden
shared by several cases (of any mode): its sharers may run in different xdist
workers, so their outputs are gathered where all reports arrive and the
file is written only if they agree.
"""

from __future__ import annotations

import enum
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .check import Regeneration
from .errors import SuiteError, display_path
from .goldens import atomic_write, differs

__all__ = ["RegenAction", "RegenEvent", "RegenLog", "RegenMode", "decide", "resolve_shared"]


class RegenMode(enum.StrEnum):
    FAILED = "failed"
    ALL = "all"
    NEW = "new"


class RegenAction(enum.StrEnum):
    WRITTEN = "written"
    CREATED = "created"
    REFUSED = "refused"
    PENDING = "pending"
    CONFLICT = "conflict"
    DELETED = "deleted"


_INPUT = "the file is an input of a case"


@dataclass(frozen=True)
class RegenEvent:
    """What happened to one golden; travels from xdist workers as a dict."""

    action: RegenAction
    path: str
    case: str
    note: str = ""
    text: str | None = None
    wanted: bool = True
    # The suite's root, for a pending golden written later where all reports arrive.
    root: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["action"] = str(self.action)  # plain data for execnet
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegenEvent:
        return cls(**{**data, "action": RegenAction(data["action"])})


def _wanted(mode: RegenMode, regen: Regeneration) -> bool:
    if regen.state == "missing":
        return True
    if mode is RegenMode.NEW:
        return False
    if regen.state == "differs":
        return True
    return mode is RegenMode.ALL and regen.canonical and differs(regen.path, regen.text, regen.root)


def _write(path: Path, text: str, root: Path | None, case: str) -> RegenEvent | None:
    """Write ``text`` if it changes the file; a refusal is an event, never an exception."""
    try:
        if not differs(path, text, root):
            return None
        existed = os.path.lexists(path)
        atomic_write(path, text, root)
    except SuiteError as exc:
        return RegenEvent(RegenAction.REFUSED, str(path), case, note=exc.problem)
    except OSError as exc:
        return RegenEvent(RegenAction.REFUSED, str(path), case,
                          note=f"cannot write: {exc.strerror or exc}")
    return RegenEvent(RegenAction.WRITTEN if existed else RegenAction.CREATED, str(path), case)


def decide(
    mode: RegenMode,
    regen: Regeneration,
    case: str,
    *,
    shared: bool,
    protected: bool,
) -> RegenEvent | None:
    """Write (or defer, or refuse) the golden of one case."""
    try:
        wanted = _wanted(mode, regen)
    except SuiteError as exc:
        return RegenEvent(RegenAction.REFUSED, str(regen.path), case, note=exc.problem)
    if shared:
        # Sharers always report their output, so a disagreement is seen even
        # when only one of them is out of date.
        root = None if regen.root is None else str(regen.root)
        return RegenEvent(RegenAction.PENDING, str(regen.path), case, text=regen.text,
                          wanted=wanted, root=root)
    if not wanted:
        return None
    if regen.identity or protected:
        why = "identity case: the expected output is the input" if regen.identity else _INPUT
        return RegenEvent(RegenAction.REFUSED, str(regen.path), case, note=why)
    return _write(regen.path, regen.text, regen.root, case)


def resolve_shared(
    pending: Iterable[RegenEvent], is_input: Callable[[Path], bool]
) -> list[RegenEvent]:
    """Write each shared golden whose sharers agree; report the others."""
    # By real path: cases naming one file through a link share it too.
    by_path: dict[str, list[RegenEvent]] = defaultdict(list)
    for event in pending:
        by_path[os.path.realpath(event.path)].append(event)
    done: list[RegenEvent] = []
    for _, events in sorted(by_path.items()):
        if not any(e.wanted for e in events):
            continue
        path_text = min(e.path for e in events)
        path = Path(path_text)
        cases = ", ".join(sorted(e.case for e in events))
        texts = {e.text for e in events}
        if len(texts) > 1:
            done.append(RegenEvent(RegenAction.CONFLICT, path_text, cases,
                                   note="the cases sharing it produced different output"))
        elif is_input(path):
            done.append(RegenEvent(RegenAction.REFUSED, path_text, cases, note=_INPUT))
        else:
            (text,) = texts
            assert text is not None
            root = events[0].root
            written = _write(path, text, None if root is None else Path(root), cases)
            if written is not None:
                done.append(written)
    return done


@dataclass
class RegenLog:
    """Every regeneration event of the session, for the summary."""

    events: list[RegenEvent] = field(default_factory=list)

    def add(self, event: RegenEvent) -> None:
        self.events.append(event)

    def of(self, *actions: RegenAction) -> list[RegenEvent]:
        return sorted((e for e in self.events if e.action in actions), key=lambda e: e.path)

    def lines(self) -> list[str]:
        out = []
        changed = self.of(RegenAction.WRITTEN, RegenAction.CREATED)
        out.append(f"{len(changed)} golden file{'s' if len(changed) != 1 else ''} written")
        for e in changed:
            out.append(f"  {e.action:8} {display_path(Path(e.path))}")
        for e in self.of(RegenAction.REFUSED):
            out.append(f"  NOT written {display_path(Path(e.path))} ({e.case}): {e.note}")
        for e in self.of(RegenAction.CONFLICT):
            out.append(f"  CONFLICT    {display_path(Path(e.path))} ({e.case}): {e.note}")
        for e in self.of(RegenAction.DELETED):
            out.append(f"  deleted  {display_path(Path(e.path))}")
        return out
