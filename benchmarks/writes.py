"""Writes under load: 50 clients posting check-ins, next to the health endpoint, on both backends.

    .venv/bin/python benchmarks/writes.py [--seconds 15] [--concurrency 50] [--single 200]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each backend (SQLite in a temporary folder; PostgreSQL in a temporary database
created on the server that ``--postgres-url`` or ``PSOAS_TEST_POSTGRES_URL`` names, and
dropped after) the store gets the plan of ``examples/desk-worker.yaml`` for "me", then:

1. **Under load.** The real server (uvicorn over the app in its own process, as
   ``psoas serve`` runs it and ``benchmarks/web.py`` serves it) answers
   ``--concurrency`` clients, each sending its next request as soon as its last one
   is answered, for ``--seconds``: first ``GET /api/v1/health`` (the
   baseline: what the server's own overhead costs at this concurrency), then
   ``POST /api/v1/check-ins``. Each check-in is for a random day of the last two years,
   with a pain rating and one plan item done, so some days are new rows and some join a
   check-in already stored (the same-day merge under the person's lock). Printed: p50,
   p99, max, requests per second and errors (answers other than 201/200) for each, and
   the write p99 as a ratio of the health p99. Target: 0 errors, at most 5x.
   Afterwards every acknowledged check-in is looked up: its day is stored, with its pain
   rating unless a later write of that day replaced it, and its item among the day's done.
2. **One at a time.** In this process, over a new store with the same plan and a month
   of daily check-ins, the median of ``--single`` check-ins each recorded alone through
   the service (``tracking.record_check_ins``, the next new day each, as a person logs:
   the whole write path, the person's lock and the safety checks included) against
   the median of the same row inserted by one plain SQL ``INSERT`` in its own
   transaction on the same engine (same durability settings), interleaved so noise hits
   both alike. Target: at most 2x.

Exit status 0 whatever the figures: they go in the issue notes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx2
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from psoas.core.intake import parse_intake
from psoas.core.measures import parse_check_in
from psoas.documents import read_document
from psoas.services import care, tracking
from psoas.settings import Settings
from psoas.store import Database, open_database
from psoas.store import repository as repo
from psoas.store.tables import CheckInRow
from web import server  # this folder's web benchmark: the app served in its own process

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "desk-worker.yaml"
HEALTH = "/api/v1/health"
CHECK_INS = "/api/v1/check-ins"
WRITE_P99_TARGET = 5.0
SINGLE_TARGET = 2.0
DAYS = 730


@dataclass
class Load:
    """One endpoint under load: every latency (ms), the errors, and how long it ran."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Acknowledged:
    """What the server said it stored: for each day, the pains and items sent, in order."""

    pains: dict[date, list[int]] = field(default_factory=dict)
    done: dict[date, set[str]] = field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="load per endpoint (15)")
    parser.add_argument("--concurrency", type=int, default=50, help="clients at once (50)")
    parser.add_argument("--single", type=int, default=200, help="one-at-a-time writes (200)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("PSOAS_TEST_POSTGRES_URL"),
        help="a PostgreSQL server to create a temporary database on (default: "
        "$PSOAS_TEST_POSTGRES_URL; without one, SQLite only)",
    )
    options = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if options.postgres_url else [])
    if not options.postgres_url:
        print("no PostgreSQL server named: SQLite only", file=sys.stderr)
    for backend in backends:
        with _store(backend, options.postgres_url) as url:
            print(f"\n== {backend}")
            techniques = _store_a_plan(url)
            health, writes, acknowledged = _under_load(url, options, techniques)
            lost = _lost(url, acknowledged)
            _report(health, writes, lost)
        with _store(backend, options.postgres_url) as url:
            _store_a_plan(url)
            _single(url, options.single)


@contextmanager
def _store(backend: str, postgres_url: str | None) -> Iterator[str]:
    """A new, empty store on ``backend``, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="psoas-writes-") as folder:
            yield f"sqlite:///{Path(folder) / 'psoas.sqlite3'}"
        return
    assert postgres_url is not None
    server = make_url(postgres_url)
    name = f"psoas_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _store_a_plan(url: str) -> list[str]:
    database = open_database(url)
    try:
        intake = parse_intake(read_document(EXAMPLE))
        assessment, plan = care.plan_of(intake)
        care.save_plan(
            database, person="me", intake=intake, source="t", assessment=assessment, plan=plan
        )
    finally:
        database.close()
    return [item.technique for item in plan.items]


def _under_load(
    url: str, options: argparse.Namespace, techniques: list[str]
) -> tuple[Load, Load, Acknowledged]:
    """The served app over the store (as ``benchmarks/web.py`` serves it): health, then writes."""
    with tempfile.TemporaryDirectory(prefix="psoas-writes-data-") as data_dir:
        settings = Settings(data_dir=Path(data_dir), database_url=url)
        with server(settings) as (base, _):
            health, _ = asyncio.run(_load(base, options, techniques, write=False))
            writes, acknowledged = asyncio.run(_load(base, options, techniques, write=True))
    return health, writes, acknowledged


async def _load(
    base: str, options: argparse.Namespace, techniques: list[str], *, write: bool
) -> tuple[Load, Acknowledged]:
    """``--concurrency`` clients for ``--seconds``: health checks, or check-ins."""
    load = Load("POST check-ins" if write else "GET health")
    acknowledged = Acknowledged()
    today = date.today()
    rng = random.Random(11)
    limits = httpx2.Limits(
        max_connections=options.concurrency, max_keepalive_connections=options.concurrency
    )
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        await asyncio.gather(*(client.get(HEALTH) for _ in range(options.concurrency)))
        began = time.perf_counter()

        async def one_client() -> None:
            while time.perf_counter() - began < options.seconds:
                day = today - timedelta(days=rng.randrange(DAYS))
                pain = rng.randrange(11)
                technique = rng.choice(techniques)
                body = {
                    "day": day.isoformat(),
                    "low_back_pain": pain,
                    "done": [technique],
                    "backfill": True,  # up to two years back: confirmed
                }
                sent = time.perf_counter()
                try:
                    if write:
                        response = await client.post(CHECK_INS, json=body)
                    else:
                        response = await client.get(HEALTH)
                except httpx2.HTTPError as error:
                    load.errors.append(f"{type(error).__name__}: {error}")
                    continue
                load.latencies.append((time.perf_counter() - sent) * 1000)
                if response.status_code not in (200, 201):
                    load.errors.append(f"{response.status_code}: {response.text[:200]}")
                elif write:
                    acknowledged.pains.setdefault(day, []).append(pain)
                    acknowledged.done.setdefault(day, set()).add(technique)

        await asyncio.gather(*(one_client() for _ in range(options.concurrency)))
        load.seconds = time.perf_counter() - began
    return load, acknowledged


def _lost(url: str, acknowledged: Acknowledged) -> list[str]:
    """Every acknowledged check-in that is not in the store as sent (or as later replaced)."""
    database = open_database(url)
    try:
        with database.reading() as session:
            person = repo.find_person(session, label="me")
            assert person is not None
            stored = {
                row.day: row.document for row in repo.check_ins_of(session, person_id=person.id)
            }
    finally:
        database.close()
    lost = []
    for day, pains in acknowledged.pains.items():
        document = stored.get(day)
        if document is None:
            lost.append(f"{day}: no check-in stored")
            continue
        if document.get("low_back_pain") not in pains:
            lost.append(f"{day}: pain {document.get('low_back_pain')} was never sent")
        missing = acknowledged.done[day] - set(document.get("done", []))
        if missing:
            lost.append(f"{day}: done items lost: {sorted(missing)}")
    return lost


def _report(health: Load, writes: Load, lost: list[str]) -> None:
    print(
        f"{'endpoint':16} {'requests':>8} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'errors':>6}"
    )
    for load in (health, writes):
        print(
            f"{load.name:16} {len(load.latencies):8d} {len(load.latencies) / load.seconds:7.0f} "
            f"{statistics.median(load.latencies):8.1f} {load.percentile(0.99):8.1f} "
            f"{max(load.latencies):8.1f} {len(load.errors):6d}"
        )
    for error in (health.errors + writes.errors)[:5]:
        print(f"  error: {error}")
    ratio = writes.percentile(0.99) / health.percentile(0.99)
    ok = ratio <= WRITE_P99_TARGET and not writes.errors and not health.errors
    print(
        f"write p99 is {ratio:.2f}x the health p99, {len(writes.errors)} errors: "
        f"{'meets' if ok else 'misses'} the target (0 errors, at most {WRITE_P99_TARGET:g}x)"
    )
    days = "acknowledged check-ins all stored" if not lost else f"{len(lost)} LOST"
    print(f"after the load: {days}")
    for line in lost[:5]:
        print(f"  {line}")


def _single(url: str, count: int) -> None:
    """One check-in through the service against one plain INSERT of the same row, alone."""
    database: Database = open_database(url)
    try:
        with database.reading() as session:
            person = repo.find_person(session, label="me")
            assert person is not None
            person_id = person.id
        first = date.today() - timedelta(days=2 * count + 2)
        month = [
            parse_check_in(
                {
                    "day": (first - timedelta(days=n)).isoformat(),
                    "low_back_pain": 4,
                    "backfill": True,
                }
            )
            for n in range(1, 31)
        ]
        tracking.record_check_ins(
            database, person="me", check_ins=month, today=date.today(), source="b"
        )
        service: list[float] = []
        plain: list[float] = []
        for n in range(count):
            day = first + timedelta(days=2 * n)
            # Past days, before the plan of today: confirmed, as a diary copied in is.
            check_in = parse_check_in(
                {"day": day.isoformat(), "low_back_pain": n % 11, "backfill": True}
            )
            began = time.perf_counter()
            tracking.record_check_ins(
                database, person="me", check_ins=[check_in], today=date.today(), source="b"
            )
            service.append(time.perf_counter() - began)
            row = {
                "person_id": person_id,
                "day": day + timedelta(days=1),
                "document": check_in.model_copy(
                    update={"day": day + timedelta(days=1)}
                ).to_document(),
            }
            began = time.perf_counter()
            with database.engine.begin() as connection:
                connection.execute(insert(CheckInRow), [row])
            plain.append(time.perf_counter() - began)
    finally:
        database.close()
    ratio = statistics.median(service) / statistics.median(plain)
    verdict = "meets" if ratio <= SINGLE_TARGET else "misses"
    print(
        f"one check-in alone: {statistics.median(service) * 1000:.2f} ms through the service, "
        f"{statistics.median(plain) * 1000:.2f} ms as one plain INSERT: {ratio:.2f}x, "
        f"{verdict} the {SINGLE_TARGET:g}x target"
    )


if __name__ == "__main__":
    main()
