"""A per-case time limit on the driver, with ``SIGALRM``.

The alarm interrupts Python code, ``time.sleep`` and blocking system calls
(reads, waits, lock acquisition): the handler raises :class:`CaseTimedOut`
in the driver's frame. It cannot stop a driver stuck in C code that does
not return to the interpreter, and it does nothing where there is no
``setitimer`` (Windows) or off the main thread, where signal handlers
cannot be installed; pytest and xdist workers run tests in the main thread.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

__all__ = ["DEFAULT_TIMEOUT", "CaseTimedOut", "deadline", "parse_timeout"]

DEFAULT_TIMEOUT = 60.0
"""Seconds a case may take, unless the ini key ``hvharness_timeout`` says otherwise."""


class CaseTimedOut(BaseException):
    """The case's time ran out.

    A :class:`BaseException`, like :class:`KeyboardInterrupt`, so that a
    driver's ``except Exception`` does not swallow it.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


def parse_timeout(text: str) -> float:
    """The ini value as seconds; 0 disables. ``ValueError`` with the reason."""
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not seconds >= 0 or seconds == float("inf"):
        raise ValueError(f"{text!r} is not a number of seconds >= 0 (0 disables it)")
    return seconds


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


# The seconds of each deadline in force, innermost last (main thread only).
_ACTIVE: list[float] = []


def _expire(signum: int, frame: FrameType | None) -> None:
    if _ACTIVE:
        raise CaseTimedOut(_ACTIVE[-1])
    # An alarm outside any deadline is not ours: do what the default would.
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.raise_signal(signal.SIGALRM)


class deadline:  # a function in use: ``with deadline(seconds):``
    """Raise :class:`CaseTimedOut` in the block if it runs longer than ``seconds``.

    A handler and timer set by someone else (pytest-timeout, say) are put
    back afterwards, the timer with what remains of its time. Where nobody
    else handles SIGALRM the handler stays installed between deadlines (it
    acts as the default one there), which saves two system calls a case.
    A class rather than a generator-based context manager: it runs once a
    case, and the generator machinery costs more than the timer.
    """

    __slots__ = (
        "armed",
        "keep",
        "previous_delay",
        "previous_handler",
        "previous_interval",
        "seconds",
        "started",
    )

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> None:
        seconds = self.seconds
        if seconds <= 0 or not _can_alarm():
            return
        self.started = time.monotonic()
        previous_handler = self.previous_handler = signal.getsignal(signal.SIGALRM)
        self.keep = previous_handler in (_expire, signal.SIG_DFL)
        if previous_handler is not _expire:
            signal.signal(signal.SIGALRM, _expire)
        self.previous_delay, self.previous_interval = signal.setitimer(
            signal.ITIMER_REAL, seconds)
        _ACTIVE.append(seconds)
        self.armed = True

    def __exit__(self, *exc_info: object) -> None:
        if not self.armed:
            return
        self.armed = False
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            # Even if the alarm went off just as the block ended.
            _ACTIVE.pop()
            if not self.keep:
                # None: a handler installed outside Python, which cannot be put back.
                previous_handler = self.previous_handler
                signal.signal(signal.SIGALRM, previous_handler
                              if previous_handler is not None else signal.SIG_DFL)
            if self.previous_delay > 0:
                remaining = self.previous_delay - (time.monotonic() - self.started)
                # Already due: let it fire now rather than never.
                signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-6),
                                 self.previous_interval)
