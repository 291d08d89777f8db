"""Concurrent writers on both backends: no acknowledged write is lost, nothing is doubled.

Threads share one open store, as the web server's worker threads do; processes each
open their own, as ``psoas log`` run twenty times at once does. Every race starts
from a barrier (threads) or a gate file (processes, :mod:`tests.gate`), so the writes
really overlap rather than the start-ups.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from psoas.core.intake import parse_intake
from psoas.core.measures import parse_check_in
from psoas.core.planning import Plan
from psoas.services import care, tracking
from psoas.store import Database, open_database
from psoas.store import repository as repo
from psoas.store.tables import CheckInRow, PersonRow
from tests.factories import EVERY_CAUSE, intake
from tests.gate import race

WRITERS = 20
TODAY = date(2026, 11, 30)
T = TypeVar("T")


def _all_at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(0..count-1)`` on ``count`` threads released together; re-raise any error."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - every failure is reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _people_and_check_ins(database: Database) -> tuple[int, int]:
    with database.reading() as session:
        people = session.scalar(select(func.count()).select_from(PersonRow))
        check_ins = session.scalar(select(func.count()).select_from(CheckInRow))
    return people or 0, check_ins or 0


def _plan_with_twenty_items(database: Database) -> list[str]:
    """Store a plan whose first 20 items can each be marked done (a long home program)."""
    parsed = parse_intake(intake(**EVERY_CAUSE))
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person="me", intake=parsed, source="t", assessment=assessment, plan=plan
    )
    extra = ["side_lying_psoas_stretch", "supine_psoas_stretch", "clamshell", "swimming"]
    extra += ["prone_knee_bend", "standing_psoas_stretch", "standing_desk_use"]
    template = plan.items[-1]
    items = list(plan.items) + [
        template.model_copy(update={"technique": technique}) for technique in extra
    ]
    longer = Plan.model_validate({**plan.model_dump(), "items": items})
    with database.transaction() as session:
        person = repo.lock_person(session, label="me")
        assessment_row = repo.latest_assessment(session, person_id=person.id)
        assert assessment_row is not None
        repo.save_plan(
            session,
            assessment=assessment_row,
            document=longer.to_document(),
            safety_level=longer.safety.level.value,
        )
    techniques = [item.technique for item in longer.items]
    assert len(set(techniques)) >= WRITERS
    return techniques[:WRITERS]


def test_twenty_first_check_ins_at_once_make_one_person_and_keep_all(database_url: str) -> None:
    """Each thread opens the new store itself (migrating it), then writes its own day."""

    def first_write(n: int) -> None:
        database = open_database(database_url)
        try:
            check_in = parse_check_in({"day": (TODAY - timedelta(days=n)).isoformat(), "stress": 4})
            tracking.record_check_ins(
                database, person="me", check_ins=[check_in], today=TODAY, source="t"
            )
        finally:
            database.close()

    _all_at_once(WRITERS, first_write)
    database = open_database(database_url)
    assert _people_and_check_ins(database) == (1, WRITERS)
    database.close()


def test_twenty_same_day_check_ins_at_once_keep_every_item_done(database: Database) -> None:
    techniques = _plan_with_twenty_items(database)

    def mark_done(n: int) -> tracking.TrackingOutcome:
        check_in = parse_check_in({"day": TODAY.isoformat(), "done": [techniques[n]]})
        return tracking.record_check_ins(
            database, person="me", check_ins=[check_in], today=TODAY, source="t"
        )

    outcomes = _all_at_once(WRITERS, mark_done)
    with database.reading() as session:
        person = repo.find_person(session, label="me")
        assert person is not None
        stored = repo.check_in_of_day(session, person_id=person.id, day=TODAY)
        assert stored is not None
        done = stored.document["done"]
    assert sorted(done) == sorted(techniques)
    assert sum(outcome.merged for outcome in outcomes) == WRITERS - 1


def test_a_check_in_and_a_session_start_cannot_cross(database: Database) -> None:
    """A 9/10 and a session start sent together: the session starts only if it came first."""
    from psoas.core.session_records import Ratings, SessionRecord
    from psoas.core.timeline import SessionKind
    from psoas.errors import SafetyStop
    from psoas.services import gates, sessions

    parsed = parse_intake(intake(tools=["pso_rite"]))
    assessment, plan = care.plan_of(parsed)
    care.save_plan(
        database, person="me", intake=parsed, source="t", assessment=assessment, plan=plan
    )
    today = date.today()  # pain counts from the day of the screen, which is today
    spike = parse_check_in({"day": today.isoformat(), "low_back_pain": 9})

    def work(n: int) -> object:
        if n == 0:
            return tracking.record_check_ins(
                database, person="me", check_ins=[spike], today=today, source="t"
            )
        try:
            return sessions.open_session(
                database,
                person="me",
                kind=SessionKind.SELF_RELEASE,
                minutes=10,
                before=Ratings(low_back_pain=3),
            )
        except SafetyStop:
            return None

    for attempt in range(5):
        _check_in, opened = _all_at_once(2, work)
        assert not gates.status(database, person="me", today=today).allowed
        if opened is not None:  # it went first: it was started before the pause existed
            assert isinstance(opened, SessionRecord)
            with database.reading() as session:
                person = repo.find_person(session, label="me")
                assert person is not None
                pauses = repo.pauses_of(session, person_id=person.id)
                row = repo.get_session(session, session_id=opened.id)
                assert row is not None and pauses
                assert row.started_at <= pauses[-1].recorded_at
        care.save_plan(  # answered again: allowed once more for the next attempt
            database,
            person="me",
            intake=parsed,
            source=f"t{attempt}",
            assessment=assessment,
            plan=plan,
            answered_now=True,
        )


def _process_env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PSOAS_DATABASE_URL": database_url,
        "PSOAS_DATA_DIR": str(data_dir),
        "COLUMNS": "120",
    }


@pytest.mark.slow
def test_two_processes_opening_a_new_store_at_once_both_succeed(
    database_url: str, tmp_path: Path
) -> None:
    env = _process_env(database_url, tmp_path / "data")
    results = race([["open", database_url]] * 2, tmp_path / "gate", env)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    database = open_database(database_url)
    assert _people_and_check_ins(database) == (0, 0)
    database.close()


def test_a_new_file_another_connection_is_writing_is_switched_to_wal_once_it_lets_go(
    tmp_path: Path,
) -> None:
    """Switching a file to WAL needs it alone, and while another connection is about to
    write SQLite refuses at once, without its busy timeout: opening a new store while
    another process is still in the file (one open in eight when several start
    together) must wait, as a writer does, not fail."""
    path = tmp_path / "psoas.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE early (x)")
    other.execute("BEGIN IMMEDIATE")  # holds the file's reserved lock
    letting_go = threading.Timer(0.3, other.execute, args=("COMMIT",))
    letting_go.start()
    try:
        database = open_database(f"sqlite:///{path}")
    finally:
        letting_go.join()
        other.close()
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    database.close()


@pytest.mark.slow
def test_twenty_psoas_log_processes_at_once_all_succeed(database_url: str, tmp_path: Path) -> None:
    """On an empty store: twenty processes migrate, create "me" and log, all at the same time."""
    env = _process_env(database_url, tmp_path / "data")
    commands = [
        ["psoas", "log", "--day", (TODAY - timedelta(days=n)).isoformat(), "--pain", "3"]
        for n in range(WRITERS)
    ]
    results = race(commands, tmp_path / "gate", env)
    failures = [(r.returncode, r.stderr[-500:]) for r in results if r.returncode != 0]
    assert failures == []
    database = open_database(database_url)
    assert _people_and_check_ins(database) == (1, WRITERS)
    database.close()
