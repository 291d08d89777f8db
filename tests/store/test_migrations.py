"""Migration 0005 merges the duplicate people concurrent first writes made, losing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import column, create_engine, func, insert, select, table
from sqlalchemy.engine import make_url

from psoas.core.records import RecordKind
from psoas.services import corrections
from psoas.store import open_database
from psoas.store import repository as repo
from psoas.store.database import migrate
from psoas.store.tables import (
    AssessmentRow,
    CheckInRow,
    IntakeRow,
    MeasurementRow,
    PersonRow,
    PlanRow,
    ReleasePauseRow,
    SessionRow,
    UTCDateTime,
)

AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _engine_at(database_url: str, revision: str) -> Any:
    """A store migrated only up to ``revision`` (its folder made, as psoas makes it)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    migrate(engine, revision)
    return engine


PEOPLE_AT_0005 = table("people", column("id"), column("label"), column("created_at", UTCDateTime()))
"""The people table as revision 0005 left it (the model's has columns added since)."""


def _person(connection: Any, label: str, minute: int) -> int:
    key = connection.execute(
        insert(PEOPLE_AT_0005)
        .values(label=label, created_at=AT.replace(minute=minute))
        .returning(PEOPLE_AT_0005.c.id)
    ).scalar_one()
    return int(key)


def _records(connection: Any, person: int, n: int) -> None:
    """An intake (the same content for everyone), a screen, a plan, logs and a session."""
    intake = connection.execute(
        insert(IntakeRow).values(
            person_id=person, content_hash="same", source="t", document={}, created_at=AT
        )
    ).inserted_primary_key[0]
    assessment = connection.execute(
        insert(AssessmentRow).values(
            person_id=person,
            intake_id=intake,
            safety_level="clear",
            origin="answers",
            document={"n": n},
            created_at=AT,
        )
    ).inserted_primary_key[0]
    connection.execute(
        insert(PlanRow).values(
            person_id=person,
            assessment_id=assessment,
            version=1,
            content_hash=f"plan{n}",
            safety_level="clear",
            document={"n": n},
            created_at=AT.replace(minute=n),
        )
    )
    for day, done in ((date(2026, 11, 2), [f"item{n}"]), (date(2026, 11, 3 + n), ["own"])):
        connection.execute(
            insert(CheckInRow).values(
                person_id=person,
                day=day,
                document={"day": day.isoformat(), "stress": n, "done": done},
                created_at=AT,
                updated_at=AT.replace(minute=n),
            )
        )
    connection.execute(
        insert(MeasurementRow).values(
            person_id=person, taken_on=date(2026, 11, 2), document={"n": n}, created_at=AT
        )
    )
    connection.execute(
        insert(SessionRow).values(
            person_id=person,
            assessment_id=assessment,
            safety_level="clear",
            kind="self_release",
            minutes=10,
            timeline={},
            status="completed",
            step_index=0,
            step_elapsed=0.0,
            started_at=AT,
            updated_at=AT,
        )
    )
    connection.execute(
        insert(ReleasePauseRow).values(
            person_id=person, kind="pain", level="caution", document={}, recorded_at=AT
        )
    )


def _count(connection: Any, table: Any) -> int:
    return int(connection.scalar(select(func.count()).select_from(table)))


def test_duplicate_people_are_merged_into_the_first_without_losing_a_record(
    database_url: str,
) -> None:
    engine = _engine_at(database_url, "0004")
    with engine.begin() as connection:
        first, second, third = (_person(connection, "me", m) for m in (1, 2, 3))
        other = _person(connection, "you", 4)
        for n, person in enumerate((first, second, third, other), start=1):
            _records(connection, person, n)
    engine.dispose()

    database = open_database(database_url)  # migrates to head
    with database.engine.connect() as connection:
        people = connection.execute(select(PersonRow.id, PersonRow.label)).all()
        assert sorted(people) == [(first, "me"), (other, "you")]
        mine = [
            row.document
            for row in connection.execute(
                select(CheckInRow).where(CheckInRow.person_id == first).order_by(CheckInRow.day)
            )
        ]
        # The shared day joined (newest rating, every item done); each own day kept.
        assert mine[0] == {"day": "2026-11-02", "stress": 3, "done": ["item1", "item2", "item3"]}
        assert [doc["done"] for doc in mine[1:]] == [["own"]] * 3
        versions = connection.execute(
            select(PlanRow.version, PlanRow.content_hash)
            .where(PlanRow.person_id == first)
            .order_by(PlanRow.version)
        ).all()
        assert versions == [(1, "plan1"), (2, "plan2"), (3, "plan3")]
        intakes = connection.execute(
            select(IntakeRow.id).where(IntakeRow.person_id == first)
        ).scalars()
        (kept_intake,) = list(intakes)
        screens = connection.execute(
            select(AssessmentRow.intake_id).where(AssessmentRow.person_id == first)
        ).scalars()
        assert list(screens) == [kept_intake] * 3
        for table in (MeasurementRow, SessionRow, ReleasePauseRow, AssessmentRow):
            assert _count(connection, table) == 4, table
            owners = connection.execute(select(table.person_id).distinct()).scalars()
            assert sorted(owners) == [first, other]
    database.close()


def test_the_unique_label_holds_without_a_practitioner(database_url: str) -> None:
    from sqlalchemy.exc import IntegrityError

    database = open_database(database_url)
    with database.engine.connect() as connection:
        _person(connection, "me", 1)
        try:
            _person(connection, "me", 2)
        except IntegrityError:
            connection.rollback()
        else:  # pragma: no cover - the defect this guards against
            raise AssertionError("a second 'me' was stored")
    database.close()


def test_records_stored_before_0007_stay_current_and_can_be_changed(database_url: str) -> None:
    """0007 adds ``deleted_at`` (empty) and the trail: older records read and change as new ones."""
    engine = _engine_at(database_url, "0006")
    with engine.begin() as connection:
        person = _person(connection, "me", 1)
        _records(connection, person, 1)
    engine.dispose()

    database = open_database(database_url)  # migrates to head
    with database.reading() as session:
        assert len(repo.check_ins_of(session, person_id=person)) == 2
        assert len(repo.measurements_of(session, person_id=person)) == 1
        (stored,) = repo.sessions_of(session, person_id=person)
    corrections.delete(
        database,
        person="me",
        kind=RecordKind.SESSION,
        record_id=stored.id,
        reason=None,
        today=date(2026, 11, 30),
    )
    with database.reading() as session:
        assert repo.sessions_of(session, person_id=person) == []
    (change,) = corrections.trail(database, person="me")
    assert change.replaced == {"before": None, "after": None, "felt": None, "adverse_events": None}
    database.close()
