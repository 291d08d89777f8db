"""Input bounds through the services, on SQLite and PostgreSQL: refused, named, nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from psoas.errors import InvalidDocument
from psoas.services import tracking
from psoas.store import Database
from psoas.store import repository as repo

TODAY = date(2026, 11, 16)


def stored(database: Database) -> tuple[int, int]:
    with database.reading() as session:
        person = repo.find_person(session, label="me")
        if person is None:
            return (0, 0)
        return (
            len(repo.measurements_of(session, person_id=person.id)),
            len(repo.check_ins_of(session, person_id=person.id)),
        )


def record(database: Database, kind: str, data: Any, person: str = "me") -> None:
    if kind == "measurement":
        found = tracking.parse_measurements(data, source="test")
        tracking.record_measurements(
            database, person=person, measurements=found, today=TODAY, source="test"
        )
    else:
        check_ins = tracking.parse_check_ins(data, source="test")
        tracking.record_check_ins(
            database, person=person, check_ins=check_ins, today=TODAY, source="test"
        )


@pytest.mark.parametrize(
    ("kind", "data", "named"),
    [
        ("measurement", {"taken_on": "2026-11-02", "note": "a\x00b", "stress": 3}, "note: "),
        ("measurement", {"taken_on": "2026-11-02", "note": "x" * 2001, "stress": 3}, "note: "),
        ("check-in", {"day": "0001-01-01", "low_back_pain": 3}, "day: "),
        ("check-in", {"day": "1899-12-31", "low_back_pain": 3}, "day: "),
        ("check-in", {"day": "2026-11-02", "sitting_hours": True}, "sitting_hours: "),
        ("check-in", [{"day": "2026-11-02", "stress": 2}] * 1001, "at most 1000 check-ins"),
    ],
    ids=["nul", "long-note", "year-1", "1899", "bool-hours", "batch"],
)
def test_out_of_bounds_input_is_refused_naming_the_field_and_stores_nothing(
    database: Database, kind: str, data: Any, named: str
) -> None:
    record(database, "check-in", {"day": "2026-11-01", "stress": 4})
    with pytest.raises(InvalidDocument) as caught:
        record(database, kind, data)
    assert named in str(caught.value)
    assert stored(database) == (0, 1)


def test_a_person_label_with_a_control_character_stores_nothing(database: Database) -> None:
    with pytest.raises(InvalidDocument, match=r"person: expected one line of text"):
        record(database, "check-in", {"day": "2026-11-02", "stress": 4}, person="me\x00")
    with database.reading() as session:
        assert repo.list_people(session) == []


def test_progress_leaves_out_a_record_stored_before_the_bounds(database: Database) -> None:
    record(database, "check-in", {"day": "2026-11-02", "low_back_pain": 4})
    with database.transaction() as session:
        person = repo.lock_person(session, label="me")
        repo.save_check_in(
            session,
            person=person,
            day=date(1, 1, 1),
            document={"schema": "psoas.checkin/1", "day": "0001-01-01", "low_back_pain": 9},
        )
    found = tracking.progress(database, person="me", today=TODAY)
    days = [point.day for metric in found.metrics for point in metric.points]
    assert days == [date(2026, 11, 2)]
