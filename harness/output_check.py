"""What a third-party output check answers: :class:`OutputCheck`.

A plugin implementing the ``pytest_hvharness_check_output`` hook
(:mod:`harness.hookspecs`) looks at the output of an ``ok`` case that
matched its golden, and says whether something outside the harness (a real
emulator, a schema, a linter) accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = ["CHECK_STATUSES", "CheckStatus", "OutputCheck"]

CheckStatus = Literal["accepted", "rejected", "skipped"]
CHECK_STATUSES: tuple[CheckStatus, ...] = get_args(CheckStatus)


@dataclass(frozen=True)
class OutputCheck:
    """The verdict of one checker on one case's output.

    ``accepted`` lets the test pass; ``rejected`` fails it with ``message``
    (say, the emulator's error line); ``skipped`` skips it with ``message``
    as the reason. ``checker`` names the checker in reports
    (``qemu-validate``).
    """

    status: CheckStatus
    message: str
    checker: str

    def __post_init__(self) -> None:
        if self.status not in CHECK_STATUSES:
            raise ValueError(f"output check status {self.status!r} is not one of "
                             + ", ".join(CHECK_STATUSES))
        if not self.checker:
            raise ValueError("an output check needs the name of its checker")

    def to_dict(self) -> dict[str, str]:
        return {"status": self.status, "checker": self.checker, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutputCheck:
        return cls(data["status"], str(data.get("message", "")), str(data["checker"]))
