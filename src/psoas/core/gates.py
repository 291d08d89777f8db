"""Gates over time: what keeps self-release off between two safety screens.

A screen says what is safe on the day it is made. Between screens, psoas
pauses self-release at once, in the first days of tracking too, when:

- a pain rating (low back or hip, in a check-in, a measurement, or before or
  after a session) dated since the day of the screen is 8 or more, or is 2 or
  more points above the intake's pain or the baseline (the mean of the first 7
  days with values; after a session only 8 or more counts, as some soreness is
  expected): :func:`pain_pauses`;
- something went wrong in or after a session (a pulse under the tool, tingling
  in a leg, feeling faint, a bruise, blood in the urine, pain worse afterwards):
  :func:`adverse_event_pause`; a pulse or blood in the urine also means seek
  care now;
- a new warning sign was reported, or the person said something has changed
  since the screen (a new pain, a fall, an operation, a pregnancy, a medicine);
- the screen itself is older than 12 weeks and must be confirmed.

Each pause holds until the person answers the safety questions again (a screen
they answered, newer than the pause). :func:`release_status` puts the screen
and the pauses together: what the session gate obeys and what the dashboard,
``psoas progress`` and the report show. The numbers are sourced thresholds of
the knowledge base; the words are in ``gates.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from psoas.content.models import KnowledgeBase
from psoas.content.vocabulary import (
    AdverseEventId,
    MetricId,
    QuestionId,
    RedFlagId,
    SafetyLevel,
    ThresholdId,
)
from psoas.core.safety import SafetyResult

PAIN_METRICS = (MetricId.LOW_BACK_PAIN, MetricId.HIP_PAIN)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PauseKind(StrEnum):
    """What paused self-release."""

    PAIN = "pain"
    ADVERSE_EVENT = "adverse_event"
    WARNING_SIGN = "warning_sign"
    SOMETHING_CHANGED = "something_changed"


class ReferenceKind(StrEnum):
    """What a pain rise is measured from."""

    INTAKE = "intake"
    BASELINE = "baseline"


class Pause(_Frozen):
    """One pause of self-release, as stored: what triggered it and how serious it is."""

    kind: PauseKind
    level: SafetyLevel
    """``urgent`` (seek care now) or ``caution`` (release paused until a new screen)."""
    metric: MetricId | None = None
    value: float | None = None
    day: date | None = None
    """The day of the pain rating."""
    reference: ReferenceKind | None = None
    """Set when the pause is for a rise: what it rose from."""
    reference_value: float | None = None
    events: list[AdverseEventId] = []
    session_id: int | None = None
    signs: list[RedFlagId] = []
    """The warning signs reported (for a ``warning_sign`` pause)."""


class PainReading(_Frozen):
    """One pain rating, dated."""

    metric: MetricId
    value: float
    day: date


def pain_pauses(
    readings: Iterable[PainReading],
    *,
    intake: Mapping[MetricId, float],
    baseline: Mapping[MetricId, float],
    since: date | None,
    knowledge: KnowledgeBase,
    rises_count: bool = True,
) -> list[Pause]:
    """The pauses a batch of pain ratings calls for: at most one per metric, the worst first.

    A rating counts when it is dated on or after ``since``, the day the person last
    answered the safety questions (an older rating was known when they answered; an
    imported history describes the past). Without a screen nothing is paused, as
    release is off anyway. A rating pauses at ``pain_pause_score`` or more, or (when
    ``rises_count``) at ``pain_rise_points`` above the intake's rating or the baseline.
    """
    if since is None:
        return []
    high = knowledge.threshold(ThresholdId.PAIN_PAUSE_SCORE)
    rise = knowledge.threshold(ThresholdId.PAIN_RISE_POINTS)
    found: dict[MetricId, Pause] = {}
    for reading in sorted(readings, key=lambda r: (-r.value, r.day)):
        if reading.metric in found or reading.day < since:
            continue
        pause = None
        if reading.value >= high:
            pause = _pain(reading)
        elif rises_count:
            references = [
                (kind, values[reading.metric])
                for kind, values in (
                    (ReferenceKind.INTAKE, intake),
                    (ReferenceKind.BASELINE, baseline),
                )
                if reading.metric in values
            ]
            for kind, value in sorted(references, key=lambda pair: pair[1]):
                if reading.value >= value + rise:
                    pause = _pain(reading, kind, value)
                    break
        if pause is not None:
            found[reading.metric] = pause
    return [found[metric] for metric in PAIN_METRICS if metric in found]


def _pain(
    reading: PainReading, reference: ReferenceKind | None = None, value: float | None = None
) -> Pause:
    return Pause(
        kind=PauseKind.PAIN,
        level=SafetyLevel.CAUTION,
        metric=reading.metric,
        value=reading.value,
        day=reading.day,
        reference=reference,
        reference_value=value,
    )


def warning_sign_pause(signs: Sequence[RedFlagId], *, day: date) -> Pause | None:
    """A new warning sign pauses release whatever the screen it brings says."""
    if not signs:
        return None
    return Pause(kind=PauseKind.WARNING_SIGN, level=SafetyLevel.CAUTION, signs=list(signs), day=day)


def something_changed_pause(*, day: date) -> Pause:
    """The person said something has changed since the screen: answer it again first."""
    return Pause(kind=PauseKind.SOMETHING_CHANGED, level=SafetyLevel.CAUTION, day=day)


def adverse_event_pause(
    events: Sequence[AdverseEventId], *, session_id: int | None, knowledge: KnowledgeBase
) -> Pause | None:
    """The pause a session's adverse events call for (urgent if any of them is), or None."""
    if not events:
        return None
    levels = [knowledge.adverse_event(event).level for event in events]
    return Pause(
        kind=PauseKind.ADVERSE_EVENT,
        level=max(levels, key=lambda level: level.rank),
        events=list(events),
        session_id=session_id,
    )


class HoldKind(StrEnum):
    """Why self-release is off now."""

    NO_SCREEN = "no_screen"
    SCREEN = "screen"
    """The screen itself rules it out."""
    PAIN = "pain"
    ADVERSE_EVENT = "adverse_event"
    WARNING_SIGN = "warning_sign"
    SOMETHING_CHANGED = "something_changed"
    OLD_SCREEN = "old_screen"


PAUSING_HOLDS = frozenset(
    {
        HoldKind.PAIN,
        HoldKind.ADVERSE_EVENT,
        HoldKind.WARNING_SIGN,
        HoldKind.SOMETHING_CHANGED,
        HoldKind.OLD_SCREEN,
    }
)
"""Holds that pause release between screens (the screen's own verdict is not a pause)."""


class ReleaseHold(_Frozen):
    """One reason self-release is off now, in words."""

    kind: HoldKind
    level: SafetyLevel
    since: datetime | None
    message: str


class ReleaseStatus(_Frozen):
    """Whether self-release may go ahead now, and every reason it may not."""

    allowed: bool
    level: SafetyLevel | None
    """The screen's level (None without a screen)."""
    screened_at: datetime | None
    """When the person last answered the safety questions."""
    holds: list[ReleaseHold]

    @property
    def paused(self) -> bool:
        """Whether something since the screen (or its age) keeps release off."""
        return any(hold.kind in PAUSING_HOLDS for hold in self.holds)

    @property
    def urgent(self) -> bool:
        """Whether a hold asks for care now."""
        return any(hold.level is SafetyLevel.URGENT for hold in self.holds)


class RecordedPause(_Frozen):
    """A stored pause and when it was recorded."""

    pause: Pause
    recorded_at: datetime


def release_status(
    *,
    safety: SafetyResult | None,
    screened_at: datetime | None,
    pauses: Iterable[RecordedPause],
    today: date,
    knowledge: KnowledgeBase,
) -> ReleaseStatus:
    """Self-release today: the screen's verdict, the pauses since it, and its age.

    The screen's age is counted in days, so the answer is the same all day long.
    """
    gates = knowledge.gates
    if safety is None or screened_at is None:
        hold = ReleaseHold(
            kind=HoldKind.NO_SCREEN, level=SafetyLevel.CAUTION, since=None, message=gates.no_screen
        )
        return ReleaseStatus(allowed=False, level=None, screened_at=None, holds=[hold])
    holds: list[ReleaseHold] = []
    answered = screened_at.astimezone().date()  # the day where the person is
    day = answered.isoformat()
    if not safety.self_release_allowed:
        holds.append(_screen_hold(safety, day, screened_at, knowledge))
    for recorded in sorted(pauses, key=lambda p: p.recorded_at):
        if recorded.recorded_at > screened_at:
            holds.append(_pause_hold(recorded, knowledge))
    valid_weeks = int(knowledge.threshold(ThresholdId.SCREEN_VALID_WEEKS))
    if (today - answered).days > 7 * valid_weeks:
        message = gates.screen_old.format(day=day, weeks=valid_weeks)
        holds.append(
            ReleaseHold(
                kind=HoldKind.OLD_SCREEN,
                level=SafetyLevel.CAUTION,
                since=screened_at + timedelta(weeks=valid_weeks),
                message=message,
            )
        )
    holds.sort(key=lambda hold: -hold.level.rank)  # stable: the most serious first
    return ReleaseStatus(
        allowed=not holds, level=safety.level, screened_at=screened_at, holds=holds
    )


def _screen_hold(
    safety: SafetyResult, day: str, screened_at: datetime, knowledge: KnowledgeBase
) -> ReleaseHold:
    gates = knowledge.gates
    if safety.level in (SafetyLevel.URGENT, SafetyLevel.REFER):
        details = [r.message for r in safety.reasons if r.level is safety.level]
    else:
        details = [
            r.message
            for r in safety.reasons
            if knowledge.rule(r.flag).blocks_self_release and not r.flag.startswith("unanswered")
        ]
    if details:
        first = gates.screen_rules_out.format(day=day)
        message = " ".join([first, *details[:2]])
    else:
        message = gates.screen_unanswered.format(day=day)
    return ReleaseHold(kind=HoldKind.SCREEN, level=safety.level, since=screened_at, message=message)


def _pause_hold(recorded: RecordedPause, knowledge: KnowledgeBase) -> ReleaseHold:
    pause = recorded.pause
    kind = HoldKind(pause.kind.value)
    return ReleaseHold(
        kind=kind,
        level=pause.level,
        since=recorded.recorded_at,
        message=describe_pause(pause, knowledge),
    )


def describe_pause(pause: Pause, knowledge: KnowledgeBase) -> str:
    """What paused release, and what it means, in words."""
    gates = knowledge.gates
    if pause.kind is PauseKind.ADVERSE_EVENT:
        return " ".join(knowledge.adverse_event(event).message for event in pause.events)
    day = pause.day.isoformat() if pause.day else ""
    if pause.kind is PauseKind.WARNING_SIGN:
        signs = "; ".join(knowledge.question(QuestionId(sign.value)).short for sign in pause.signs)
        return gates.warning_sign.format(signs=signs, day=day)
    if pause.kind is PauseKind.SOMETHING_CHANGED:
        return gates.something_changed.format(day=day)
    assert pause.metric is not None and pause.value is not None and pause.day is not None
    measure = knowledge.measure(pause.metric).name.lower()
    value = f"{pause.value:g}"
    day = pause.day.isoformat()
    if pause.reference is None or pause.reference_value is None:
        return gates.pain_high.format(measure=measure, value=value, day=day)
    template: str = getattr(gates.references, pause.reference.value)
    reference = template.format(value=f"{pause.reference_value:g}")
    rise = f"{pause.value - pause.reference_value:g}"
    return gates.pain_risen.format(
        measure=measure, value=value, day=day, rise=rise, reference=reference
    )
