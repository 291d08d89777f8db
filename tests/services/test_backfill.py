"""Dates that cannot corrupt progress: a day long ago or before the first intake needs confirming.

On SQLite and PostgreSQL: refused without ``backfill: true`` (nothing stored), stored with it;
a future day is refused whatever is confirmed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import ThresholdId
from psoas.core.intake import parse_intake
from psoas.core.measures import parse_check_in, parse_measurement
from psoas.errors import InvalidDocument, UnconfirmedDay
from psoas.services import care, tracking
from psoas.store import Database
from psoas.store import repository as repo
from tests.factories import intake

TODAY = date.today()
"""The intake is stamped by the real clock, so the days here are counted from the real today."""


def answer(database: Database) -> None:
    parsed = parse_intake(intake())
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person="me", intake=parsed, source="test", assessment=assessment, plan=plan
    )


def log(database: Database, days_ago: int, **fields: Any) -> tracking.TrackingOutcome:
    day = (TODAY - timedelta(days=days_ago)).isoformat()
    found = parse_check_in({"day": day, "low_back_pain": 4, **fields})
    return tracking.record_check_ins(
        database, person="me", check_ins=[found], today=TODAY, source="check-in"
    )


def measure(database: Database, days_ago: int, **fields: Any) -> tracking.TrackingOutcome:
    day = (TODAY - timedelta(days=days_ago)).isoformat()
    found = parse_measurement({"taken_on": day, "hip_pain": 3, **fields})
    return tracking.record_measurements(
        database, person="me", measurements=[found], today=TODAY, source="measurement"
    )


def stored(database: Database) -> tuple[int, int]:
    with database.reading() as session:
        person = repo.find_person(session, label="me")
        if person is None:
            return (0, 0)
        return (
            len(repo.check_ins_of(session, person_id=person.id)),
            len(repo.measurements_of(session, person_id=person.id)),
        )


def test_the_window_is_the_knowledge_bases_sixty_days() -> None:
    assert load_knowledge_base().threshold(ThresholdId.BACKFILL_CONFIRM_DAYS) == 60


def test_a_day_more_than_sixty_days_back_needs_confirming(database: Database) -> None:
    with pytest.raises(UnconfirmedDay) as refused:
        log(database, 61)
    fields = [problem.field for problem in refused.value.problems]
    assert fields == ["day", "backfill"]
    assert "more than 60 days back" in refused.value.problems[0].problem
    assert refused.value.days == (TODAY - timedelta(days=61),)
    assert stored(database) == (0, 0)
    with pytest.raises(UnconfirmedDay, match="taken_on"):
        measure(database, 400)
    assert stored(database) == (0, 0)

    assert log(database, 61, backfill=True).recorded == 1
    assert measure(database, 400, backfill=True).recorded == 1
    assert log(database, 60).recorded == 1  # sixty days back is still within the window
    assert stored(database) == (2, 1)


def test_a_day_before_the_first_intake_needs_confirming(database: Database) -> None:
    assert log(database, 3).recorded == 1  # no intake yet: no start of care to be before
    answer(database)
    for record in (log, measure):
        with pytest.raises(UnconfirmedDay, match="before your first intake") as refused:
            record(database, 1)
        assert refused.value.problems[1].field == "backfill"
    assert stored(database) == (1, 0)
    assert log(database, 0).recorded == 1  # today: after the intake
    assert log(database, 1, backfill=True).recorded == 1
    assert measure(database, 1, backfill=True).recorded == 1
    assert stored(database) == (3, 1)


def test_one_unconfirmed_day_in_a_batch_stores_none_and_names_it(database: Database) -> None:
    batch = [
        parse_check_in({"day": (TODAY - timedelta(days=n)).isoformat(), "stress": 3})
        for n in (0, 5, 90)
    ]
    with pytest.raises(UnconfirmedDay) as refused:
        tracking.record_check_ins(
            database, person="me", check_ins=batch, today=TODAY, source="import.yaml"
        )
    assert refused.value.source == "import.yaml[2]"
    assert stored(database) == (0, 0)


def test_a_future_day_is_refused_even_when_confirmed(database: Database) -> None:
    with pytest.raises(InvalidDocument, match="in the future"):
        log(database, -1, backfill=True)
    with pytest.raises(InvalidDocument, match="in the future"):
        measure(database, -1, backfill=True)
    assert stored(database) == (0, 0)
