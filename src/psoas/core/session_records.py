"""A guided session as it is kept: ratings before and after, what was felt, time in each step.

These are what the store holds and the faces show (``psoas session list`` and
``show``); the timeline itself is the contract in :mod:`psoas.core.timeline`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from psoas.content.vocabulary import AdverseEventId, MetricId, SafetyLevel, ToolId
from psoas.core.bounds import (
    CONTRACT_CONFIG,
    DISTINCT,
    MAX_LIST,
    WHOLE,
    Rating,
    distinct_or_none_alone,
)
from psoas.core.session_events import Progress, StepLog, StepOutcome
from psoas.core.timeline import Phase, SessionKind, Side, Timeline
from psoas.core.validation import validate_document
from psoas.errors import ConflictsWithRecord, FieldProblem


class Ratings(BaseModel):
    """How a person feels, each 0 (none, or worst for breathing) to 10; any may be left out."""

    model_config = CONTRACT_CONFIG

    low_back_pain: Rating | None = None
    hip_pain: Rating | None = None
    stress: Rating | None = None
    breathing_ease: Rating | None = None
    """0 = breathing feels very hard, 10 = completely easy."""

    def given(self) -> dict[str, int]:
        """Only the ratings that were given."""
        return {name: value for name, value in self.model_dump().items() if value is not None}

    def pain(self) -> dict[MetricId, float]:
        """The pain ratings given, by the metric they are tracked as."""
        found = {MetricId.LOW_BACK_PAIN: self.low_back_pain, MetricId.HIP_PAIN: self.hip_pain}
        return {metric: float(value) for metric, value in found.items() if value is not None}

    def change_to(self, after: Ratings) -> dict[str, int]:
        """``after`` minus these ratings, for each rating given both times."""
        before, later = self.given(), after.given()
        return {name: later[name] - before[name] for name in before if name in later}


RATING_QUESTIONS: dict[str, str] = {
    "low_back_pain": "Low back pain (0 = none, 10 = worst imaginable)",
    "hip_pain": "Hip or groin pain (0 = none, 10 = worst imaginable)",
    "stress": "Stress (0 = calm, 10 = extremely stressed)",
    "breathing_ease": "Breathing ease (0 = very hard, 10 = completely easy)",
}
"""Each rating as a question, in the order they are asked."""

RATING_LABELS: dict[str, str] = {
    "low_back_pain": "Low back pain",
    "hip_pain": "Hip pain",
    "stress": "Stress",
    "breathing_ease": "Breathing ease",
}
"""Each rating in a few words, for tables."""


PAIN_UP_POINTS = 2
"""A pain rating this much higher after a session earns a word of advice, in every face."""
PAIN_UP_ADVICE = (
    "A little tenderness after a release is common and usually settles within a day or two. "
    "If the pain keeps rising, or comes with numbness, weakness, a fever or a pulsing feeling "
    "in the belly, stop the releases and see a clinician."
)


class Felt(StrEnum):
    """What a person noticed during a release."""

    DEEP_ACHE = "deep_ache"
    HIP_OR_GROIN_REFERRAL = "hip_or_groin_referral"
    EMOTIONAL_RELEASE = "emotional_release"
    NONE = "none"


FELT_LABELS: dict[Felt, str] = {
    Felt.DEEP_ACHE: "a deep ache",
    Felt.HIP_OR_GROIN_REFERRAL: "feeling spreading to the hip or groin",
    Felt.EMOTIONAL_RELEASE: "feeling emotional",
    Felt.NONE: "nothing in particular",
}


class Aftermath(BaseModel):
    """Ratings after a session, what was felt, and anything that went wrong.

    ``adverse_events`` are the problems the knowledge base lists (a pulse under the
    tool, tingling in a leg, ...): each one pauses self-release until the safety
    questions are answered again, and some mean seeking care now.
    """

    model_config = CONTRACT_CONFIG

    ratings: Ratings = Ratings()
    felt: Annotated[
        list[Annotated[Felt, Field(strict=False)]],
        Field(max_length=MAX_LIST),
        distinct_or_none_alone(Felt),
    ] = []
    adverse_events: Annotated[
        list[Annotated[AdverseEventId, Field(strict=False)]], Field(max_length=MAX_LIST), DISTINCT
    ] = []

    @field_validator("felt")
    @classmethod
    def _none_stands_alone(cls, felt: list[Felt]) -> list[Felt]:
        if Felt.NONE in felt and len(felt) > 1:
            raise ValueError("'none' cannot be listed together with something felt")
        if len(set(felt)) != len(felt):
            raise ValueError("each feeling may be listed once")
        return felt

    @field_validator("adverse_events")
    @classmethod
    def _each_once(cls, events: list[AdverseEventId]) -> list[AdverseEventId]:
        if len(set(events)) != len(events):
            raise ValueError("each problem may be listed once")
        return events


def parse_ratings(data: object, *, source: str) -> Ratings:
    """Validate ratings given as plain data, naming every bad field."""
    return validate_document(Ratings, data, source=source)


def parse_aftermath(data: object, *, source: str) -> Aftermath:
    """Validate after-session ratings and feelings, naming every bad field."""
    return validate_document(Aftermath, data, source=source)


class SessionStatus(StrEnum):
    """Whether a session can still be continued."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class StepRecord(BaseModel):
    """One step as it went: planned and spent running time, and how it was left."""

    model_config = ConfigDict(frozen=True)

    index: int
    phase: Phase
    side: Side | None
    title: str
    planned_seconds: int
    spent_seconds: float
    outcome: StepOutcome | None
    """None while the step has not been left yet."""


class SessionRecord(BaseModel):
    """A stored session, whole."""

    model_config = ConfigDict(frozen=True)

    id: int
    person: str
    kind: SessionKind
    tool: ToolId | None
    minutes: int
    status: SessionStatus
    safety_level: SafetyLevel
    """The safety screen's level when the session was started."""
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    step_index: int
    """Where the session is (or ended)."""
    step_elapsed: float
    before: Ratings | None
    after: Ratings | None
    felt: list[Felt]
    adverse_events: list[AdverseEventId] = []
    """What went wrong during or after the session, as reported."""
    steps: list[StepRecord]
    timeline: Timeline

    @property
    def spent_seconds(self) -> float:
        """Running time actually spent, all steps together."""
        return sum(step.spent_seconds for step in self.steps)

    def change(self) -> dict[str, int]:
        """After minus before, for each rating given both times."""
        if self.before is None or self.after is None:
            return {}
        return self.before.change_to(self.after)

    def summary(self) -> SessionSummary:
        """The record in one line, as ``psoas session list`` shows it."""
        return SessionSummary(
            id=self.id,
            person=self.person,
            kind=self.kind,
            tool=self.tool,
            minutes=self.minutes,
            status=self.status,
            started_at=self.started_at,
            steps_done=sum(1 for step in self.steps if step.outcome is not None),
            step_count=len(self.steps),
            change=self.change(),
            adverse_events=self.adverse_events,
        )

    def to_document(self) -> dict[str, Any]:
        """The record as JSON, with the contract timeline inside."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        document["spent_seconds"] = round(self.spent_seconds, 3)
        document["change"] = self.change()
        return document


class SessionSummary(BaseModel):
    """One line of ``psoas session list``."""

    model_config = ConfigDict(frozen=True)

    id: int
    person: str
    kind: SessionKind
    tool: ToolId | None
    minutes: int
    status: SessionStatus
    started_at: datetime
    steps_done: int
    step_count: int
    change: dict[str, int]
    adverse_events: list[AdverseEventId] = []


MAX_STEPS = 500
"""More steps than any session's timeline holds: a checkpoint listing more is refused unread."""

MAX_STEP_SECONDS = 24 * 60 * 60
"""More time than any step lasts (the timeline then holds each to its own length)."""


class CheckpointStep(BaseModel):
    """What a face reports of one step: running seconds spent in it, and how it was left."""

    model_config = CONTRACT_CONFIG

    spent_seconds: Annotated[float, Field(ge=0, le=MAX_STEP_SECONDS)] = 0.0
    outcome: Annotated[StepOutcome, Field(strict=False)] | None = None


class Checkpoint(BaseModel):
    """Where a session run by a face (the browser) is: the same facts the runner checkpoints."""

    model_config = CONTRACT_CONFIG

    step_index: Annotated[int, Field(ge=0, le=MAX_STEPS), WHOLE]
    step_elapsed: Annotated[float, Field(ge=0, le=MAX_STEP_SECONDS)]
    steps: Annotated[list[CheckpointStep], Field(max_length=MAX_STEPS)]
    finished: bool = False

    def to_progress(self, timeline: Timeline, *, source: str) -> Progress:
        """The checkpoint as runner progress, checked against the session's own timeline."""
        problems = []
        count = len(timeline.steps)
        if len(self.steps) != count:
            problems.append(FieldProblem("steps", f"expected {count} steps, got {len(self.steps)}"))
        elif self.step_index >= count:
            problems.append(FieldProblem("step_index", f"expected at most {count - 1}"))
        else:
            slack = CHECKPOINT_SLACK_SECONDS
            for index, (step, log) in enumerate(zip(timeline.steps, self.steps, strict=True)):
                if log.spent_seconds > step.duration + slack:
                    problems.append(
                        FieldProblem(
                            f"steps.{index}.spent_seconds",
                            f"expected at most {step.duration} (the step's length)",
                        )
                    )
            current = timeline.steps[self.step_index].duration
            if self.step_elapsed > current + slack:
                problems.append(FieldProblem("step_elapsed", f"expected at most {current}"))
        if problems:
            raise ConflictsWithRecord(source, problems)
        return Progress(
            step_index=self.step_index,
            step_elapsed=min(self.step_elapsed, timeline.steps[self.step_index].duration),
            steps=tuple(
                StepLog(min(log.spent_seconds, step.duration), log.outcome)
                for step, log in zip(timeline.steps, self.steps, strict=True)
            ),
            finished=self.finished,
        )


CHECKPOINT_SLACK_SECONDS = 1.0
"""A face's timer may run a little past a step's end before it reports; no more than this."""


def parse_checkpoint(data: object, *, source: str) -> Checkpoint:
    """Validate a checkpoint given as plain data, naming every bad field."""
    return validate_document(Checkpoint, data, source=source)
