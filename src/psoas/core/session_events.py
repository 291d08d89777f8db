"""A guided session as it runs: the events a runner publishes, its progress and its snapshots.

The runner (:mod:`psoas.session.runner`) publishes :class:`SessionEvent` to its
subscribers (the display, the voice, the store's checkpoints) and answers
:meth:`snapshot` with a :class:`Snapshot`. These types are plain and pure so
that every face, and the web app later, reads a session the same way.

Times come in two kinds. ``offset`` is running time into a step: pauses do not
count. ``due`` and ``at`` are readings of the runner's clock: when an event
was scheduled and when it was delivered; ``at - due`` is how late it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from psoas.content.models import Spoken
from psoas.core.timeline import BreathPattern, Phase, Step

BACK_RESTARTS_AFTER = 5.0
"""Back, this many seconds or more into a step, restarts it; sooner, it goes to the one before."""
STALE_PROMPT_AFTER = 1.0
"""A spoken prompt that has waited this many seconds is dropped (a new step's cue never is)."""


class EventKind(StrEnum):
    """What happened."""

    SESSION_STARTED = "session_started"
    STEP_STARTED = "step_started"
    BREATH_IN = "breath_in"
    BREATH_OUT = "breath_out"
    HALF_WAY = "half_way"
    STEP_ENDED = "step_ended"
    CHECKPOINT = "checkpoint"
    PAUSED = "paused"
    RESUMED = "resumed"
    SESSION_FINISHED = "session_finished"
    SESSION_STOPPED = "session_stopped"


class RunState(StrEnum):
    """Where a runner is."""

    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"
    """Stopped before the end (quit); the progress can be resumed."""


class StepOutcome(StrEnum):
    """How a step was left."""

    COMPLETED = "completed"
    """It ran to its end (at least once)."""
    SKIPPED = "skipped"
    """The person moved on before its end."""


@dataclass(frozen=True)
class StepLog:
    """What happened in one step so far: running time spent in it, and how it was left."""

    spent_seconds: float = 0.0
    outcome: StepOutcome | None = None


@dataclass(frozen=True)
class Progress:
    """Everything needed to continue a session where it was, and to log what was done."""

    step_index: int
    step_elapsed: float
    """Running seconds into the current step."""
    steps: tuple[StepLog, ...]
    finished: bool = False

    @classmethod
    def fresh(cls, step_count: int) -> Progress:
        """The progress of a session not yet started."""
        return cls(step_index=0, step_elapsed=0.0, steps=(StepLog(),) * step_count)


@dataclass(frozen=True)
class SessionEvent:
    """One thing a runner announces to its subscribers."""

    kind: EventKind
    step_index: int
    step: Step
    offset: float
    """Running seconds into the step that the event belongs to."""
    due: float
    """Clock reading the event was scheduled for."""
    at: float
    """Clock reading when it was delivered."""
    progress: Progress | None = None
    """On checkpoints and at the end: what to store."""
    skipped: bool = False
    """On ``step_ended``: the person moved on before the step's end."""
    resumed: bool = False
    """On ``step_started``: the step continues from an earlier, interrupted run."""

    @property
    def lateness(self) -> float:
        """Seconds between when it was due and when it was delivered."""
        return self.at - self.due


class BreathDirection(StrEnum):
    """Which way the breath is going."""

    IN = "in"
    OUT = "out"


@dataclass(frozen=True)
class BreathPosition:
    """Where a paced breath is: its direction, and how full the lungs are (0 to 1)."""

    direction: BreathDirection
    fullness: float
    seconds_left: float
    """Until the breath turns."""


def breath_at(pattern: BreathPattern, offset: float) -> BreathPosition:
    """The paced breath ``offset`` seconds into a step that starts on an in-breath."""
    into_cycle = offset % pattern.cycle_seconds
    if into_cycle < pattern.in_seconds:
        fullness = into_cycle / pattern.in_seconds
        return BreathPosition(BreathDirection.IN, fullness, pattern.in_seconds - into_cycle)
    into_out = into_cycle - pattern.in_seconds
    fullness = 1.0 - into_out / pattern.out_seconds
    return BreathPosition(BreathDirection.OUT, fullness, pattern.out_seconds - into_out)


@dataclass(frozen=True)
class Snapshot:
    """A session at one moment, for a display to draw."""

    state: RunState
    step_index: int
    step: Step
    step_count: int
    step_elapsed: float
    total_seconds: int

    @property
    def step_left(self) -> float:
        """Seconds left in the current step."""
        return max(self.step.duration - self.step_elapsed, 0.0)

    @property
    def session_elapsed(self) -> float:
        """Seconds of the session's planned time behind us."""
        return min(self.step.start + self.step_elapsed, float(self.total_seconds))

    @property
    def session_left(self) -> float:
        """Seconds of planned time ahead."""
        return self.total_seconds - self.session_elapsed

    @property
    def breath(self) -> BreathPosition | None:
        """The paced breath now, for steps that have one."""
        if self.step.breath is None or self.state is RunState.FINISHED:
            return None
        return breath_at(self.step.breath, self.step_elapsed)


PACED_PHASES = frozenset({Phase.BREATHING})
"""Phases in which every breath is spoken; in the others the cue sets the pace once."""


def spoken_text(event: SessionEvent, spoken: Spoken) -> str | None:
    """What a voice says for an event, or None to stay quiet."""
    step = event.step
    match event.kind:
        case EventKind.STEP_STARTED:
            return f"{step.title}. {step.cue}"
        case EventKind.BREATH_IN if step.phase in PACED_PHASES:
            return spoken.breathe_in
        case EventKind.BREATH_OUT if step.phase in PACED_PHASES:
            return spoken.breathe_out
        case EventKind.HALF_WAY if step.placement is not None:
            return spoken.half_way
        case EventKind.PAUSED:
            return spoken.paused
        case EventKind.RESUMED:
            return spoken.resumed
        case EventKind.SESSION_FINISHED:
            return spoken.finished
    return None
