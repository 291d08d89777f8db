"""Work that follows a write, done after it has committed and away from the request.

A web request that records a check-in answers as soon as the record is stored.
The progress rules (progress itself, and the move to maintenance it may call for)
run afterwards on a worker thread of this process: once per person for a burst of
writes (the first write asks for a run ``settle`` seconds later, and every write
until then is covered by that one run), never two at once for one person, and
never inside the write transaction that the next writer is waiting for.

Nothing is lost if the process stops first: the rules are derived from what is
stored, and the next write (or the next ``psoas log``) runs them again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

from psoas.services import tracking
from psoas.store import Database

log = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0
"""How long after a write the rules run, gathering the writes that follow into one run."""


class FollowUps:
    """Runs the progress rules for a person soon after their writes, one run per burst."""

    def __init__(
        self,
        database: Database,
        *,
        settle: float = SETTLE_SECONDS,
        work: Callable[[Database, str], object] | None = None,
    ) -> None:
        self._database = database
        self._settle = settle
        self._work = work or _apply_rules
        self._due: dict[str, float] = {}
        self._running: set[str] = set()
        self._changed = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="psoas-followups", daemon=True)
        self._thread.start()

    def after_write(self, person: str) -> None:
        """``person``'s records changed: run their rules soon (once for a burst)."""
        with self._changed:
            self._due.setdefault(person, time.monotonic() + self._settle)
            self._changed.notify()

    def drain(self, timeout: float = 30.0) -> bool:
        """Run everything asked for now and wait for it; False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            now = time.monotonic()
            self._due = {person: now for person in self._due}
            self._changed.notify_all()
            while self._due or self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def close(self, timeout: float = 30.0) -> None:
        """Finish what is pending (within ``timeout``) and stop the worker."""
        self.drain(timeout)
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._changed:
                person = self._next_due()
                while person is None:
                    if self._closed:
                        return
                    self._changed.wait(self._wait())
                    person = self._next_due()
                del self._due[person]
                self._running.add(person)
            try:
                self._work(self._database, person)
            except Exception:  # a failed follow-up must not stop the others; the next write retries
                log.exception("the progress rules after a write failed for %r", person)
            finally:
                with self._changed:
                    self._running.discard(person)
                    self._changed.notify_all()

    def _next_due(self) -> str | None:
        now = time.monotonic()
        ready = [p for p, due in self._due.items() if due <= now and p not in self._running]
        return min(ready, key=self._due.__getitem__) if ready else None

    def _wait(self) -> float | None:
        waiting = [due for p, due in self._due.items() if p not in self._running]
        return max(0.0, min(waiting) - time.monotonic()) if waiting else None


def _apply_rules(database: Database, person: str) -> None:
    tracking.apply_progress_rules(database, person=person, today=date.today())
