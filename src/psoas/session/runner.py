"""The runner: walks a timeline in real time and tells its subscribers what happens.

Why cues never drift: every event's time is computed from an absolute anchor
(the clock reading at which the current step's offset 0 fell), and the next
step's anchor is this step's anchor plus its duration, not "now". A late
wake-up makes one event late; it never moves the ones after it. Only a pause
moves the anchor, by exactly the time spent paused.

Commands (pause, resume, skip, back, stop) may come from any thread; they
take the runner's lock, change its state and wake the clock. Subscribers are
called on whichever thread holds the lock (usually the one in :meth:`run`), so
a subscriber that does slow work (a database write, speech) hands it off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from psoas.core.session_events import (
    BACK_RESTARTS_AFTER,
    EventKind,
    Progress,
    RunState,
    SessionEvent,
    Snapshot,
    StepLog,
    StepOutcome,
)
from psoas.core.timeline import Step, Timeline
from psoas.session.clock import Clock

Subscriber = Callable[[SessionEvent], None]


_SAME_TIME_ORDER = {
    EventKind.CHECKPOINT: 0,
    EventKind.BREATH_IN: 1,
    EventKind.BREATH_OUT: 1,
    EventKind.HALF_WAY: 2,
    EventKind.STEP_ENDED: 3,
}


class Runner:
    """Runs one timeline from the start, or from a stored :class:`Progress`."""

    def __init__(
        self,
        timeline: Timeline,
        clock: Clock,
        *,
        progress: Progress | None = None,
        checkpoint_every: float = 5.0,
    ) -> None:
        steps = timeline.steps
        if progress is not None and len(progress.steps) != len(steps):
            raise ValueError("the progress belongs to a timeline with another number of steps")
        if checkpoint_every <= 0:
            raise ValueError("checkpoint_every must be positive")
        start = progress or Progress.fresh(len(steps))
        self.timeline = timeline
        self._steps = steps
        self._clock = clock
        self._every = checkpoint_every
        self._lock = threading.RLock()
        self._subscribers: list[Subscriber] = []
        self._logs = list(start.steps)
        self._index = start.step_index
        self._resuming = progress is not None
        self._state = RunState.FINISHED if start.finished else RunState.READY
        self._anchor = 0.0
        self._visit_from = start.step_elapsed
        self._held_offset = start.step_elapsed
        """The offset while not running (ready, paused, stopped, finished)."""
        self._pending: list[tuple[float, EventKind]] = []
        self._next = 0

    # -- what the faces use -------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` with every event from now on."""
        with self._lock:
            self._subscribers.append(subscriber)

    @property
    def state(self) -> RunState:
        with self._lock:
            return self._state

    def run(self) -> RunState:
        """Drive the session until it finishes or is stopped; returns which."""
        with self._lock:
            if self._state is RunState.READY:
                self._begin()
        while True:
            with self._lock:
                deadline = self._fire_due()
                if self._state in (RunState.FINISHED, RunState.STOPPED):
                    return self._state
            self._clock.wait_until(deadline)

    def snapshot(self) -> Snapshot:
        """Where the session is now."""
        with self._lock:
            return Snapshot(
                state=self._state,
                step_index=self._index,
                step=self._steps[self._index],
                step_count=len(self._steps),
                step_elapsed=self._offset(),
                total_seconds=self.timeline.total_seconds,
            )

    def pause(self) -> None:
        """Hold the session where it is."""
        with self._lock:
            if self._state is not RunState.RUNNING:
                return
            now = self._clock.now()
            self._held_offset = self._offset(now)
            self._state = RunState.PAUSED
            self._emit(EventKind.PAUSED, self._held_offset, now)
            self._checkpoint(self._held_offset, now)
        self._clock.wake()

    def resume(self) -> None:
        """Carry on from where the session was paused."""
        with self._lock:
            if self._state is not RunState.PAUSED:
                return
            now = self._clock.now()
            self._anchor = now - self._held_offset
            self._state = RunState.RUNNING
            self._emit(EventKind.RESUMED, self._held_offset, now)
        self._clock.wake()

    def toggle_pause(self) -> None:
        """Pause a running session, or resume a paused one."""
        with self._lock:
            if self._state is RunState.RUNNING:
                self.pause()
            else:
                self.resume()

    def skip(self) -> None:
        """Leave this step now and start the next (a paused session stays paused)."""
        with self._lock:
            if self._state not in (RunState.RUNNING, RunState.PAUSED):
                return
            now = self._clock.now()
            offset = self._offset(now)
            self._close_visit(offset, StepOutcome.SKIPPED)
            self._emit(EventKind.STEP_ENDED, offset, now, skipped=True)
            if self._index + 1 == len(self._steps):
                self._finish(now)
            else:
                self._move_to(self._index + 1, now)
        self._clock.wake()

    def back(self) -> None:
        """Restart this step, or go to the one before when it has only just begun."""
        with self._lock:
            if self._state not in (RunState.RUNNING, RunState.PAUSED):
                return
            now = self._clock.now()
            offset = self._offset(now)
            self._close_visit(offset, None)
            restart = offset >= BACK_RESTARTS_AFTER or self._index == 0
            self._move_to(self._index if restart else self._index - 1, now)
        self._clock.wake()

    def stop(self) -> None:
        """End this run now; the last event carries the progress to resume from."""
        with self._lock:
            if self._state in (RunState.FINISHED, RunState.STOPPED):
                return
            if self._state is RunState.READY:
                self._state = RunState.STOPPED
                return
            now = self._clock.now()
            self._held_offset = self._offset(now)
            self._state = RunState.STOPPED
            progress = self._progress(self._held_offset)
            self._emit(EventKind.SESSION_STOPPED, self._held_offset, now, progress=progress)
        self._clock.wake()

    # -- the timing loop ----------------------------------------------------------------

    def _begin(self) -> None:
        now = self._clock.now()
        offset = self._held_offset
        self._state = RunState.RUNNING
        self._emit(EventKind.SESSION_STARTED, offset, now, resumed=self._resuming)
        self._enter(self._index, offset, anchor=now - offset, resumed=self._resuming)

    def _fire_due(self) -> float | None:
        """Deliver every event that is due; return the next deadline (None while not running)."""
        while self._state is RunState.RUNNING:
            offset, kind = self._pending[self._next]
            due = self._anchor + offset
            if due > self._clock.now():
                return due
            self._next += 1
            if kind is EventKind.STEP_ENDED:
                self._end_step(due)
            elif kind is EventKind.CHECKPOINT:
                self._checkpoint(offset, due)
            else:
                self._emit(kind, offset, due)
        return None

    def _enter(self, index: int, offset: float, *, anchor: float, resumed: bool = False) -> None:
        self._index = index
        self._anchor = anchor
        self._visit_from = offset
        self._pending = _schedule(self._steps[index], offset, self._every)
        self._next = 0
        due = anchor + offset
        self._checkpoint(offset, due)  # stored before anyone reacts to the new step
        self._emit(EventKind.STEP_STARTED, offset, due, resumed=resumed)

    def _end_step(self, due: float) -> None:
        step = self._steps[self._index]
        self._close_visit(float(step.duration), StepOutcome.COMPLETED)
        self._emit(EventKind.STEP_ENDED, float(step.duration), due)
        if self._index + 1 == len(self._steps):
            self._finish(due)
        else:  # the next anchor follows from this one, never from "now": no drift
            self._enter(self._index + 1, 0.0, anchor=self._anchor + step.duration)

    def _move_to(self, index: int, now: float) -> None:
        self._held_offset = 0.0
        self._enter(index, 0.0, anchor=now)

    def _finish(self, due: float) -> None:
        self._state = RunState.FINISHED
        last = self._steps[-1]
        self._index = len(self._steps) - 1
        self._held_offset = float(last.duration)
        self._visit_from = self._held_offset
        progress = Progress(
            step_index=self._index,
            step_elapsed=self._held_offset,
            steps=tuple(self._logs),
            finished=True,
        )
        self._emit(EventKind.SESSION_FINISHED, self._held_offset, due, progress=progress)

    # -- bookkeeping --------------------------------------------------------------------

    def _offset(self, now: float | None = None) -> float:
        if self._state is not RunState.RUNNING:
            return self._held_offset
        elapsed = (self._clock.now() if now is None else now) - self._anchor
        return min(max(elapsed, 0.0), float(self._steps[self._index].duration))

    def _close_visit(self, offset: float, outcome: StepOutcome | None) -> None:
        """Add this visit's running time to the step's log, with how it was left."""
        log = self._logs[self._index]
        if offset >= self._steps[self._index].duration or log.outcome is StepOutcome.COMPLETED:
            outcome = StepOutcome.COMPLETED
        spent = log.spent_seconds + max(offset - self._visit_from, 0.0)
        self._logs[self._index] = StepLog(spent, outcome or log.outcome)
        self._visit_from = offset

    def _progress(self, offset: float) -> Progress:
        logs = list(self._logs)
        current = logs[self._index]
        spent = current.spent_seconds + max(offset - self._visit_from, 0.0)
        logs[self._index] = StepLog(spent, current.outcome)
        return Progress(step_index=self._index, step_elapsed=offset, steps=tuple(logs))

    def _checkpoint(self, offset: float, due: float) -> None:
        self._emit(EventKind.CHECKPOINT, offset, due, progress=self._progress(offset))

    def _emit(
        self,
        kind: EventKind,
        offset: float,
        due: float,
        *,
        progress: Progress | None = None,
        skipped: bool = False,
        resumed: bool = False,
    ) -> None:
        event = SessionEvent(
            kind=kind,
            step_index=self._index,
            step=self._steps[self._index],
            offset=offset,
            due=due,
            at=self._clock.now(),
            progress=progress,
            skipped=skipped,
            resumed=resumed,
        )
        for subscriber in list(self._subscribers):
            subscriber(event)


def _schedule(
    step: Step, from_offset: float, checkpoint_every: float
) -> list[tuple[float, EventKind]]:
    """Every timed event of a step from ``from_offset`` on, in order; the step's end is last."""
    duration = float(step.duration)
    events: list[tuple[float, EventKind]] = []
    if step.breath is not None:
        cycle, breath_in = step.breath.cycle_seconds, step.breath.in_seconds
        breath = 0
        while (start := breath * cycle) < duration:
            events.append((start, EventKind.BREATH_IN))
            if start + breath_in < duration:
                events.append((start + breath_in, EventKind.BREATH_OUT))
            breath += 1
    events.append((duration / 2, EventKind.HALF_WAY))
    events += [
        (number * checkpoint_every, EventKind.CHECKPOINT)
        for number in range(1, int(duration // checkpoint_every) + 1)
        if number * checkpoint_every < duration
    ]
    events.append((duration, EventKind.STEP_ENDED))
    kept = [event for event in events if event[0] >= from_offset]
    return sorted(kept, key=lambda event: (event[0], _SAME_TIME_ORDER[event[1]]))
