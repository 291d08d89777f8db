"""The store on SQLite and PostgreSQL: migrations, deduplication, versions, and atomic writes."""

from __future__ import annotations

from datetime import UTC

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from psoas.core.intake import parse_intake
from psoas.errors import StoreError
from psoas.services import care
from psoas.services.history import history, people
from psoas.store import Database, open_database
from psoas.store.tables import Base, IntakeRow, PlanRow
from tests.factories import all_flags, intake

DESK = intake(lifestyle={"sitting_hours_per_day": 10}, tools=["pso_rite"])


def _plan(database: Database, document: dict[str, object], person: str = "me") -> int | None:
    parsed = parse_intake(document)
    assessment, plan = care.plan_of(parsed)
    saved = care.save_plan(
        database, person=person, intake=parsed, source="test", assessment=assessment, plan=plan
    )
    return saved.plan_version


def test_migrations_create_exactly_the_modelled_schema(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert {"people", "practitioners", "intakes", "assessments", "plans"} <= tables
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_reopening_a_migrated_database_keeps_its_data(database_url: str) -> None:
    first = open_database(database_url)
    _plan(first, DESK)
    first.close()
    second = open_database(database_url)
    assert people(second) == [("me", 1)]
    second.close()


def test_same_intake_is_stored_once_and_same_plan_is_not_a_new_version(database: Database) -> None:
    assert _plan(database, DESK) == 1
    assert _plan(database, DESK) == 1
    changed = intake(lifestyle={"sitting_hours_per_day": 10}, tools=["foam_roller"])
    assert _plan(database, changed) == 2
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(IntakeRow)) == 2
        versions = session.scalars(select(PlanRow.version).order_by(PlanRow.version)).all()
    assert versions == [1, 2]


def test_people_are_kept_apart(database: Database) -> None:
    _plan(database, DESK, person="ana")
    _plan(database, DESK, person="ben")
    assert people(database) == [("ana", 1), ("ben", 1)]
    ana = history(database, person="ana")
    assert [entry.kind.value for entry in ana] == ["intake", "assessment", "plan"]
    assert {entry.person for entry in ana} == {"ana"}
    assert all(entry.created_at.tzinfo is not None for entry in ana)
    assert ana[0].created_at.utcoffset() == UTC.utcoffset(None)


def test_the_stored_plan_is_the_contract_document(database: Database) -> None:
    parsed = parse_intake(intake(red_flags=all_flags(saddle_numbness=True)))
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person="me", intake=parsed, source="x", assessment=assessment, plan=plan
    )
    with database.transaction() as session:
        stored = session.scalars(select(PlanRow)).one()
    assert stored.document == plan.to_document()
    assert stored.safety_level == "urgent"


def test_a_failed_write_leaves_nothing_behind(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan(database, DESK)
    from psoas.store import repository

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(repository, "save_plan", broken)
    changed = intake(lifestyle={"sitting_hours_per_day": 3})
    with pytest.raises(RuntimeError):
        _plan(database, changed)
    assert people(database) == [("me", 1)]  # the new intake was rolled back with the plan


def test_an_unreachable_database_is_a_clear_store_error() -> None:
    with pytest.raises(
        StoreError, match=r"cannot open database postgresql\+psycopg://nobody:\*\*\*@"
    ):
        open_database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")


def test_a_malformed_url_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_database("not a url")
