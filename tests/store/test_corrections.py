"""Correct, delete, undo on both backends: append-only, scoped to the person, nothing lost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from psoas.content.vocabulary import MetricId
from psoas.core.intake import parse_intake
from psoas.core.measures import parse_check_in, parse_measurement
from psoas.core.records import ChangeAction, RecordKind
from psoas.errors import ConflictsWithRecord, InputError, UnknownId
from psoas.services import care, corrections, gates, tracking
from psoas.store import Database
from psoas.store import repository as repo
from psoas.store.tables import CheckInRow, RecordChangeRow
from tests.factories import intake
from tests.store.test_concurrency import _all_at_once

TODAY = date.today()  # the gates count ratings from the day of the screen (today)
NONE_LISTED: dict[str, list[str]] = {"done": [], "red_flags": [], "adverse_events": []}


def _log(database: Database, day: date, person: str = "me", **values: object) -> int:
    check_in = parse_check_in({"day": day.isoformat(), **values})
    tracking.record_check_ins(
        database, person=person, check_ins=[check_in], today=TODAY, source="t"
    )
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        assert person_row is not None
        found = repo.check_in_of_day(session, person_id=person_row.id, day=day)
        assert found is not None
        return found.id


def _check_ins(database: Database, person: str = "me") -> dict[str, dict[str, object]]:
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        assert person_row is not None
        return {
            row.day.isoformat(): row.document
            for row in repo.check_ins_of(session, person_id=person_row.id)
        }


def _two_weeks(database: Database, pain: int = 6) -> list[int]:
    start = TODAY - timedelta(days=27)
    return [_log(database, start + timedelta(days=n), low_back_pain=pain) for n in range(28)]


def test_a_correction_keeps_the_replaced_version_with_when_and_why(database: Database) -> None:
    check_in = _log(database, TODAY, low_back_pain=7, stress=5)
    outcome = corrections.correct(
        database,
        person="me",
        kind=RecordKind.CHECK_IN,
        record_id=check_in,
        changes={"low_back_pain": 3, "stress": None},
        reason="  typed 7 for 3 ",
        today=TODAY,
    )
    assert outcome.record is not None and outcome.record["low_back_pain"] == 3
    assert _check_ins(database)[TODAY.isoformat()] == {
        "schema": "psoas.checkin/1",
        "day": TODAY.isoformat(),
        "low_back_pain": 3,
        **NONE_LISTED,
    }
    (change,) = corrections.trail(database, person="me")
    assert change.action is ChangeAction.CORRECTED
    assert (change.kind, change.record_id, change.reason) == (
        RecordKind.CHECK_IN,
        check_in,
        "typed 7 for 3",
    )
    assert change.replaced["low_back_pain"] == 7 and change.replaced["stress"] == 5
    assert change.result is not None and change.result["low_back_pain"] == 3


def test_progress_uses_the_current_version_only(database: Database) -> None:
    ids = _two_weeks(database, pain=6)
    before = tracking.progress(database, person="me", today=TODAY).metric(MetricId.LOW_BACK_PAIN)
    assert before is not None and before.current.mean == 6
    for record_id in ids[-7:]:
        corrections.correct(
            database,
            person="me",
            kind=RecordKind.CHECK_IN,
            record_id=record_id,
            changes={"low_back_pain": 2},
            reason=None,
            today=TODAY,
        )
    corrected = tracking.progress(database, person="me", today=TODAY)
    metric = corrected.metric(MetricId.LOW_BACK_PAIN)
    assert metric is not None and metric.current.mean == 2 and metric.change == -4
    for record_id in ids[:7]:  # the first week: the baseline comes from the next days
        corrections.delete(
            database,
            person="me",
            kind=RecordKind.CHECK_IN,
            record_id=record_id,
            reason=None,
            today=TODAY,
        )
    later = tracking.progress(database, person="me", today=TODAY).metric(MetricId.LOW_BACK_PAIN)
    assert later is not None and later.baseline.start == TODAY - timedelta(days=20)
    assert all(point.day >= TODAY - timedelta(days=20) for point in later.points)


def test_a_deleted_measurement_leaves_the_pain_references(database: Database) -> None:
    measurement = parse_measurement({"taken_on": TODAY.isoformat(), "hip_pain": 9})
    tracking.record_measurements(
        database, person="me", measurements=[measurement], today=TODAY, source="t"
    )
    with database.reading() as session:
        person_row = repo.find_person(session, label="me")
        assert person_row is not None
        (row,) = repo.measurements_of(session, person_id=person_row.id)
        assert gates.pain_references(session, person_row).baseline
    corrections.delete(
        database,
        person="me",
        kind=RecordKind.MEASUREMENT,
        record_id=row.id,
        reason=None,
        today=TODAY,
    )
    with database.reading() as session:
        assert repo.measurements_of(session, person_id=person_row.id) == []
        assert not gates.pain_references(session, person_row).baseline


def test_deleting_never_touches_another_person(database: Database) -> None:
    mine = _log(database, TODAY, low_back_pain=4)
    theirs = _log(database, TODAY, person="ana", low_back_pain=5)
    for record_id in (theirs, 999_999):
        with pytest.raises(UnknownId, match=f"check-in: no entry with id '{record_id}'"):
            corrections.delete(
                database,
                person="me",
                kind=RecordKind.CHECK_IN,
                record_id=record_id,
                reason=None,
                today=TODAY,
            )
        with pytest.raises(UnknownId):
            corrections.correct(
                database,
                person="me",
                kind=RecordKind.CHECK_IN,
                record_id=record_id,
                changes={"low_back_pain": 1},
                reason=None,
                today=TODAY,
            )
    corrections.delete(
        database, person="me", kind=RecordKind.CHECK_IN, record_id=mine, reason=None, today=TODAY
    )
    assert _check_ins(database) == {}
    assert _check_ins(database, "ana")[TODAY.isoformat()]["low_back_pain"] == 5
    assert corrections.trail(database, person="ana") == []
    with pytest.raises(InputError, match="no correction or deletion to undo"):
        corrections.undo(database, person="ana", today=TODAY)


def test_undo_restores_exactly_what_was_there(database: Database) -> None:
    first = _log(database, TODAY - timedelta(days=1), low_back_pain=4, stress=6, sitting_hours=8)
    second = _log(database, TODAY, hip_pain=2)
    original = _check_ins(database)
    corrections.correct(
        database,
        person="me",
        kind=RecordKind.CHECK_IN,
        record_id=first,
        changes={"low_back_pain": 1, "sitting_hours": None},
        reason="wrong day's numbers",
        today=TODAY,
    )
    corrections.delete(
        database, person="me", kind=RecordKind.CHECK_IN, record_id=second, reason=None, today=TODAY
    )
    assert list(_check_ins(database)) == [(TODAY - timedelta(days=1)).isoformat()]
    undone = corrections.undo(database, person="me", today=TODAY)
    assert (undone.record_id, undone.undid) == (second, ChangeAction.DELETED)
    undone = corrections.undo(database, person="me", today=TODAY)
    assert (undone.record_id, undone.undid) == (first, ChangeAction.CORRECTED)
    assert _check_ins(database) == original
    with pytest.raises(InputError, match="no correction or deletion to undo"):
        corrections.undo(database, person="me", today=TODAY)
    actions = [change.action for change in corrections.trail(database, person="me")]
    assert actions == [ChangeAction.CORRECTED, ChangeAction.DELETED] + [ChangeAction.RESTORED] * 2


def test_a_deleted_day_logged_again_starts_afresh_and_its_deletion_is_not_undone(
    database: Database,
) -> None:
    day = _log(database, TODAY, low_back_pain=7, stress=8)
    corrections.delete(
        database, person="me", kind=RecordKind.CHECK_IN, record_id=day, reason=None, today=TODAY
    )
    again = _log(database, TODAY, hip_pain=1)
    assert again == day  # the day's row, taken back
    assert _check_ins(database)[TODAY.isoformat()] == {
        "schema": "psoas.checkin/1",
        "day": TODAY.isoformat(),
        "hip_pain": 1,
        **NONE_LISTED,
    }
    with pytest.raises(ConflictsWithRecord, match="cannot be undone"):
        corrections.undo(database, person="me", today=TODAY)
    assert _check_ins(database)[TODAY.isoformat()]["hip_pain"] == 1
    (deleted,) = corrections.trail(database, person="me")
    assert deleted.replaced["stress"] == 8  # the deleted answers are kept


def test_concurrent_corrections_of_one_record_lose_nothing_acknowledged(
    database: Database,
) -> None:
    record_id = _log(database, TODAY, low_back_pain=0)
    writers = 10

    def correct(n: int) -> int:
        return corrections.correct(
            database,
            person="me",
            kind=RecordKind.CHECK_IN,
            record_id=record_id,
            changes={"low_back_pain": n + 1},
            reason=f"writer {n}",
            today=TODAY,
        ).change_id

    acknowledged = _all_at_once(writers, correct)
    trail = corrections.trail(database, person="me")
    assert sorted(change.id for change in trail) == sorted(acknowledged)
    # Each change replaced exactly what the one before it left: none was overtaken.
    assert trail[0].replaced["low_back_pain"] == 0
    for earlier, later in zip(trail, trail[1:], strict=False):
        assert later.replaced == earlier.result
    assert _check_ins(database)[TODAY.isoformat()] == trail[-1].result
    with database.reading() as session:
        assert len(session.scalars(select(RecordChangeRow)).all()) == writers
        assert len(session.scalars(select(CheckInRow)).all()) == 1


def _screened(database: Database, **red_flags: bool) -> None:
    parsed = parse_intake(intake(red_flags=red_flags) if red_flags else intake())
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person="me", intake=parsed, source="t", assessment=assessment, plan=plan
    )


def _release(database: Database) -> bool:
    return gates.status(database, person="me", today=TODAY).allowed


def test_withdrawing_a_wrong_warning_sign_allows_release_again(database: Database) -> None:
    _screened(database)
    assert _release(database)
    wrong = _log(database, TODAY, red_flags=["saddle_numbness"])
    assert not _release(database)
    outcome = corrections.correct(
        database,
        person="me",
        kind=RecordKind.CHECK_IN,
        record_id=wrong,
        changes={"red_flags": []},
        reason="ticked the wrong box",
        today=TODAY,
    )
    assert outcome.withdrawn == ["saddle_numbness"] and outcome.release_allowed is True
    assert _release(database)
    corrections.undo(database, person="me", today=TODAY)  # the sign is reported again
    assert not _release(database)


def test_withdrawing_a_sign_another_check_in_still_reports_keeps_release_off(
    database: Database,
) -> None:
    _screened(database)
    _log(database, TODAY - timedelta(days=1), red_flags=["saddle_numbness"], backfill=True)
    wrong = _log(database, TODAY, red_flags=["saddle_numbness"])
    corrections.delete(
        database, person="me", kind=RecordKind.CHECK_IN, record_id=wrong, reason=None, today=TODAY
    )
    status = gates.status(database, person="me", today=TODAY)
    assert not status.allowed
    # Both the screen and the other check-in's pause still hold it.
    assert {hold.kind.value for hold in status.holds} == {"screen", "warning_sign"}


def test_withdrawing_a_sign_the_answers_hold_keeps_release_off(database: Database) -> None:
    _screened(database, fever_or_infection=True)
    assert not _release(database)
    wrong = _log(database, TODAY, red_flags=["fever_or_infection"])
    outcome = corrections.correct(
        database,
        person="me",
        kind=RecordKind.CHECK_IN,
        record_id=wrong,
        changes={"red_flags": []},
        reason=None,
        today=TODAY,
    )
    assert outcome.release_allowed is False and not _release(database)


def test_a_withdrawal_lifts_no_other_pause(database: Database) -> None:
    _screened(database)
    wrong = _log(database, TODAY, low_back_pain=9, red_flags=["saddle_numbness"])
    corrections.correct(
        database,
        person="me",
        kind=RecordKind.CHECK_IN,
        record_id=wrong,
        changes={"red_flags": [], "low_back_pain": 2},
        reason=None,
        today=TODAY,
    )
    status = gates.status(database, person="me", today=TODAY)
    assert not status.allowed and [hold.kind.value for hold in status.holds] == ["pain"]


def test_a_measurement_moved_onto_a_day_the_gate_reads_pauses_as_a_new_one(
    database: Database,
) -> None:
    """A rating dated before the screen is not read by the gate; moved after it, it is."""
    _screened(database)
    early = parse_measurement(
        {"taken_on": (TODAY - timedelta(days=10)).isoformat(), "hip_pain": 9, "backfill": True}
    )
    tracking.record_measurements(
        database, person="me", measurements=[early], today=TODAY, source="t"
    )
    assert _release(database)
    with database.reading() as session:
        person_row = repo.find_person(session, label="me")
        assert person_row is not None
        (row,) = repo.measurements_of(session, person_id=person_row.id)
    outcome = corrections.correct(
        database,
        person="me",
        kind=RecordKind.MEASUREMENT,
        record_id=row.id,
        changes={"taken_on": TODAY.isoformat()},
        reason="wrong day",
        today=TODAY,
    )
    assert outcome.paused and not _release(database)


def test_a_corrected_rating_is_compared_with_the_baseline_before_it(database: Database) -> None:
    """Correcting 2 to 5 pauses as logging 5 would: the 5 is not part of its own baseline."""
    parsed = parse_intake(intake(symptoms={"low_back_pain": 6}))  # 5 is not above the intake's
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person="me", intake=parsed, source="t", assessment=assessment, plan=plan
    )
    _log(database, TODAY - timedelta(days=1), low_back_pain=2, backfill=True)
    today = _log(database, TODAY, low_back_pain=2)
    assert _release(database)
    outcome = corrections.correct(
        database,
        person="me",
        kind=RecordKind.CHECK_IN,
        record_id=today,
        changes={"low_back_pain": 5},
        reason=None,
        today=TODAY,
    )
    assert outcome.paused and not _release(database)


def test_a_problem_reported_at_the_end_of_a_deleted_session_still_pauses_release(
    database: Database,
) -> None:
    """Deleted while it ran, the session's ending may still report a pulse under the tool."""
    from psoas.content.vocabulary import AdverseEventId, ToolId
    from psoas.core.session_records import Aftermath
    from psoas.core.timeline import SessionKind
    from psoas.services import sessions
    from tests.clocks import FakeClock

    _screened(database)
    started = sessions.start(
        database,
        person="me",
        kind=SessionKind.SELF_RELEASE,
        minutes=10,
        clock=FakeClock(),
        tool=ToolId.FOAM_ROLLER,
    )
    corrections.delete(
        database,
        person="me",
        kind=RecordKind.SESSION,
        record_id=started.id,
        reason=None,
        today=TODAY,
    )
    assert _release(database)
    status = sessions.record_aftermath(
        database,
        session_id=started.id,
        aftermath=Aftermath(adverse_events=[AdverseEventId.PULSE_UNDER_TOOL]),
        today=TODAY,
    )
    assert not status.allowed and not _release(database)
    assert sessions.list_sessions(database, person="me") == []  # still deleted
