"""How fast the web app answers 50 clients at once, next to its own hello-world endpoint.

    .venv/bin/python benchmarks/web.py [--days 730] [--requests 500] [--concurrency 50]
        [--budget 30] [--database-url postgresql+psycopg://...]

A temporary data folder gets an SQLite store (or ``--database-url`` names a
PostgreSQL database with nothing stored yet for "me"; what is seeded there is
deleted at the end) with ``--days`` (two years) of history for the personal
person "me": the plan of ``examples/desk-worker.yaml``, a check-in every day
(pain, stress, sitting hours, plan items done), a measurement every four
weeks and two completed guided sessions a week with ratings before and after.
The rows are written straight through the repository in one transaction.

The real server (uvicorn over :func:`psoas.web.app.create_app`, log level
warning, as ``psoas serve`` runs it) then listens on 127.0.0.1 on a free port
in its own process, while the load is made by asyncio and
``httpx2.AsyncClient`` in this one. A server in a thread here would share one
GIL with the client, so every latency would also count the client's work
(and the client's waits for the server's); a ``multiprocessing`` process
started with "spawn" shares nothing with this one, not even open database
connections.

For each endpoint (``/api/v1/health``, the hello world and the baseline; ``/``,
the dashboard; ``/api/v1/progress``) there is a warm-up (every connection
opened, the endpoint's caches filled), then the median of 10 requests one at
a time ("alone": what one request costs on an idle server), then
``--requests`` requests from ``--concurrency`` clients, each sending its next
request as soon as its last one is answered, over kept-alive connections.
After ``--budget`` seconds no new request is sent (those in flight are waited
for), so a slow endpoint costs a minute rather than an hour; "sent" says how
many there were. Every request's latency is kept; printed are p50, p99, max,
throughput, errors (answers other than 200), each p99 as a ratio of the
health p99, and the client's CPU use (near 100% of one core would mean the
client, not the server, sets the pace). The server is one process, so a
request among 50 clients mostly waits for the others: the p99 is about 50
times what one request costs, and its ratio to the hello world's is about the
ratio of their costs. Target: p99 at most 3x the hello-world p99.

Then the dashboard and progress again on a second server with every cache off
(:func:`psoas.services.caching.set_enabled`): "cold", what each request costs
when its answer is made afresh, as after a write. Last, a third server gets
``--mixed`` (3,000) requests from the same clients, mixed as a browser and the
API would make them: pages, progress, the four charts, the HTML report, and a
check-in every 100 requests (so caches go stale and charts are drawn again
while other requests ask for them). The server's resident memory (VmRSS, from
Linux's ``/proc``) is printed when it has started and after the mixed requests,
with its peak (VmHWM). Target: at most 150 MB after the mixed requests.
There is no pass/fail exit: the figures go in the issue notes.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import http.client
import math
import multiprocessing
import random
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import uvicorn
from sqlalchemy import delete
from sqlalchemy.orm import Session

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import ToolId
from psoas.core.session_events import StepOutcome
from psoas.core.session_records import Felt, SessionStatus
from psoas.core.timeline import SessionKind, build_timeline
from psoas.services import caching, care
from psoas.services.storage import Database, store
from psoas.settings import Settings
from psoas.store import repository as repo
from psoas.store.tables import AssessmentRow, PersonRow
from psoas.web.app import create_app
from psoas.web.deps import PERSONAL
from psoas.web.serve import free_port

HOST = "127.0.0.1"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TARGET_RATIO = 3.0
ALONE = 10
"""Requests sent one at a time per endpoint, for the cost of one request on an idle server."""
WARM_UP = 3
HEALTH = "/api/v1/health"
STARTUP_SECONDS = 30.0
SESSION_MINUTES = 10
SESSION_DAYS = (1, 4)
"""Tuesdays and Fridays."""
PER_WEEK = {
    "diaphragmatic_breathing": 6,
    "standing_lunge_stretch": 5,
    "half_kneeling_psoas_stretch": 5,
    "glute_bridge": 3,
    "dead_bug": 3,
    "bird_dog": 3,
    "walking": 5,
    "hourly_movement_break": 4,
}
"""How many days a week each plan item is done, about."""
ENDPOINTS = [
    ("health (hello world)", HEALTH),
    ("dashboard", "/"),
    ("progress", "/api/v1/progress"),
]
COLD_ENDPOINTS = [
    ("dashboard (cold)", "/"),
    ("progress (cold)", "/api/v1/progress"),
]
"""Measured on a server with every cache off."""
CHART_NAMES = ("pain", "thomas", "adherence", "sessions")
MIXED_GETS = [
    ("/", 20),
    ("/api/v1/progress", 15),
    *((f"/charts/{name}.svg", 10) for name in CHART_NAMES),
    ("/history", 5),
    ("/plan", 5),
    ("/track", 5),
    (HEALTH, 5),
    ("/api/v1/report?format=html", 1),
]
"""Paths of the mixed load, with how often each is asked for (out of their sum)."""
WRITE_EVERY = 100
"""Every this many mixed requests is a check-in (today's, merged into the one stored)."""
RSS_TARGET_MB = 150.0


@dataclass
class Seeded:
    check_ins: int
    measurements: int
    sessions: int


@dataclass
class Load:
    name: str
    path: str
    alone_ms: float
    latencies_ms: list[float]
    seconds: float
    client_cpu_seconds: float
    errors: list[str]
    """What went wrong, one line per request not answered 200 (its latency is kept too)."""
    by_path: dict[str, list[float]] = field(default_factory=dict)
    """Each path's latencies, for a mixed load."""

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds


def seed(database: Database, *, days: int, today: date, rng: random.Random) -> Seeded:
    """The plan, then ``days`` of history up to ``today``, written in one transaction."""
    intake = care.read_intake(EXAMPLES / "desk-worker.yaml")
    assessment, plan = care.plan_of(intake)
    care.save_plan(
        database,
        person=PERSONAL,
        intake=intake,
        source="benchmark",
        assessment=assessment,
        plan=plan,
    )
    in_plan = {item.technique for item in plan.items}
    done_rates = {item: per_week / 7 for item, per_week in PER_WEEK.items() if item in in_plan}
    timeline = build_timeline(
        kind=SessionKind.SELF_RELEASE,
        knowledge=load_knowledge_base(),
        minutes=SESSION_MINUTES,
        tool=ToolId.PSO_RITE,
    ).to_document()
    steps = [
        repo.StepEntry(
            index=index,
            phase=step["phase"],
            side=step["side"],
            planned_seconds=step["duration"],
            spent_seconds=float(step["duration"]),
            outcome=StepOutcome.COMPLETED.value,
        )
        for index, step in enumerate(timeline["steps"])
    ]
    first = today - timedelta(days=days - 1)
    counts = Seeded(0, 0, 0)
    with database.transaction() as session:
        person = repo.find_person(session, label=PERSONAL)
        screen = repo.latest_assessment(session, person_id=person.id) if person else None
        assert person is not None and screen is not None
        for n in range(days):
            day = first + timedelta(days=n)
            pain = max(0, min(10, round(6 - 3 * n / days + rng.uniform(-1, 1))))
            stress = rng.randint(2, 8)
            document = {
                "schema": "psoas.checkin/1",
                "day": day.isoformat(),
                "low_back_pain": pain,
                "stress": stress,
                "sitting_hours": rng.choice([6.0, 7.5, 9.0, 10.0]),
                "done": [item for item, rate in done_rates.items() if rng.random() < rate * 0.8],
            }
            repo.save_check_in(session, person=person, day=day, document=document)
            counts.check_ins += 1
            if n % 28 == 0:
                repo.save_measurement(
                    session, person=person, taken_on=day, document=_measurement(day, pain, rng)
                )
                counts.measurements += 1
            if day.weekday() in SESSION_DAYS:
                _session(session, person, screen, timeline, steps, day, pain, stress)
                counts.sessions += 1
    return counts


def _measurement(day: date, pain: int, rng: random.Random) -> dict[str, Any]:
    return {
        "schema": "psoas.measures/1",
        "taken_on": day.isoformat(),
        "low_back_pain": pain,
        "thomas": {
            "left": {"hip_angle_deg": round(rng.uniform(-5, 15), 1), "knee_angle_deg": 60.0},
            "right": {"hip_angle_deg": round(rng.uniform(-5, 15), 1), "knee_angle_deg": 62.0},
        },
        "psfs": [{"activity": f"activity {i}", "score": rng.randint(2, 9)} for i in range(3)],
    }


def _session(
    session: Session,
    person: PersonRow,
    screen: AssessmentRow,
    timeline: dict[str, Any],
    steps: list[repo.StepEntry],
    day: date,
    pain: int,
    stress: int,
) -> None:
    """A completed guided session on ``day`` (at noon UTC), with its steps and ratings."""
    row = repo.create_session(
        session,
        person=person,
        assessment=screen,
        kind=SessionKind.SELF_RELEASE.value,
        tool=ToolId.PSO_RITE.value,
        minutes=SESSION_MINUTES,
        timeline=timeline,
        status=SessionStatus.IN_PROGRESS.value,
        before={"low_back_pain": pain, "stress": stress},
    )
    repo.save_progress(
        session,
        session_id=row.id,
        status=SessionStatus.COMPLETED.value,
        step_index=len(steps) - 1,
        step_elapsed=float(steps[-1].planned_seconds),
        steps=steps,
        finished=True,
    )
    started = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    finished = started + timedelta(minutes=SESSION_MINUTES)
    row.started_at = started
    row.finished_at = finished
    after = {"low_back_pain": max(0, pain - 1), "stress": max(0, stress - 2)}
    repo.set_aftermath(
        session, session_id=row.id, after=after, felt=[Felt.DEEP_ACHE.value], at=finished
    )


def _serve(settings: Settings, port: int, cold: bool) -> None:
    """The server process: the app as ``psoas serve`` runs it (``cold``: with every cache off)."""
    caching.set_enabled(not cold)
    uvicorn.run(create_app(settings), host=HOST, port=port, log_level="warning", access_log=False)


@contextmanager
def server(
    settings: Settings, *, cold: bool = False
) -> Iterator[tuple[str, multiprocessing.process.BaseProcess]]:
    """The app in its own process until the block ends (however it ends): its URL and process."""
    port = free_port(HOST, 8765)
    process = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(settings, port, cold), name="psoas-web-benchmark"
    )
    process.start()
    try:
        _wait_until_up(process, port)
        yield f"http://{HOST}:{port}", process
    finally:
        if process.is_alive():
            process.terminate()
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


def _wait_until_up(process: multiprocessing.process.BaseProcess, port: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not process.is_alive():
            raise RuntimeError(f"the server stopped while starting (exit code {process.exitcode})")
        connection = http.client.HTTPConnection(HOST, port, timeout=1)
        try:
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer /api/v1/health within {STARTUP_SECONDS:g} s")


async def measure(
    base: str, name: str, path: str, *, requests: int, concurrency: int, budget: float
) -> Load:
    """Warm-up, ``ALONE`` requests one at a time, then ``requests`` from ``concurrency`` clients.

    The clients take no new request once ``budget`` seconds have passed (those sent are waited
    for), so a slow endpoint costs minutes, not hours; the table says how many were sent.
    """
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=300) as client:
        errors: list[str] = []

        async def get(url: str = path) -> float:
            began = time.perf_counter()
            try:
                response = await client.get(url)
            except httpx2.HTTPError as error:
                errors.append(f"{type(error).__name__}: {error}")
            else:
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {_detail(response)}")
            return (time.perf_counter() - began) * 1000

        # Warm-up: open every connection with the cheap endpoint, then fill this one's caches.
        await asyncio.gather(*(get(HEALTH) for _ in range(concurrency)))
        for _ in range(WARM_UP):
            await get()
        alone = statistics.median([await get() for _ in range(ALONE)])
        errors.clear()
        latencies: list[float] = []
        left = iter(range(requests))
        cpu = time.process_time()
        began = time.perf_counter()

        async def one_client() -> None:
            for _ in left:  # shared by the clients: the next free one takes the next request
                if time.perf_counter() - began > budget:
                    return
                latencies.append(await get())

        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu
    return Load(name, path, alone, latencies, seconds, cpu, errors)


async def mixed(base: str, *, requests: int, concurrency: int, rng: random.Random) -> Load:
    """``requests`` mixed requests (:data:`MIXED_GETS`, a check-in every :data:`WRITE_EVERY`)."""
    paths = [path for path, _ in MIXED_GETS]
    weights = [weight for _, weight in MIXED_GETS]
    plan: list[str | None] = [
        None if n % WRITE_EVERY == WRITE_EVERY - 1 else rng.choices(paths, weights)[0]
        for n in range(requests)
    ]
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=300) as client:
        errors: list[str] = []
        latencies: list[float] = []
        by_path: dict[str, list[float]] = {}
        left = iter(plan)

        async def send(path: str | None) -> None:
            began = time.perf_counter()
            try:
                if path is None:
                    check_in = {"day": date.today().isoformat(), "low_back_pain": rng.randint(1, 5)}
                    response = await client.post("/api/v1/check-ins", json=check_in)
                else:
                    response = await client.get(path)
            except httpx2.HTTPError as error:
                errors.append(f"{type(error).__name__}: {error}")
            else:
                if response.status_code not in (200, 201):
                    errors.append(
                        f"{path or 'check-in'} {response.status_code}: {_detail(response)}"
                    )
            latency = (time.perf_counter() - began) * 1000
            latencies.append(latency)
            by_path.setdefault(path or "POST /api/v1/check-ins", []).append(latency)

        async def one_client() -> None:
            for path in left:
                await send(path)

        cpu = time.process_time()
        began = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu
    return Load("mixed", "(mixed)", float("nan"), latencies, seconds, cpu, errors, by_path)


@dataclass
class Memory:
    started_mb: float | None
    after_mb: float | None
    peak_mb: float | None


def resident_mb(pid: int | None) -> tuple[float | None, float | None]:
    """A process's resident memory now and at its peak, in MB (None where /proc is not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None, None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    kilobytes = [
        int(fields[name].split()[0]) if name in fields else None for name in ("VmRSS", "VmHWM")
    ]
    now, peak = (None if kb is None else kb / 1024 for kb in kilobytes)
    return now, peak


def _detail(response: httpx2.Response) -> str:
    """The error's message: the JSON ``detail``, or the ``<pre class="message">`` of a page."""
    text = response.text
    if response.headers.get("content-type", "").startswith("application/json"):
        return str(response.json().get("detail", text))[:200]
    start = text.find('class="message">')
    if start < 0:
        return text[:200]
    start += len('class="message">')
    return html.unescape(text[start : text.find("<", start)])[:200]


def report(loads: list[Load], concurrency: int, memory: Memory) -> None:
    health = loads[0].percentile(0.99)
    clients = f" {concurrency} concurrent clients "
    print(f"\n{'':22} {'alone':>7}  {clients:-^50}  {'p99 /':>6}  {'client':>6}")
    print(
        f"{'endpoint':22} {'p50 ms':>7}  {'sent':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'req/s':>7} {'errors':>6}  {'health':>6}  {'CPU':>6}"
    )
    for load in loads:
        alone = "" if math.isnan(load.alone_ms) else f"{load.alone_ms:.2f}"
        print(
            f"{load.name:22} {alone:>7}  {len(load.latencies_ms):6d} "
            f"{load.percentile(0.5):8.1f} {load.percentile(0.99):8.1f} "
            f"{max(load.latencies_ms):8.1f} {load.per_second:7.1f} {len(load.errors):6d}  "
            f"{load.percentile(0.99) / health:5.1f}x  {load.client_cpu_seconds / load.seconds:6.0%}"
        )
    for load in loads:
        for message, count in Counter(load.errors).most_common(3):
            print(f"  {load.name}: {count} x {message}")
    verdicts = ", ".join(
        f"{load.name} {_verdict(load, TARGET_RATIO * health)} "
        f"({load.percentile(0.99) / health:.1f}x)"
        for load in loads[1:]
        if load.path in dict(ENDPOINTS).values() and "cold" not in load.name
    )
    print(
        f"\ntarget: p99 at most {TARGET_RATIO:g}x the hello-world p99 "
        f"(<= {TARGET_RATIO * health:.1f} ms): {verdicts}."
    )
    mixed_load = loads[-1]
    print("mixed requests by path: count, p50 ms, p99 ms, max ms")
    for path, latencies in sorted(mixed_load.by_path.items()):
        ordered = sorted(latencies)
        p99 = ordered[min(int(0.99 * len(ordered)), len(ordered) - 1)]
        print(
            f"  {path:30} {len(ordered):5d} {statistics.median(ordered):8.1f} {p99:8.1f} "
            f"{ordered[-1]:8.1f}"
        )
    print(
        f"server memory (VmRSS): {_mb(memory.started_mb)} when started, "
        f"{_mb(memory.after_mb)} after {len(loads[-1].latencies_ms)} mixed requests, "
        f"peak {_mb(memory.peak_mb)}; target: at most {RSS_TARGET_MB:g} MB after them: "
        f"{_memory_verdict(memory.after_mb)}."
    )


def _mb(megabytes: float | None) -> str:
    return "n/a" if megabytes is None else f"{megabytes:.0f} MB"


def _memory_verdict(megabytes: float | None) -> str:
    if megabytes is None:
        return "not measured (no /proc)"
    return "met" if megabytes <= RSS_TARGET_MB else "MISSED"


def _verdict(load: Load, limit_ms: float) -> str:
    if load.errors:
        return f"MISSED, {len(load.errors)} errors"
    return "met" if load.percentile(0.99) <= limit_ms else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=730, help="days of history (default 730)")
    parser.add_argument("--requests", type=int, default=500, help="per endpoint (default 500)")
    parser.add_argument("--concurrency", type=int, default=50, help="clients (default 50)")
    parser.add_argument(
        "--budget", type=float, default=30, help="seconds per endpoint before no new requests"
    )
    parser.add_argument(
        "--mixed", type=int, default=3000, help="mixed requests for the memory (default 3000)"
    )
    parser.add_argument("--database-url", help="a PostgreSQL URL instead of a temporary SQLite")
    options = parser.parse_args()
    # Ctrl-C raises at once: asyncio.run's own handler only cancels the task, and httpx2's
    # connection pool (anyio) can swallow that cancellation, so the run would go on.
    signal.signal(signal.SIGINT, _interrupt)
    try:
        run(options)
    except KeyboardInterrupt:
        print(
            "\ninterrupted; the server is stopped and the temporary data removed.", file=sys.stderr
        )
        raise SystemExit(130) from None


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="psoas-web-bench-") as folder:
        settings = Settings(data_dir=Path(folder), database_url=options.database_url)
        with store(settings) as database:
            with database.transaction() as session:
                if repo.find_person(session, label=PERSONAL) is not None:
                    raise SystemExit(
                        f"{database.address} already holds data for {PERSONAL!r}; "
                        "give the benchmark an empty database"
                    )
            try:
                print(f"seeding {options.days} days of history ...", file=sys.stderr)
                began = time.perf_counter()
                seeded = seed(database, days=options.days, today=date.today(), rng=random.Random(1))
                print(f"  seeded in {time.perf_counter() - began:.1f} s", file=sys.stderr)
                load_options = {
                    "requests": options.requests,
                    "concurrency": options.concurrency,
                    "budget": options.budget,
                }
                loads = []
                for cold, endpoints in ((False, ENDPOINTS), (True, COLD_ENDPOINTS)):
                    with server(settings, cold=cold) as (base, process):
                        for name, path in endpoints:
                            print(f"  measuring GET {path} ({name}) ...", file=sys.stderr)
                            loads.append(asyncio.run(measure(base, name, path, **load_options)))
                            _check_alive(process, f"GET {path}")
                with server(settings) as (base, process):
                    started, _ = resident_mb(process.pid)
                    print(f"  {options.mixed} mixed requests ...", file=sys.stderr)
                    loads.append(
                        asyncio.run(
                            mixed(
                                base,
                                requests=options.mixed,
                                concurrency=options.concurrency,
                                rng=random.Random(2),
                            )
                        )
                    )
                    _check_alive(process, "the mixed requests")
                    memory = Memory(started, *resident_mb(process.pid))
                kind = database.engine.dialect.name
            finally:
                if options.database_url:
                    _forget(database)
    print(
        f"web app on {kind}, {options.days} days for {PERSONAL!r}: {seeded.check_ins} check-ins, "
        f"{seeded.measurements} measurements, {seeded.sessions} sessions; "
        f"up to {options.requests} requests (or {options.budget:g} s) per endpoint from "
        f"{options.concurrency} concurrent clients (httpx2, this process) to uvicorn (its own "
        f"process); then the dashboard and progress with every cache off (cold), and "
        f"{options.mixed} mixed requests to a fresh server for its memory"
    )
    report(loads, options.concurrency, memory)


def _check_alive(process: multiprocessing.process.BaseProcess, during: str) -> None:
    if not process.is_alive():
        raise RuntimeError(f"the server stopped during {during} (exit code {process.exitcode})")


def _forget(database: Database) -> None:
    """Delete what the benchmark stored in a database it was given (the rows go with the person)."""
    with database.transaction() as session:
        session.execute(delete(PersonRow).where(PersonRow.label == PERSONAL))


if __name__ == "__main__":
    main()
