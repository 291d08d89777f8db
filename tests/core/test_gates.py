"""Gates over time, as pure rules: which pain ratings pause release, and the release status."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from psoas.content import KnowledgeBase
from psoas.content.vocabulary import AdverseEventId, MetricId, RedFlagId, SafetyLevel
from psoas.core.gates import (
    HoldKind,
    PainReading,
    Pause,
    PauseKind,
    RecordedPause,
    ReferenceKind,
    adverse_event_pause,
    describe_pause,
    pain_pauses,
    release_status,
    something_changed_pause,
    warning_sign_pause,
)
from psoas.core.intake import parse_intake
from psoas.core.safety import screen
from tests.factories import intake

TODAY = date(2026, 12, 1)
SCREEN_DAY = TODAY - timedelta(days=10)
"""The day the safety questions were last answered: ratings count from then."""
BACK = MetricId.LOW_BACK_PAIN
HIP = MetricId.HIP_PAIN


def _reading(value: float, *, metric: MetricId = BACK, days_ago: int = 0) -> PainReading:
    return PainReading(metric=metric, value=value, day=TODAY - timedelta(days=days_ago))


def _pauses(knowledge: KnowledgeBase, *readings: PainReading, **references: object) -> list[Pause]:
    return pain_pauses(
        readings,
        intake=references.get("intake", {}),  # type: ignore[arg-type]
        baseline=references.get("baseline", {}),  # type: ignore[arg-type]
        since=references.get("since", SCREEN_DAY),  # type: ignore[arg-type]
        knowledge=knowledge,
        rises_count=bool(references.get("rises_count", True)),
    )


def test_pain_of_eight_or_more_pauses_on_the_first_day(knowledge: KnowledgeBase) -> None:
    found = _pauses(knowledge, _reading(8))
    assert [(p.kind, p.metric, p.value, p.reference) for p in found] == [
        (PauseKind.PAIN, BACK, 8, None)
    ]
    assert _pauses(knowledge, _reading(7)) == []


def test_a_rise_of_two_above_the_intake_or_the_baseline_pauses(knowledge: KnowledgeBase) -> None:
    from_intake = _pauses(knowledge, _reading(4), intake={BACK: 2.0})
    assert [(p.reference, p.reference_value) for p in from_intake] == [(ReferenceKind.INTAKE, 2.0)]
    from_baseline = _pauses(knowledge, _reading(5), intake={BACK: 5.0}, baseline={BACK: 3.0})
    assert [(p.reference, p.reference_value) for p in from_baseline] == [
        (ReferenceKind.BASELINE, 3.0)
    ]
    assert _pauses(knowledge, _reading(3), intake={BACK: 2.0}, baseline={BACK: 2.5}) == []


def test_the_two_to_nine_rise_of_the_issue(knowledge: KnowledgeBase) -> None:
    found = _pauses(knowledge, _reading(9, days_ago=0), intake={BACK: 2.0}, baseline={BACK: 2.0})
    assert len(found) == 1 and found[0].value == 9


def test_hip_pain_counts_too_and_each_metric_pauses_once(knowledge: KnowledgeBase) -> None:
    found = _pauses(
        knowledge,
        _reading(9, metric=HIP),
        _reading(8, metric=HIP, days_ago=1),
        _reading(8),
    )
    assert [(p.metric, p.value) for p in found] == [(BACK, 8), (HIP, 9)]


def test_ratings_from_before_the_screen_were_known_when_it_was_answered(
    knowledge: KnowledgeBase,
) -> None:
    assert _pauses(knowledge, _reading(10, days_ago=11)) == []  # an imported history
    assert len(_pauses(knowledge, _reading(10, days_ago=10))) == 1  # the day of the screen
    assert len(_pauses(knowledge, _reading(9, days_ago=8))) == 1  # entered late: still counts
    assert _pauses(knowledge, _reading(10), since=None) == []  # no screen: release is off


def test_a_warning_sign_and_a_change_pause_whatever_the_screen(knowledge: KnowledgeBase) -> None:
    sign = warning_sign_pause([RedFlagId.INFLAMMATORY_BACK_PAIN], day=TODAY)
    assert sign is not None and sign.kind is PauseKind.WARNING_SIGN
    assert "morning stiffness" in describe_pause(sign, knowledge)
    assert warning_sign_pause([], day=TODAY) is None
    changed = something_changed_pause(day=TODAY)
    assert "something had changed" in describe_pause(changed, knowledge)


def test_after_a_session_only_a_severe_rating_pauses(knowledge: KnowledgeBase) -> None:
    assert _pauses(knowledge, _reading(5), intake={BACK: 2.0}, rises_count=False) == []
    assert len(_pauses(knowledge, _reading(8), rises_count=False)) == 1


@pytest.mark.parametrize(
    ("events", "level"),
    [
        ([AdverseEventId.PULSE_UNDER_TOOL], SafetyLevel.URGENT),
        ([AdverseEventId.BLOOD_IN_URINE], SafetyLevel.URGENT),
        ([AdverseEventId.BRUISING, AdverseEventId.BLOOD_IN_URINE], SafetyLevel.URGENT),
        ([AdverseEventId.LEG_TINGLING_NUMBNESS_OR_WEAKNESS], SafetyLevel.CAUTION),
        ([AdverseEventId.FAINT_OR_DIZZY], SafetyLevel.CAUTION),
        ([AdverseEventId.BRUISING], SafetyLevel.CAUTION),
        ([AdverseEventId.PAIN_WORSE], SafetyLevel.CAUTION),
    ],
)
def test_each_adverse_event_pauses_and_some_mean_seek_care(
    knowledge: KnowledgeBase, events: list[AdverseEventId], level: SafetyLevel
) -> None:
    pause = adverse_event_pause(events, session_id=7, knowledge=knowledge)
    assert pause is not None and pause.level is level and pause.session_id == 7
    words = describe_pause(pause, knowledge)
    assert all(knowledge.adverse_event(event).message in words for event in events)
    if level is SafetyLevel.URGENT:
        assert "doctor today" in words or "emergency" in words


def test_no_adverse_event_no_pause(knowledge: KnowledgeBase) -> None:
    assert adverse_event_pause([], session_id=1, knowledge=knowledge) is None


SCREENED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _status(knowledge: KnowledgeBase, *, sections: dict[str, object] | None = None, **kw: object):
    safety = screen(parse_intake(intake(**(sections or {}))), knowledge)
    return release_status(
        safety=safety,
        screened_at=kw.get("screened_at", SCREENED),  # type: ignore[arg-type]
        pauses=kw.get("pauses", []),  # type: ignore[arg-type]
        today=kw.get("today", TODAY),  # type: ignore[arg-type]
        knowledge=knowledge,
    )


def test_a_clear_recent_screen_allows_release(knowledge: KnowledgeBase) -> None:
    found = _status(knowledge)
    assert found.allowed and not found.paused and found.holds == []


def test_no_screen_allows_nothing(knowledge: KnowledgeBase) -> None:
    found = release_status(
        safety=None, screened_at=None, pauses=[], today=TODAY, knowledge=knowledge
    )
    assert not found.allowed and [h.kind for h in found.holds] == [HoldKind.NO_SCREEN]


def test_a_screen_that_rules_release_out_holds_it(knowledge: KnowledgeBase) -> None:
    found = _status(knowledge, sections={"red_flags": {"hernia": True}})
    assert not found.allowed and not found.paused
    assert [h.kind for h in found.holds] == [HoldKind.SCREEN]
    assert "hernia" in found.holds[0].message or "weak spot" in found.holds[0].message


def test_a_pause_after_the_screen_holds_and_one_before_it_does_not(
    knowledge: KnowledgeBase,
) -> None:
    pain = Pause(kind=PauseKind.PAIN, level=SafetyLevel.CAUTION, metric=BACK, value=9, day=TODAY)
    after = RecordedPause(pause=pain, recorded_at=SCREENED + timedelta(hours=1))
    before = RecordedPause(pause=pain, recorded_at=SCREENED - timedelta(hours=1))
    held = _status(knowledge, pauses=[after])
    assert not held.allowed and held.paused and [h.kind for h in held.holds] == [HoldKind.PAIN]
    assert "9 out of 10" in held.holds[0].message
    assert _status(knowledge, pauses=[before]).allowed


def test_an_urgent_adverse_event_is_urgent(knowledge: KnowledgeBase) -> None:
    pause = adverse_event_pause(
        [AdverseEventId.PULSE_UNDER_TOOL], session_id=3, knowledge=knowledge
    )
    assert pause is not None
    found = _status(
        knowledge, pauses=[RecordedPause(pause=pause, recorded_at=SCREENED + timedelta(days=1))]
    )
    assert found.urgent and found.holds[0].kind is HoldKind.ADVERSE_EVENT


def test_a_screen_older_than_twelve_weeks_must_be_confirmed(knowledge: KnowledgeBase) -> None:
    on_the_day = SCREENED.astimezone().date() + timedelta(weeks=12)
    assert _status(knowledge, today=on_the_day).allowed
    found = _status(knowledge, today=on_the_day + timedelta(days=1))
    assert not found.allowed and found.paused
    assert [h.kind for h in found.holds] == [HoldKind.OLD_SCREEN]
    answered = SCREENED.astimezone().date().isoformat()  # the day where the person is
    assert answered in found.holds[0].message and "12 weeks" in found.holds[0].message
