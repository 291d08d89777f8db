"""A guided session as plain lines: for pipes, screen readers, and terminals without full screen.

Each step prints its title, cue and checklist when it starts. Ctrl-C, a
closed terminal (SIGHUP) or SIGTERM stops the session the same way the
full-screen view's quit key does: where it is, saved, ready to resume.
"""

from __future__ import annotations

import signal
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TextIO

from psoas.core.session_events import EventKind, SessionEvent
from psoas.core.session_records import SessionStatus
from psoas.services.sessions import GuidedSession

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class PlainView:
    """Prints a session's steps as they start; runs the session on a worker thread."""

    def __init__(self, guided: GuidedSession, out: TextIO | None = None, width: int = 88) -> None:
        self.guided = guided
        self.out = out or sys.stdout
        self.width = width
        self._status: SessionStatus | None = None
        self._error: Exception | None = None

    def run(self) -> SessionStatus:
        """Run the session to its end or until stopped; returns how it ended."""
        self.guided.subscribe(self._print_event)
        worker = threading.Thread(target=self._drive, name="psoas-session")
        with _stopping_on_signals(self.guided):
            worker.start()
            while worker.is_alive():
                worker.join(0.2)
        if self._error is not None:
            raise self._error
        assert self._status is not None
        return self._status

    def _drive(self) -> None:
        try:
            self._status = self.guided.run()
        except Exception as error:  # raised again on the main thread
            self._error = error

    def _print_event(self, event: SessionEvent) -> None:
        step = event.step
        if event.kind is EventKind.STEP_STARTED:
            count = len(self.guided.timeline.steps)
            left = step.duration - event.offset
            again = " (continuing)" if event.resumed else ""
            self._line(f"\n[{event.step_index + 1}/{count}] {step.title}{again} · {left:.0f} s")
            self._line(
                textwrap.fill(step.cue, self.width, initial_indent="  ", subsequent_indent="  ")
            )
            for item in step.checklist:
                self._line(f"  [ ] {item}")
            if step.breath:
                pace = step.breath
                self._line(f"  breathe {pace.in_seconds:g} s in, {pace.out_seconds:g} s out")
        elif event.kind is EventKind.PAUSED:
            self._line("  paused")
        elif event.kind is EventKind.RESUMED:
            self._line("  carrying on")
        elif event.kind is EventKind.SESSION_FINISHED:
            self._line("\nSession complete.")

    def _line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


@contextmanager
def _stopping_on_signals(guided: GuidedSession) -> Iterator[None]:
    """While the session runs, Ctrl-C, SIGTERM and SIGHUP stop it (saved) instead of killing."""

    def stop(_signal: int, _frame: FrameType | None) -> None:
        guided.stop()

    previous = {number: signal.signal(number, stop) for number in _STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
