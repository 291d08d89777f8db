"""Saying the cues aloud: espeak-ng when it is installed, the terminal bell otherwise.

A person lying on a release tool with their eyes closed cannot read a screen.
:class:`Voice` subscribes to a runner and hands each phrase to a speaker;
what is said for which event is decided in :func:`psoas.core.session_events.spoken_text`,
so the browser's voice (later) says the same.

Speech is slower than the runner, so the speaker works on its own thread: a
new step's cue interrupts whatever is being said, and a breath prompt that
could only be spoken late is dropped, since "breathe in" half a breath late is
worse than silence.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from psoas.content.models import Spoken
from psoas.core.session_events import STALE_PROMPT_AFTER, EventKind, SessionEvent, spoken_text

ESPEAK = "espeak-ng"
STALE_AFTER = STALE_PROMPT_AFTER
_INTERRUPTING = frozenset(
    {EventKind.STEP_STARTED, EventKind.PAUSED, EventKind.RESUMED, EventKind.SESSION_FINISHED}
)


class Speaker(Protocol):
    """Something that can say a phrase."""

    def say(self, text: str, *, interrupt: bool) -> None:
        """Say ``text``; ``interrupt`` cuts short what is being said and drops what waits."""
        ...

    def close(self, *, drain: bool) -> None:
        """Stop; with ``drain``, first finish what is queued (a few seconds at most)."""
        ...


class Voice:
    """A runner subscriber that speaks the session's cues."""

    def __init__(self, speaker: Speaker, spoken: Spoken) -> None:
        self.speaker = speaker
        self.spoken = spoken

    def __call__(self, event: SessionEvent) -> None:
        text = spoken_text(event, self.spoken)
        if text is not None:
            self.speaker.say(text, interrupt=event.kind in _INTERRUPTING)

    def close(self, *, drain: bool) -> None:
        self.speaker.close(drain=drain)


def find_espeak() -> str | None:
    """The path of espeak-ng, when it is installed."""
    return shutil.which(ESPEAK)


class EspeakSpeaker:
    """Speaks through espeak-ng, one phrase at a time, on a background thread."""

    def __init__(
        self,
        executable: str,
        *,
        words_per_minute: int = 150,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.command = [executable, "-s", str(words_per_minute), *extra_args, "--stdin"]
        self.spoken: list[str] = []
        """Every phrase actually handed to espeak-ng, in order."""
        self._queue: deque[tuple[str, float, bool]] = deque()
        self._changed = threading.Condition()
        self._current: subprocess.Popen[bytes] | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._speak_queued, name="psoas-voice", daemon=True)
        self._thread.start()

    def say(self, text: str, *, interrupt: bool) -> None:
        with self._changed:
            if self._closed:
                return
            if interrupt:
                self._queue.clear()
                if self._current is not None and self._current.poll() is None:
                    self._current.terminate()
            self._queue.append((text, time.monotonic(), interrupt))
            self._changed.notify()

    def close(self, *, drain: bool) -> None:
        with self._changed:
            self._closed = True
            if not drain:
                self._queue.clear()
                if self._current is not None and self._current.poll() is None:
                    self._current.terminate()
            self._changed.notify()
        self._thread.join(timeout=15 if drain else 2)

    def _speak_queued(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._queue or self._closed)
                if not self._queue:
                    return
                text, queued_at, important = self._queue.popleft()
                if not important and time.monotonic() - queued_at > STALE_AFTER:
                    continue
                try:
                    self._current = subprocess.Popen(
                        self.command,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                except OSError:
                    self._queue.clear()
                    self._closed = True  # espeak-ng went away: stay quiet, keep the session
                    return
                self.spoken.append(text)
                current = self._current
            current.communicate(text.encode("utf-8"))


class BellSpeaker:
    """The fallback without espeak-ng: one ring of the terminal bell at each new step."""

    def __init__(self, ring: Callable[[], None]) -> None:
        self.ring = ring
        self.rings = 0

    def say(self, text: str, *, interrupt: bool) -> None:
        if interrupt:
            self.rings += 1
            self.ring()

    def close(self, *, drain: bool) -> None:
        return None
