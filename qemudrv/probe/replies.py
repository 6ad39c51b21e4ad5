"""The raw answers of one probe, saved so a capability set can be re-derived.

A replies file is JSON: ``{"format": 1, "replies": [ENTRY, ...]}`` where an
entry is either a QMP exchange ``{"execute", "arguments"?, "return" | "error"}``
or a command-line check ``{"argv": [...], "accepted": bool}``. A question the
emulator died on (or never answered) is an exchange whose error has the class
:data:`LOST`, which QEMU itself never sends, and the reason as ``desc``. Lists inside
replies are sorted (QEMU returns several in hash-table order) so two probes
of the same binary write the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "LOST", "Replies", "RepliesError", "normalize"]

FORMAT = 1

# The error class of a question that cost the emulator its life.
LOST = "EmulatorLost"


class RepliesError(Exception):
    """A replies file that cannot be read, or a reply that is missing."""


def _sort_key(item: Any) -> tuple[int, str, str]:
    if isinstance(item, Mapping):
        name = item.get("name", item.get("option", ""))
        return (0, str(name), json.dumps(item, sort_keys=True))
    return (1, "", json.dumps(item, sort_keys=True))


def normalize(value: Any) -> Any:
    """``value`` with every list sorted (by ``name``/``option``, then content)."""
    if isinstance(value, Mapping):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return sorted((normalize(v) for v in value), key=_sort_key)
    return value


def _key(execute: str, arguments: Mapping[str, Any] | None) -> str:
    return json.dumps([execute, dict(arguments or {})], sort_keys=True)


class Replies:
    """An ordered list of probe answers with look-up by command and arguments."""

    def __init__(self, entries: Sequence[Mapping[str, Any]] = ()) -> None:
        self.entries: list[dict[str, Any]] = []
        self._qmp: dict[str, dict[str, Any]] = {}
        self._argv: dict[tuple[str, ...], bool] = {}
        for entry in entries:
            self._add(dict(entry))

    # -- recording ----------------------------------------------------------

    def _add(self, entry: dict[str, Any]) -> None:
        if "argv" in entry:
            argv = tuple(str(a) for a in entry["argv"])
            self._argv[argv] = bool(entry["accepted"])
        elif "execute" in entry:
            self._qmp[_key(entry["execute"], entry.get("arguments"))] = entry
        else:
            raise RepliesError(f"entry is neither a QMP exchange nor an argv check: {entry!r}")
        self.entries.append(entry)

    def add_return(self, execute: str, arguments: Mapping[str, Any] | None, value: Any) -> None:
        entry: dict[str, Any] = {"execute": execute}
        if arguments:
            entry["arguments"] = dict(arguments)
        entry["return"] = normalize(value)
        self._add(entry)

    def add_error(
        self, execute: str, arguments: Mapping[str, Any] | None, error_class: str, desc: str
    ) -> None:
        entry: dict[str, Any] = {"execute": execute}
        if arguments:
            entry["arguments"] = dict(arguments)
        entry["error"] = {"class": error_class, "desc": desc}
        self._add(entry)

    def add_lost(self, execute: str, arguments: Mapping[str, Any] | None, reason: str) -> None:
        self.add_error(execute, arguments, LOST, reason)

    def add_argv(self, argv: Sequence[str], accepted: bool) -> None:
        self._add({"argv": list(argv), "accepted": accepted})

    # -- look-up ------------------------------------------------------------

    def has(self, execute: str, arguments: Mapping[str, Any] | None = None) -> bool:
        entry = self._qmp.get(_key(execute, arguments))
        return entry is not None and "return" in entry

    def get(self, execute: str, arguments: Mapping[str, Any] | None = None) -> Any:
        """The ``return`` of a recorded exchange; RepliesError if absent or failed."""
        entry = self._qmp.get(_key(execute, arguments))
        if entry is None:
            raise RepliesError(f"no reply recorded for {execute} {dict(arguments or {})}")
        if "return" not in entry:
            raise RepliesError(f"{execute} {dict(arguments or {})} failed: {entry['error']}")
        return entry["return"]

    def get_or(
        self, execute: str, arguments: Mapping[str, Any] | None = None, default: Any = None
    ) -> Any:
        return self.get(execute, arguments) if self.has(execute, arguments) else default

    def accepted(self, argv: Sequence[str]) -> bool | None:
        """Whether a command-line check passed; None if it was not recorded."""
        return self._argv.get(tuple(argv))

    def lost(self) -> list[tuple[str, dict[str, Any], str]]:
        """``(command, arguments, reason)`` of every question the emulator died on."""
        return [
            (e["execute"], dict(e.get("arguments", {})), str(e["error"].get("desc", "")))
            for e in self._qmp.values()
            if isinstance(e.get("error"), Mapping) and e["error"].get("class") == LOST
        ]

    # -- files --------------------------------------------------------------

    def dumps(self) -> str:
        doc = {"format": FORMAT, "replies": self.entries}
        return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        # Write then rename, so a failed probe never leaves half a file.
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(self.dumps(), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def loads(cls, text: str, origin: str = "<string>") -> Replies:
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise RepliesError(f"{origin}: not JSON: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise RepliesError(f"{origin}: not a replies file of format {FORMAT}")
        entries = doc.get("replies")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise RepliesError(f"{origin}: 'replies' must be a list of objects")
        return cls(entries)

    @classmethod
    def load(cls, path: Path) -> Replies:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RepliesError(f"{path}: {exc.strerror}") from exc
        return cls.loads(text, str(path))
