"""Regeneration: which goldens to write, and writing them safely.

Goldens are written by the process that ran the case, except a golden
shared by several ``ok`` cases: its sharers may run in different xdist
workers, so their outputs are gathered where all reports arrive and the
file is written only if they agree.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .check import Regeneration
from .errors import display_path
from .goldens import atomic_write, differs
from .protocol import Mode

__all__ = ["RegenEvent", "RegenLog", "RegenMode", "decide", "resolve_shared"]


class RegenMode(enum.StrEnum):
    FAILED = "failed"
    ALL = "all"
    NEW = "new"


@dataclass(frozen=True)
class RegenEvent:
    """What happened to one golden; travels from xdist workers as a dict."""

    action: str  # written | created | refused | pending | conflict
    path: str
    case: str
    note: str = ""
    text: str | None = None
    wanted: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegenEvent:
        return cls(**data)


def _wanted(mode: RegenMode, case_mode: Mode, regen: Regeneration) -> bool:
    if regen.state == "missing":
        return True
    if mode is RegenMode.NEW:
        return False
    if regen.state == "differs":
        return True
    # An XML golden that compares equal may still differ in blanked lines,
    # so only a command line is rewritten when it already matches.
    return mode is RegenMode.ALL and case_mode is Mode.XML2ARGV and differs(regen.path, regen.text)


def decide(
    mode: RegenMode,
    case_mode: Mode,
    regen: Regeneration,
    case: str,
    *,
    shared: bool,
    protected: bool,
) -> RegenEvent | None:
    """Write (or defer, or refuse) the golden of one ``ok`` case."""
    wanted = _wanted(mode, case_mode, regen)
    if shared:
        # Sharers always report their output, so a disagreement is seen even
        # when only one of them is out of date.
        return RegenEvent("pending", str(regen.path), case, text=regen.text, wanted=wanted)
    if not wanted:
        return None
    if regen.identity or protected:
        why = "identity case: the expected output is the input" if regen.identity else (
            "the file is an input of another case")
        return RegenEvent("refused", str(regen.path), case, note=why)
    if not differs(regen.path, regen.text):
        return None
    action = "created" if regen.state == "missing" else "written"
    atomic_write(regen.path, regen.text)
    return RegenEvent(action, str(regen.path), case)


def resolve_shared(pending: Iterable[RegenEvent], protected: set[Path]) -> list[RegenEvent]:
    """Write each shared golden whose sharers agree; report the others."""
    by_path: dict[str, list[RegenEvent]] = defaultdict(list)
    for event in pending:
        by_path[event.path].append(event)
    done: list[RegenEvent] = []
    for path_text, events in sorted(by_path.items()):
        if not any(e.wanted for e in events):
            continue
        path = Path(path_text)
        cases = ", ".join(sorted(e.case for e in events))
        texts = {e.text for e in events}
        if len(texts) > 1:
            done.append(RegenEvent("conflict", path_text, cases,
                                   note="the cases sharing it produced different output"))
        elif path in protected:
            done.append(RegenEvent("refused", path_text, cases,
                                   note="the file is an input of another case"))
        else:
            (text,) = texts
            assert text is not None
            if differs(path, text):
                existed = path.exists()
                atomic_write(path, text)
                done.append(RegenEvent("written" if existed else "created", path_text, cases))
    return done


@dataclass
class RegenLog:
    """Every regeneration event of the session, for the summary."""

    events: list[RegenEvent] = field(default_factory=list)

    def add(self, event: RegenEvent) -> None:
        self.events.append(event)

    def of(self, *actions: str) -> list[RegenEvent]:
        return sorted((e for e in self.events if e.action in actions), key=lambda e: e.path)

    def lines(self) -> list[str]:
        out = []
        changed = self.of("written", "created")
        out.append(f"{len(changed)} golden file{'s' if len(changed) != 1 else ''} written")
        for e in changed:
            out.append(f"  {e.action:8} {display_path(Path(e.path))}")
        for e in self.of("refused"):
            out.append(f"  NOT written {display_path(Path(e.path))} ({e.case}): {e.note}")
        for e in self.of("conflict"):
            out.append(f"  CONFLICT    {display_path(Path(e.path))} ({e.case}): {e.note}")
        for e in self.of("deleted"):
            out.append(f"  deleted  {display_path(Path(e.path))}")
        return out
