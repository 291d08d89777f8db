"""Gates over time through the services, on SQLite and PostgreSQL.

Pain that is too high or has risen, a problem during a session, or a screen grown
old pauses self-release in the same transaction as the record that caused it; the
session gate obeys; only the person answering the safety questions again lifts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from psoas.content.vocabulary import AdverseEventId, SafetyLevel
from psoas.core.gates import HoldKind
from psoas.core.intake import parse_intake
from psoas.core.measures import parse_check_in, parse_measurement
from psoas.core.records import SavedOutcome
from psoas.core.session_records import Aftermath, Ratings
from psoas.core.timeline import SessionKind
from psoas.errors import SafetyStop
from psoas.services import care, gates, history, sessions, tracking
from psoas.store import Database, open_database
from psoas.store.tables import AssessmentRow
from tests.clocks import FakeClock
from tests.factories import EXAMPLES, intake, load_example_history

TODAY = date.today()
ANSWERS = intake(symptoms={"low_back_pain": 2}, tools=["pso_rite"])


def _answer(
    database: Database, document: dict[str, Any] = ANSWERS, *, now: bool = True
) -> SavedOutcome:
    """The person answers the safety questions (again): a new screen and plan.

    ``now``: given just now (the questionnaire, the web form), not a file run again.
    """
    parsed = parse_intake(document)
    assessment, plan = care.plan_of(parsed)
    return care.save_plan(
        database,
        person="me",
        intake=parsed,
        source="test",
        assessment=assessment,
        plan=plan,
        answered_now=now,
    )


def _log(database: Database, days_ago: int, **fields: Any) -> tracking.TrackingOutcome:
    day = (TODAY - timedelta(days=days_ago)).isoformat()
    # A day before the answers given today is a day before care began: confirmed.
    found = parse_check_in({"day": day, "backfill": days_ago > 0 or None, **fields})
    return tracking.record_check_ins(
        database, person="me", check_ins=[found], today=TODAY, source="test"
    )


def _start(database: Database, **options: Any) -> sessions.GuidedSession:
    return sessions.start(
        database,
        person="me",
        kind=SessionKind.SELF_RELEASE,
        minutes=10,
        clock=FakeClock(),
        **options,
    )


def _status(database: Database) -> Any:
    return gates.status(database, person="me", today=TODAY)


def test_a_two_to_nine_rise_on_day_three_pauses_release_until_a_new_screen(
    database: Database,
) -> None:
    _answer(database)
    _log(database, 2, low_back_pain=2)
    _log(database, 1, low_back_pain=3)
    assert _start(database).id  # release allowed before the rise
    outcome = _log(database, 0, low_back_pain=9)  # day 3: "too early" for progress, not for this
    assert outcome.paused and "9 out of 10" in outcome.paused[0]
    with pytest.raises(SafetyStop, match="9 out of 10"):
        _start(database)
    with pytest.raises(SafetyStop):
        sessions.clearance(database, person="me", kind=SessionKind.MANUAL_RELEASE)
    status = _status(database)
    assert status.paused and [hold.kind for hold in status.holds] == [HoldKind.PAIN]
    _answer(database)  # the person goes through the questions again
    assert _status(database).allowed
    assert _start(database).id


def test_a_rise_of_two_above_the_intake_pauses(database: Database) -> None:
    _answer(database)
    outcome = _log(database, 0, low_back_pain=4)
    assert "2 points above your starting level in your answers (2)" in outcome.paused[0]
    assert not _status(database).allowed


def test_a_rise_of_two_above_the_baseline_pauses(database: Database) -> None:
    _answer(database, intake(symptoms={"low_back_pain": 6}, tools=["pso_rite"]))
    for days_ago in range(20, 13, -1):
        _log(database, days_ago, low_back_pain=3)
    assert _status(database).allowed
    outcome = _log(database, 0, low_back_pain=5)
    assert "your average in your first week of tracking (3)" in outcome.paused[0]


def test_a_measurement_with_severe_hip_pain_pauses(database: Database) -> None:
    _answer(database)
    found = parse_measurement({"taken_on": TODAY.isoformat(), "hip_pain": 8})
    outcome = tracking.record_measurements(
        database, person="me", measurements=[found], today=TODAY, source="test"
    )
    assert "hip or groin pain was 8 out of 10" in outcome.paused[0]
    assert not _status(database).allowed


def test_an_imported_history_from_months_ago_does_not_pause(database: Database) -> None:
    _answer(database)
    outcome = _log(database, 60, low_back_pain=9)
    assert outcome.paused == [] and _status(database).allowed


def test_a_warning_sign_screens_again_and_that_does_not_lift_a_pain_pause(
    database: Database,
) -> None:
    _answer(database)
    _log(database, 0, low_back_pain=9)
    outcome = _log(database, 0, red_flags=["saddle_numbness"])
    assert outcome.rescreen is not None and outcome.rescreen.safety.level is SafetyLevel.URGENT
    kinds = {hold.kind for hold in _status(database).holds}
    assert kinds == {HoldKind.SCREEN, HoldKind.PAIN, HoldKind.WARNING_SIGN}


def test_no_move_to_maintenance_in_the_step_that_paused(database: Database) -> None:
    # The example history reaches maintenance on its last check-in; add a 9/10 to that batch.
    outcome = load_example_history(database, today=date(2026, 11, 16))
    assert outcome.plan_version == 2  # as a control: without the spike it moves
    # A person whose same improvement ends with a 9 does not move:
    other = "you"
    parsed = care.read_intake(EXAMPLES / "desk-worker.yaml")
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person=other, intake=parsed, source="t", assessment=assessment, plan=plan
    )
    answered = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)  # answered before the history began
    with database.transaction() as session:
        session.execute(update(AssessmentRow).values(created_at=answered))
    logs = tracking.read_check_ins(EXAMPLES / "history" / "check-ins.yaml")
    spiked = logs[:-1] + [logs[-1].model_copy(update={"low_back_pain": 9})]
    result = tracking.record_check_ins(
        database, person=other, check_ins=spiked, today=date(2026, 11, 16), source="t"
    )
    assert result.paused and result.plan_version is None
    rules = tracking.apply_progress_rules(database, person=other, today=date(2026, 11, 16))
    assert rules.plan_version is None and not rules.notes


def test_pain_of_eight_before_a_session_refuses_it_and_pauses(database: Database) -> None:
    _answer(database)
    with pytest.raises(SafetyStop, match="8 out of 10"):
        _start(database, before=Ratings(low_back_pain=8))
    assert sessions.list_sessions(database) == []
    with pytest.raises(SafetyStop):  # the pause was kept though the session was refused
        _start(database)


@pytest.mark.parametrize("event", list(AdverseEventId))
def test_each_adverse_event_is_kept_with_the_session_and_pauses_release(
    database: Database, event: AdverseEventId
) -> None:
    _answer(database)
    guided = _start(database)
    status = sessions.record_aftermath(
        database, session_id=guided.id, aftermath=Aftermath(adverse_events=[event]), today=TODAY
    )
    assert not status.allowed and [h.kind for h in status.holds] == [HoldKind.ADVERSE_EVENT]
    urgent = event in (AdverseEventId.PULSE_UNDER_TOOL, AdverseEventId.BLOOD_IN_URINE)
    assert status.urgent is urgent
    record = sessions.session_record(database, session_id=guided.id)
    assert record.adverse_events == [event]
    assert sessions.list_sessions(database)[0].adverse_events == [event]
    entries = history.history(database, person="me")
    assert any("problems reported" in entry.summary for entry in entries)
    assert any(entry.kind == "release_pause" for entry in entries)
    with pytest.raises(SafetyStop):
        _start(database)
    _answer(database)
    assert _status(database).allowed


def test_severe_pain_after_a_session_pauses(database: Database) -> None:
    _answer(database)
    guided = _start(database)
    status = sessions.record_aftermath(
        database,
        session_id=guided.id,
        aftermath=Aftermath(ratings=Ratings(hip_pain=9)),
        today=TODAY,
    )
    assert not status.allowed and status.holds[0].kind is HoldKind.PAIN


def test_a_session_without_problems_leaves_release_allowed(database: Database) -> None:
    _answer(database)
    guided = _start(database)
    status = sessions.record_aftermath(
        database, session_id=guided.id, aftermath=Aftermath(ratings=Ratings(low_back_pain=2))
    )
    assert status.allowed


def test_a_screen_older_than_twelve_weeks_must_be_confirmed(database: Database) -> None:
    _answer(database)
    long_ago = datetime.now(UTC) - timedelta(weeks=13)
    with database.transaction() as session:
        session.execute(update(AssessmentRow).values(created_at=long_ago))
    with pytest.raises(SafetyStop, match="more than 12 weeks ago"):
        _start(database)
    _answer(database)  # the same answers, confirmed today
    assert _start(database).id


def test_a_rule_added_later_applies_to_stored_answers_at_once(database: Database) -> None:
    """A screen stored by an older psoas said "allowed"; today's rules decide."""
    old = {
        "schema": "psoas.intake/1",
        "person": {"age": 74, "pregnant": False},
        "red_flags": {key: False for key in intake()["red_flags"] if len(key) < 40},
        "tools": ["pso_rite"],
    }
    _answer(database, intake(person={"age": 40}))  # a person and a stored plan
    with database.transaction() as session:
        from psoas.store import repository as repo

        person = repo.find_person(session, label="me")
        assert person is not None
        row, _ = repo.save_intake(session, person=person, document=old, source="old psoas")
        allowed = {"level": "clear", "self_release_allowed": True, "stretching_allowed": True}
        document = {"schema": "psoas.assessment/1", "safety": {**allowed, "unanswered": []}}
        repo.save_assessment(session, intake=row, document=document, safety_level="clear")
    with pytest.raises(SafetyStop):
        _start(database)
    current = care.latest_assessment(database, person="me")
    assert current is not None and not current.safety.self_release_allowed
    plan = tracking.current_plan(database, person="me")
    assert plan is not None
    assert not [item for item in plan.items if item.kind == "self_release"]


def test_the_same_old_file_run_again_does_not_lift_a_pause(database: Database) -> None:
    _answer(database, now=False)
    _log(database, 0, low_back_pain=9)
    again = _answer(database, now=False)  # psoas assess FILE with the unchanged file
    assert again.resubmitted
    assert [hold.kind for hold in _status(database).holds] == [HoldKind.PAIN]
    changed = intake(symptoms={"low_back_pain": 4}, tools=["pso_rite"])
    assert not _answer(database, changed, now=False).resubmitted  # the file says what changed
    assert _status(database).allowed


def test_the_newest_answers_count_even_when_sent_again_unchanged(database: Database) -> None:
    """A, then B, then A again: sessions and a warning sign's new screen start from A."""
    roller = intake(tools=["foam_roller"])
    rite = intake(tools=["pso_rite"])
    _answer(database, rite, now=False)
    _answer(database, roller, now=False)
    assert _answer(database, rite, now=False).resubmitted
    assert (
        sessions.clearance(database, person="me", kind=SessionKind.SELF_RELEASE).tool == "pso_rite"
    )
    outcome = _log(database, 0, red_flags=["inflammatory_back_pain"])
    assert outcome.rescreen is not None
    with database.reading() as session:
        from psoas.store import repository as repo

        person = repo.find_person(session, label="me")
        assert person is not None
        current = gates.current_screen(session, person)
        assert current is not None and current[2].tools == ["pso_rite"]
        assert current[2].red_flags.inflammatory_back_pain is True


def test_a_stale_file_cannot_hide_a_warning_sign_reported_since(database: Database) -> None:
    _answer(database, now=False)
    _log(database, 0, red_flags=["saddle_numbness"])
    _answer(database, now=False)  # the old answers, without the warning sign
    current = care.latest_assessment(database, person="me")
    assert current is not None and current.safety.level is SafetyLevel.URGENT
    assert not _status(database).allowed


def test_any_warning_sign_pauses_even_one_that_leaves_release_allowed(
    database: Database,
) -> None:
    _answer(database)
    outcome = _log(database, 0, red_flags=["inflammatory_back_pain"])
    assert outcome.rescreen is not None and outcome.rescreen.safety.self_release_allowed
    assert outcome.paused and "morning stiffness" in outcome.paused[0]
    assert [hold.kind for hold in _status(database).holds] == [HoldKind.WARNING_SIGN]
    _answer(database, intake(red_flags={"inflammatory_back_pain": True}, tools=["pso_rite"]))
    assert _status(database).allowed


def test_saying_something_changed_pauses_until_the_questions_are_answered(
    database: Database,
) -> None:
    _answer(database)
    gates.report_change(database, person="me", day=TODAY)
    assert [hold.kind for hold in _status(database).holds] == [HoldKind.SOMETHING_CHANGED]
    _answer(database)
    assert _status(database).allowed


def test_a_problem_reported_in_a_check_in_pauses(database: Database) -> None:
    _answer(database)
    outcome = _log(database, 1, adverse_events=["blood_in_urine"])
    assert outcome.paused and "see a doctor today" in outcome.paused[0]
    status = _status(database)
    assert status.urgent and status.holds[0].kind is HoldKind.ADVERSE_EVENT


def test_a_second_report_after_a_session_adds_and_never_erases(database: Database) -> None:
    _answer(database)
    guided = _start(database)
    first = Aftermath(adverse_events=[AdverseEventId.BRUISING])
    sessions.record_aftermath(database, session_id=guided.id, aftermath=first, today=TODAY)
    second = Aftermath(ratings=Ratings(low_back_pain=2))
    sessions.record_aftermath(database, session_id=guided.id, aftermath=second, today=TODAY)
    record = sessions.session_record(database, session_id=guided.id)
    assert record.adverse_events == [AdverseEventId.BRUISING]
    assert record.after is not None and record.after.low_back_pain == 2


def test_severe_pain_in_the_answers_does_not_lift_a_pain_pause(database: Database) -> None:
    _answer(database)
    _log(database, 0, low_back_pain=9)
    _answer(database, intake(symptoms={"low_back_pain": 9}, tools=["pso_rite"]))
    kinds = {hold.kind for hold in _status(database).holds}
    assert kinds == {HoldKind.SCREEN}  # the new screen itself keeps release off


def test_pain_before_a_session_that_has_risen_pauses(database: Database) -> None:
    _answer(database)  # the answers give low back pain 2
    with pytest.raises(SafetyStop, match="points above your starting level"):
        _start(database, before=Ratings(low_back_pain=4))


def test_reminders_leave_out_release_while_it_is_paused(database: Database) -> None:
    from psoas.services import reminders

    _answer(database)
    kinds = {item.kind for item in reminders.plan_to_remind(database, person="me").items}
    assert "self_release" in kinds
    _log(database, 0, low_back_pain=9)
    paused = reminders.plan_to_remind(database, person="me", today=TODAY)
    assert "self_release" not in {item.kind for item in paused.items}


# --- what a write of ratings reuses from the one before it --------------------------------


def test_a_baseline_changed_by_an_earlier_day_is_read_again(database: Database) -> None:
    """A write reuses the last write's pain references only while nothing they rest on moved."""
    _answer(database, intake(symptoms={"low_back_pain": 6}, tools=["pso_rite"]))
    _log(database, 20, low_back_pain=3)  # the first rating: the baseline's first day
    assert not _log(database, 1, low_back_pain=3).paused  # past the first days: kept for next
    _log(database, 19, low_back_pain=1)  # inside the first days: the baseline is now 2
    outcome = _log(database, 0, low_back_pain=4)
    assert outcome.paused and "your average in your first week of tracking (2)" in outcome.paused[0]


def test_new_answers_stored_by_another_process_count_for_the_next_check_in(
    database_url: str,
) -> None:
    here = open_database(database_url)
    elsewhere = open_database(database_url)  # another web worker, or `psoas intake`
    try:
        _answer(here, intake(symptoms={"low_back_pain": 6}, tools=["pso_rite"]))
        for days_ago in range(40, 33, -1):
            _log(here, days_ago, low_back_pain=3)
        assert not _log(here, 2, low_back_pain=4).paused  # 1 over the baseline, 2 under the answers
        _answer(elsewhere, intake(symptoms={"low_back_pain": 1}, tools=["pso_rite"]))
        outcome = _log(here, 0, low_back_pain=4)
        assert outcome.paused
        assert "3 points above your starting level in your answers (1)" in outcome.paused[0]
    finally:
        here.close()
        elsewhere.close()
