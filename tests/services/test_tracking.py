"""Recording measures and check-ins on SQLite and PostgreSQL, and the rules that adapt the plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from psoas.content.vocabulary import MetricId, SafetyLevel
from psoas.core.measures import parse_check_in, parse_measurement
from psoas.core.planning import ProgramPhase
from psoas.core.progress import RecommendationKind
from psoas.core.session_records import Aftermath, Ratings, SessionStatus
from psoas.core.timeline import SessionKind
from psoas.errors import InvalidDocument, SafetyStop, UnknownId
from psoas.services import care, sessions, tracking
from psoas.store import Database, open_database
from psoas.store import repository as repo
from tests.clocks import FakeClock
from tests.conftest import EXAMPLES
from tests.factories import load_example_history

TODAY = date(2026, 11, 16)


def save_desk_worker_plan(database: Database) -> None:
    intake = care.read_intake(EXAMPLES / "desk-worker.yaml")
    assessment, plan = care.plan_of(intake)
    care.save_plan(
        database, person="me", intake=intake, source="desk", assessment=assessment, plan=plan
    )


def stored_counts(database: Database) -> tuple[int, int, int]:
    with database.transaction() as session:
        person = repo.find_person(session, label="me")
        if person is None:
            return (0, 0, 0)
        return (
            len(repo.measurements_of(session, person_id=person.id)),
            len(repo.check_ins_of(session, person_id=person.id)),
            len(repo.plans_of(session, person_id=person.id)),
        )


def test_the_example_history_improves_and_moves_the_plan_to_maintenance(
    database: Database,
) -> None:
    outcome = load_example_history(database, today=TODAY)
    assert stored_counts(database) == (3, 53, 2)
    assert outcome.plan_version == 2
    assert "maintenance" in outcome.notes[0]
    plan = tracking.current_plan(database, person="me")
    assert plan is not None and plan.phase is ProgramPhase.MAINTENANCE
    release = next(item for item in plan.items if item.kind == "self_release")
    assert release.schedule.times_per_week == 1 and "maintenance" in release.why

    found = tracking.progress(database, person="me", today=TODAY)
    pain = found.metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None and pain.verdict == "improved"
    assert pain.baseline.mean == 6.0
    assert found.metric(MetricId.PSFS).change == 3.0  # type: ignore[union-attr]
    assert 0.7 < (found.adherence_overall or 0) < 0.9
    # Once in maintenance, the rule does not fire again.
    assert found.recommendations == []


def test_since_trims_what_is_listed_but_not_the_baseline(database: Database) -> None:
    load_example_history(database, today=TODAY)
    since = date(2026, 11, 1)
    found = tracking.progress(database, person="me", today=TODAY, since=since)
    pain = found.metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None and pain.baseline.mean == 6.0
    assert min(point.day for point in pain.points) >= since
    assert all(week.week_start + timedelta(days=6) >= since for week in found.adherence)


def test_a_second_check_in_of_the_day_adds_to_the_first(database: Database) -> None:
    save_desk_worker_plan(database)
    first = parse_check_in({"day": "2026-11-16", "low_back_pain": 4, "done": ["walking"]})
    second = parse_check_in({"day": "2026-11-16", "stress": 3, "done": ["dead_bug", "walking"]})
    tracking.record_check_ins(database, person="me", check_ins=[first], today=TODAY, source="a")
    outcome = tracking.record_check_ins(
        database, person="me", check_ins=[second], today=TODAY, source="b"
    )
    assert outcome.merged == 1
    with database.transaction() as session:
        person = repo.find_person(session, label="me")
        assert person is not None
        (row,) = repo.check_ins_of(session, person_id=person.id)
        assert row.document["low_back_pain"] == 4 and row.document["stress"] == 3
        assert row.document["done"] == ["walking", "dead_bug"]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"day": "2026-11-17", "low_back_pain": 3}, "day"),
        ({"day": "2026-11-16", "done": ["walking", "cartwheels"]}, "done.1"),
    ],
)
def test_a_refused_check_in_names_the_field_and_stores_nothing(
    database: Database, document: dict[str, object], field: str
) -> None:
    save_desk_worker_plan(database)
    before = stored_counts(database)
    with pytest.raises(InvalidDocument) as raised:
        tracking.record_check_ins(
            database, person="me", check_ins=[parse_check_in(document)], today=TODAY, source="cli"
        )
    assert raised.value.problems[0].field == field
    assert stored_counts(database) == before


def test_a_future_measurement_is_refused(database: Database) -> None:
    measurement = parse_measurement({"taken_on": "2027-11-16", "low_back_pain": 3})
    with pytest.raises(InvalidDocument, match="taken_on: is in the future"):
        tracking.record_measurements(
            database, person="me", measurements=[measurement], today=TODAY, source="cli"
        )
    assert stored_counts(database) == (0, 0, 0)


def test_a_new_warning_sign_screens_again_and_stops_release(database: Database) -> None:
    save_desk_worker_plan(database)
    assert sessions.clearance(database, person="me", kind=SessionKind.SELF_RELEASE)
    flagged = parse_check_in({"day": "2026-11-16", "red_flags": ["progressive_leg_weakness"]})
    outcome = tracking.record_check_ins(
        database, person="me", check_ins=[flagged], today=TODAY, source="cli"
    )
    assert outcome.rescreen is not None
    assert outcome.rescreen.safety.level is SafetyLevel.URGENT
    found = tracking.progress(database, person="me", today=TODAY)
    assert found.recommendations[0].kind is RecommendationKind.RESCREEN
    # The new screen is the one that counts: no release session can start now.
    with pytest.raises(SafetyStop, match="Get medical care today"):
        sessions.clearance(database, person="me", kind=SessionKind.SELF_RELEASE)
    plan = tracking.current_plan(database, person="me")
    assert plan is not None and [item.technique for item in plan.items] == ["seek_care_now"]


def test_a_warning_sign_without_any_screen_says_so(database: Database) -> None:
    flagged = parse_check_in({"day": "2026-11-16", "red_flags": ["saddle_numbness"]})
    outcome = tracking.record_check_ins(
        database, person="me", check_ins=[flagged], today=TODAY, source="cli"
    )
    assert outcome.rescreen is None and outcome.rescreen_impossible


def test_pain_rising_two_points_asks_for_a_new_screen(database: Database) -> None:
    save_desk_worker_plan(database)
    for day, pain in (("2026-10-01", 3), ("2026-10-20", 5)):
        tracking.record_check_ins(
            database,
            person="me",
            check_ins=[parse_check_in({"day": day, "low_back_pain": pain})],
            today=TODAY,
            source="cli",
        )
    kinds = [r.kind for r in tracking.progress(database, person="me", today=TODAY).recommendations]
    # Up by 2 asks for a new screen; no improvement after 6 weeks adds a clinician.
    assert kinds == [RecommendationKind.RESCREEN, RecommendationKind.SEE_CLINICIAN]


def test_progress_of_an_unknown_person_suggests_a_name(database: Database) -> None:
    save_desk_worker_plan(database)
    with pytest.raises(UnknownId, match="person: no entry with id 'mee'; did you mean 'me'"):
        tracking.progress(database, person="mee", today=TODAY)


def test_a_batch_with_one_bad_check_in_stores_none_of_it(database: Database) -> None:
    save_desk_worker_plan(database)
    batch = [
        parse_check_in({"day": "2026-11-10", "low_back_pain": 4}),
        parse_check_in({"day": "2026-11-11", "done": ["walking", "juggling"]}),
    ]
    with pytest.raises(InvalidDocument) as raised:
        tracking.record_check_ins(
            database, person="me", check_ins=batch, today=TODAY, source="log.yaml"
        )
    assert raised.value.source == "log.yaml[1]"
    assert raised.value.problems[0].field == "done.1"
    assert stored_counts(database) == (0, 0, 1)


def test_a_finished_session_counts_as_release_done_and_gives_its_effect(
    database: Database,
) -> None:
    save_desk_worker_plan(database)
    guided = sessions.start(
        database,
        clock=FakeClock(),
        person="me",
        kind=SessionKind.SELF_RELEASE,
        minutes=10,
        before=Ratings(low_back_pain=6, stress=7),
    )
    assert guided.run() is SessionStatus.COMPLETED
    guided.keep_aftermath(Aftermath(ratings=Ratings(low_back_pain=4, stress=7)))
    today = date.today()
    found = tracking.progress(database, person="me", today=today)
    (effect,) = found.session_effects.sessions
    assert effect.session_id == guided.id and effect.day == today
    assert (effect.before, effect.after) == (
        {"low_back_pain": 6, "stress": 7},
        {"low_back_pain": 4, "stress": 7},
    )
    assert found.session_effects.mean_change == {"low_back_pain": -2.0, "stress": 0.0}
    # The guided session is the plan's release done today: one day of streak.
    assert found.streaks.current == 1
    assert found.adherence[-1].done == 1


def test_progress_is_computed_afresh_whenever_a_record_changes(database: Database) -> None:
    save_desk_worker_plan(database)

    def log(document: dict[str, object]) -> None:
        tracking.record_check_ins(
            database, person="me", check_ins=[parse_check_in(document)], today=TODAY, source="t"
        )

    log({"day": "2026-11-15", "low_back_pain": 4})
    first = tracking.progress(database, person="me", today=TODAY)
    assert tracking.progress(database, person="me", today=TODAY) is first  # unchanged: reused
    log({"day": "2026-11-15", "low_back_pain": 6})  # same day: merged, nothing counted anew
    merged = tracking.progress(database, person="me", today=TODAY)
    assert merged.metric(MetricId.LOW_BACK_PAIN).current.mean == 6.0  # type: ignore[union-attr]
    log({"day": "2026-11-16", "low_back_pain": 2})
    latest = tracking.progress(database, person="me", today=TODAY)
    assert len(latest.metric(MetricId.LOW_BACK_PAIN).points) == 2  # type: ignore[union-attr]


def test_a_write_from_another_process_is_seen_once_the_version_is_read_again(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracking, "VERSION_TRUSTED_FOR", 3600.0)  # no clock in this test
    here, elsewhere = open_database(database_url), open_database(database_url)
    try:
        save_desk_worker_plan(here)
        logged = parse_check_in({"day": "2026-11-15", "low_back_pain": 4})
        tracking.record_check_ins(here, person="me", check_ins=[logged], today=TODAY, source="t")
        seen = tracking.progress(here, person="me", today=TODAY)
        later = parse_check_in({"day": "2026-11-16", "low_back_pain": 2})
        tracking.record_check_ins(
            elsewhere, person="me", check_ins=[later], today=TODAY, source="t"
        )
        # While the reading is trusted, the other process's check-in is not looked for...
        assert tracking.progress(here, person="me", today=TODAY) is seen
        # ...and once the version is read again, it is there.
        monkeypatch.setattr(tracking, "VERSION_TRUSTED_FOR", 0.0)
        fresh = tracking.progress(here, person="me", today=TODAY)
        assert len(fresh.metric(MetricId.LOW_BACK_PAIN).points) == 2  # type: ignore[union-attr]
    finally:
        here.close()
        elsewhere.close()


def test_progress_from_a_day_after_today_is_refused_naming_since(database: Database) -> None:
    with pytest.raises(InvalidDocument) as refused:
        tracking.progress(database, person="me", today=TODAY, since=TODAY + timedelta(days=1))
    assert [problem.field for problem in refused.value.problems] == ["since"]
    with pytest.raises(InvalidDocument):
        tracking.progress_json(database, person="me", today=TODAY, since=TODAY + timedelta(days=1))
