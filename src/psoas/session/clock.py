"""Clocks a runner can be driven by: the real one, or one sped up for demonstrations and tests.

A runner never sleeps for a duration; it asks its clock to wait until an
absolute deadline, and a command (pause, next) wakes it early. Tests inject a
clock whose time jumps straight to each deadline (``tests/clocks.py``).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Session time in seconds, and a way to wait for it."""

    def now(self) -> float:
        """The current reading; only differences between readings mean anything."""
        ...

    def wait_until(self, deadline: float | None) -> None:
        """Return at ``deadline`` (never, if None) or as soon as :meth:`wake` is called."""
        ...

    def wake(self) -> None:
        """Make a pending or the next :meth:`wait_until` return at once."""
        ...


class MonotonicClock:
    """The system's monotonic clock, optionally running ``speed`` times faster than real time.

    A speed above 1 is for demonstrations and tests (``PSOAS_SESSION_SPEED``):
    a 20-minute session at speed 60 takes 20 real seconds.
    """

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._origin = time.monotonic()
        self._woken = threading.Event()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.speed

    def wait_until(self, deadline: float | None) -> None:
        timeout = None if deadline is None else max(deadline - self.now(), 0.0) / self.speed
        if timeout != 0.0:
            self._woken.wait(timeout)
        self._woken.clear()

    def wake(self) -> None:
        self._woken.set()
