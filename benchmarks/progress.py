"""How long progress takes for 10 years of daily logs, next to a plain-Python baseline.

    .venv/bin/python benchmarks/progress.py [--years 10] [--repeat 5]

The same made-up history (a check-in every day, a measurement every four
weeks, two guided sessions a week) is timed four ways in one run:

- **baseline**: plain Python over the raw dicts, doing the least a progress
  figure needs (baseline and current pain means, done/planned per week): the
  floor that any implementation on this machine has to pay.
- **core**: :func:`psoas.core.progress.compute_progress` on validated models,
  everything the app shows (all metrics, trend, adherence, streaks, rules).
- **validate + core**: the same from JSON documents, as read from the store.
- **service on SQLite**: :func:`psoas.services.tracking.progress`, the whole
  path of ``psoas progress`` minus printing: query, validate, compute (with the
  caches off, as after a write: a cached answer costs nothing to measure).

Each is run ``--repeat`` times; the median is printed with its ratio to the
baseline. There is no pass/fail: the figures go in the issue notes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from psoas.content import load_knowledge_base
from psoas.core.measures import CheckIn, Measurement
from psoas.core.planning import ProgramPhase
from psoas.core.progress import PlanSpan, SessionEffect, compute_progress
from psoas.services import caching, care, tracking
from psoas.store import open_database
from psoas.store import repository as repo

ITEMS = {"stretch": 7, "breathing": 7, "bridge": 3, "release": 2, "walking": 5}
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def history(years: int, seed: int = 1) -> tuple[list[dict[str, Any]], list[dict[str, Any]], date]:
    """Daily check-ins and four-weekly measurements as stored documents, oldest first."""
    rng = random.Random(seed)
    first = date(2016, 1, 4)
    days = 365 * years
    check_ins = []
    for n in range(days):
        day = first + timedelta(days=n)
        check_ins.append(
            {
                "schema": "psoas.checkin/1",
                "day": day.isoformat(),
                "low_back_pain": max(0, min(10, round(6 - 3 * n / days + rng.uniform(-1, 1)))),
                "stress": rng.randint(2, 8),
                "sitting_hours": rng.choice([6.0, 7.5, 9.0]),
                "done": [item for item in ITEMS if rng.random() < ITEMS[item] / 7 * 0.8],
            }
        )
    measurements = [
        {
            "schema": "psoas.measures/1",
            "taken_on": (first + timedelta(days=n)).isoformat(),
            "low_back_pain": rng.randint(2, 7),
            "thomas": {
                "left": {"hip_angle_deg": rng.uniform(-5, 15), "knee_angle_deg": 60.0},
                "right": {"hip_angle_deg": rng.uniform(-5, 15), "knee_angle_deg": 62.0},
            },
            "psfs": [{"activity": f"activity {i}", "score": rng.randint(2, 9)} for i in range(3)],
        }
        for n in range(0, days, 28)
    ]
    return check_ins, measurements, first + timedelta(days=days - 1)


def baseline(
    check_ins: list[dict[str, Any]], as_of: date
) -> tuple[float, float, dict[date, float]]:
    """Plain Python, no models: first- and last-week pain means, done/planned per ISO week."""
    pains = [(date.fromisoformat(c["day"]), c["low_back_pain"]) for c in check_ins]
    pains.sort()
    first_day, last_day = pains[0][0], pains[-1][0]
    start = [p for d, p in pains if (d - first_day).days < 7]
    end = [p for d, p in pains if (last_day - d).days < 7]
    done: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in check_ins:
        day = date.fromisoformat(c["day"])
        monday = day - timedelta(days=day.weekday())
        for item in c["done"]:
            done[monday][item] += 1
    weeks = {
        monday: sum(min(count, ITEMS[item]) for item, count in items.items()) / sum(ITEMS.values())
        for monday, items in done.items()
        if monday <= as_of
    }
    return sum(start) / len(start), sum(end) / len(end), weeks


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    check_in_docs, measurement_docs, as_of = history(args.years)
    knowledge = load_knowledge_base()
    span = PlanSpan(
        since=date.fromisoformat(check_in_docs[0]["day"]),
        phase=ProgramPhase.ACTIVE,
        due=ITEMS,
        releases=["release"],
    )
    check_ins = [CheckIn.model_validate(doc) for doc in check_in_docs]
    measurements = [Measurement.model_validate(doc) for doc in measurement_docs]
    sessions = [
        SessionEffect(session_id=n, day=c.day, change={"low_back_pain": -1})
        for n, c in enumerate(check_ins)
        if c.day.weekday() in (1, 4)
    ]

    def core() -> object:
        return compute_progress(
            measurements=measurements,
            check_ins=check_ins,
            sessions=sessions,
            plans=[span],
            knowledge=knowledge,
            as_of=as_of,
        )

    def validate_and_core() -> object:
        return compute_progress(
            measurements=[Measurement.model_validate(doc) for doc in measurement_docs],
            check_ins=[CheckIn.model_validate(doc) for doc in check_in_docs],
            sessions=sessions,
            plans=[span],
            knowledge=knowledge,
            as_of=as_of,
        )

    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            intake = care.read_intake(EXAMPLES / "desk-worker.yaml")
            assessment, plan = care.plan_of(intake)
            care.save_plan(
                database,
                person="me",
                intake=intake,
                source="bench",
                assessment=assessment,
                plan=plan,
            )
            with database.transaction() as session:
                person = repo.find_person(session, label="me")
                assert person is not None
                for doc in check_in_docs:
                    repo.save_check_in(
                        session, person=person, day=date.fromisoformat(doc["day"]), document=doc
                    )
                for doc in measurement_docs:
                    repo.save_measurement(
                        session,
                        person=person,
                        taken_on=date.fromisoformat(doc["taken_on"]),
                        document=doc,
                    )

            def service() -> object:
                caching.set_enabled(False)  # made afresh each time, as after a write
                try:
                    return tracking.progress(database, person="me", today=as_of)
                finally:
                    caching.set_enabled(True)

            rows = [
                ("baseline: plain Python over dicts", lambda: baseline(check_in_docs, as_of)),
                ("core: compute_progress on models", core),
                ("validate documents + core", validate_and_core),
                ("service on SQLite (psoas progress)", service),
            ]
            print(
                f"progress for {args.years} years: {len(check_in_docs)} daily check-ins, "
                f"{len(measurement_docs)} measurements, {len(sessions)} sessions; "
                f"median of {args.repeat} runs"
            )
            timings = [(name, median_seconds(work, args.repeat)) for name, work in rows]
        finally:
            database.close()
    floor = timings[0][1]
    for name, seconds in timings:
        print(f"  {name:<38} {seconds * 1000:9.1f} ms   {seconds / floor:6.1f}x baseline")


if __name__ == "__main__":
    main()
