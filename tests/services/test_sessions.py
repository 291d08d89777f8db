"""Guided sessions through the services, on SQLite and PostgreSQL: safety, storage, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from psoas.content.vocabulary import SafetyLevel, ToolId
from psoas.core.intake import parse_intake
from psoas.core.session_records import Aftermath, Felt, Ratings, SessionStatus
from psoas.core.timeline import SessionKind
from psoas.errors import InvalidDocument, SafetyStop, StoreError, UnknownId
from psoas.services import care, sessions
from psoas.store import Database, open_database
from psoas.store.tables import SessionStepRow
from tests.clocks import FakeClock
from tests.factories import all_flags, intake

DESK = intake(
    lifestyle={"sitting_hours_per_day": 10},
    symptoms={"low_back_pain": 6},
    tools=["foam_roller", "pso_rite"],
)


def _screen(database: Database, document: dict[str, Any], person: str = "me") -> None:
    parsed = parse_intake(document)
    care.save_assessment(
        database,
        person=person,
        intake=parsed,
        source="test",
        assessment=care.assessment_of(parsed),
    )


def _start(database: Database, clock: FakeClock, **options: Any) -> sessions.GuidedSession:
    settings: dict[str, Any] = {"person": "me", "kind": SessionKind.SELF_RELEASE, "minutes": 10}
    settings.update(options)
    return sessions.start(database, clock=clock, **settings)


def _step_rows(database: Database, session_id: int) -> tuple[int, int]:
    """How many step rows a session has, and how many distinct steps they cover."""
    with database.transaction() as session:
        query = select(func.count(), func.count(func.distinct(SessionStepRow.step_index)))
        rows, steps = session.execute(query.where(SessionStepRow.session_id == session_id)).one()
    return rows, steps


def test_no_session_without_a_safety_screen(database: Database) -> None:
    with pytest.raises(SafetyStop, match="needs your answers to the safety questions first"):
        _start(database, FakeClock())
    assert sessions.list_sessions(database) == []


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        (intake(red_flags=all_flags(fever_or_infection=True)), "rules out steady pressure"),
        (intake(person={"pregnant": True}), "rules out steady pressure on the belly"),
        (intake(red_flags={"hernia": None}), "left questions unanswered"),
        (intake(person={"age": 70}), "main artery in the belly"),
        (
            intake(
                history={"recent_surgery": True, "surgeries": [{"region": "hip", "weeks_ago": 4}]}
            ),
            "hip is still healing",
        ),
    ],
)
def test_a_screen_that_rules_out_release_stops_the_session(
    database: Database, answers: dict[str, Any], words: str
) -> None:
    _screen(database, {**answers, "tools": ["pso_rite"]})
    for kind in SessionKind:
        with pytest.raises(SafetyStop, match=words.replace("(", r"\(").replace(")", r"\)")):
            _start(database, FakeClock(), kind=kind)
    assert sessions.list_sessions(database) == []


def test_the_newest_screen_is_the_one_that_counts(database: Database) -> None:
    _screen(database, DESK)
    _screen(database, intake(red_flags=all_flags(recent_trauma=True), tools=["pso_rite"]))
    with pytest.raises(SafetyStop):
        _start(database, FakeClock())


def test_a_caution_that_allows_release_goes_ahead_with_its_caution(database: Database) -> None:
    _screen(database, {**DESK, "conditions": {**DESK["conditions"], "reduced_sensation": True}})
    found = sessions.clearance(database, person="me", kind=SessionKind.SELF_RELEASE)
    assert found.level is SafetyLevel.CAUTION
    assert [reason.flag for reason in found.cautions] == ["reduced_sensation"]
    assert _start(database, FakeClock()).timeline.steps


def test_the_tool_comes_from_the_intake_unless_one_is_named(database: Database) -> None:
    _screen(database, DESK)
    clock = FakeClock()
    assert _start(database, clock).timeline.tool is ToolId.PSO_RITE  # the most specific owned
    named = _start(database, clock, tool=ToolId.MASSAGE_BALL)
    assert named.timeline.tool is ToolId.MASSAGE_BALL
    manual = _start(database, clock, kind=SessionKind.MANUAL_RELEASE, tool=ToolId.PSO_RITE)
    assert manual.timeline.tool is None


def test_someone_without_a_tool_is_asked_to_name_one(database: Database) -> None:
    _screen(database, {**DESK, "tools": ["none"]})
    with pytest.raises(InvalidDocument) as raised:
        _start(database, FakeClock())
    assert raised.value.problems[0].field == "tool"
    assert sessions.list_sessions(database) == []
    assert _start(database, FakeClock(), kind=SessionKind.MANUAL_RELEASE).timeline.tool is None


def test_a_whole_session_is_stored_step_by_step(database: Database) -> None:
    _screen(database, DESK)
    before = Ratings(low_back_pain=6, stress=7)
    guided = _start(database, FakeClock(), before=before)
    assert guided.run() is SessionStatus.COMPLETED
    record = sessions.session_record(database, session_id=guided.id)
    assert record.status is SessionStatus.COMPLETED and record.finished_at is not None
    assert record.before == before and record.after is None
    assert [s.spent_seconds for s in record.steps] == [s.duration for s in guided.timeline.steps]
    assert all(
        step.outcome is not None and step.outcome.value == "completed" for step in record.steps
    )
    assert record.spent_seconds == 600
    assert _step_rows(database, guided.id) == (15, 15)

    after = Aftermath(ratings=Ratings(low_back_pain=3, stress=4), felt=[Felt.DEEP_ACHE])
    sessions.record_aftermath(database, session_id=guided.id, aftermath=after)
    record = sessions.session_record(database, session_id=guided.id)
    assert record.change() == {"low_back_pain": -3, "stress": -3}
    assert record.felt == [Felt.DEEP_ACHE]


def test_a_stopped_session_resumes_where_it_was_without_duplicate_rows(
    database: Database,
) -> None:
    _screen(database, DESK)
    clock = FakeClock(0.0)
    first = _start(database, clock)
    hold = next(i for i, s in enumerate(first.timeline.steps) if s.placement == 2)
    stop_at = first.timeline.steps[hold].start + 33.0
    clock.at(stop_at, first.stop)
    assert first.run() is SessionStatus.IN_PROGRESS

    stored = sessions.session_record(database, session_id=first.id)
    assert (stored.status, stored.step_index, stored.step_elapsed) == (
        SessionStatus.IN_PROGRESS,
        hold,
        33.0,
    )
    assert _step_rows(database, first.id) == (hold + 1, hold + 1)
    assert sessions.list_sessions(database)[0].steps_done == hold

    again = sessions.resume(database, person="me", clock=FakeClock(0.0))
    assert again.id == first.id
    assert again.snapshot().step_index == hold and again.snapshot().step_elapsed == 33.0
    assert again.run() is SessionStatus.COMPLETED
    record = sessions.session_record(database, session_id=first.id)
    assert record.status is SessionStatus.COMPLETED
    assert [s.spent_seconds for s in record.steps] == [s.duration for s in first.timeline.steps]
    assert _step_rows(database, first.id) == (15, 15)

    with pytest.raises(InvalidDocument, match="already complete"):
        sessions.resume(database, person="me", clock=FakeClock(), session_id=first.id)
    with pytest.raises(InvalidDocument, match="no unfinished session"):
        sessions.resume(database, person="me", clock=FakeClock())


def test_resuming_checks_the_screen_again(database: Database) -> None:
    _screen(database, DESK)
    clock = FakeClock(0.0)
    first = _start(database, clock)
    clock.at(100.0, first.stop)
    first.run()
    _screen(database, {**DESK, "red_flags": all_flags(night_pain_at_rest=True)})
    with pytest.raises(SafetyStop):
        sessions.resume(database, person="me", clock=FakeClock())


def test_lists_and_lookups(database: Database) -> None:
    _screen(database, DESK)
    _screen(database, DESK, person="ana")
    _start(database, FakeClock()).run()
    _start(database, FakeClock(), person="ana").run()
    assert [s.person for s in sessions.list_sessions(database)] == ["me", "ana"]
    assert [s.person for s in sessions.list_sessions(database, person="ana")] == ["ana"]
    with pytest.raises(UnknownId):
        sessions.list_sessions(database, person="nobody")
    with pytest.raises(UnknownId, match="session: no entry with id '99'"):
        sessions.session_record(database, session_id=99)


def test_a_store_failure_mid_session_keeps_guiding_and_is_reported_at_the_end(
    tmp_path: Path,
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'breaks.sqlite3'}")
    _screen(database, DESK)
    clock = FakeClock(0.0)
    guided = _start(database, clock)
    events: list[str] = []
    guided.subscribe(lambda event: events.append(event.kind.value))

    def break_the_store() -> None:
        with database.engine.begin() as connection:
            connection.execute(text("DROP TABLE session_steps"))

    clock.at(200.0, break_the_store)
    with pytest.raises(StoreError, match="could not use"):
        guided.run()
    assert events[-1] == "session_finished", "the person was guided to the end"
    database.close()
