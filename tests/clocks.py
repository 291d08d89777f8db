"""Clocks for tests: one that jumps straight to each deadline, one that moves only when told."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable


class FakeClock:
    """Time that jumps to each deadline at once: a 30-minute session runs in milliseconds.

    ``at(t, action)`` plays a person's key press at session time ``t``: the
    clock stops there, runs the action, and carries on. ``late`` makes every
    wake-up late by the seconds it returns, to show that lateness never adds up.
    """

    def __init__(self, start: float = 1000.0, late: Callable[[], float] | None = None) -> None:
        self.time = start
        self.late = late
        self.waits = 0
        self._woken = False
        self._actions: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()

    def at(self, time: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._actions, (time, next(self._order), action))

    def now(self) -> float:
        return self.time

    def wait_until(self, deadline: float | None) -> None:
        self.waits += 1
        if self._woken:
            self._woken = False
            return
        if self._actions and (deadline is None or self._actions[0][0] <= deadline):
            time, _, action = heapq.heappop(self._actions)
            self.time = max(self.time, time)
            action()
            return
        if deadline is None:
            raise AssertionError("the runner waits for ever with no key press scheduled")
        self.time = max(self.time, deadline + (self.late() if self.late else 0.0))

    def wake(self) -> None:
        self._woken = True


class ManualClock:
    """Time that moves only when a test calls :meth:`advance`; safe across threads."""

    def __init__(self) -> None:
        self.time = 0.0
        self._changed = threading.Condition()
        self._woken = False

    def now(self) -> float:
        with self._changed:
            return self.time

    def advance(self, seconds: float) -> None:
        with self._changed:
            self.time += seconds
            self._changed.notify_all()

    def wait_until(self, deadline: float | None) -> None:
        with self._changed:
            self._changed.wait_for(
                lambda: self._woken or (deadline is not None and self.time >= deadline)
            )
            self._woken = False

    def wake(self) -> None:
        with self._changed:
            self._woken = True
            self._changed.notify_all()
