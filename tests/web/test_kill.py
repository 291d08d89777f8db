"""kill -9 of the server during concurrent writes: every acknowledged write is there after.

The real server (``python -m psoas serve``) runs in its own process on each backend.
Eight clients post check-ins as fast as it answers: half write a day of their own (a
new row each), half mark a plan item done on one shared day (the same-day merge, the
path that once lost acknowledged items). Once enough writes are acknowledged the
server gets SIGKILL mid-stream, with requests still in flight. A new server is then
started over the same store; every check-in answered ``201`` must be in it, whole.
What was not answered may or may not be there; nothing else may be.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx2
import pytest

from psoas.core.intake import parse_intake
from psoas.documents import read_document
from psoas.services import care
from psoas.store import open_database
from psoas.store import repository as repo
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow

CLIENTS = 8
ACKNOWLEDGED_BEFORE_KILL = 60
SHARED_DAY = date(2026, 11, 30)
FIRST_OWN_DAY = date(2025, 12, 1)
START_SECONDS = 60.0


@contextmanager
def served(database_url: str, data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``psoas serve`` over the store, until killed; yields the process and its address."""
    env = {**os.environ, "PSOAS_DATABASE_URL": database_url, "PSOAS_DATA_DIR": str(data_dir)}
    server = subprocess.Popen(
        [sys.executable, "-m", "psoas", "serve", "--no-browser", "--port", "8300"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        said = ""
        found = None
        while found is None and said.count("\n") < 3:  # it may first say it moved ports
            said += server.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+", said)
        assert found, f"the server did not say where it listens: {said!r}"
        base = found.group(0)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx2.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            assert time.monotonic() < deadline, "the server never answered"
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.05)
        yield server, base
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()


def _store_a_plan(database_url: str) -> list[str]:
    """The desk worker's plan, so check-ins can mark its items done; returns the items."""
    database = open_database(database_url)
    try:
        intake = parse_intake(read_document(EXAMPLES / "desk-worker.yaml"))
        assessment, plan = care.plan_of(intake)
        care.save_plan(
            database, person="me", intake=intake, source="t", assessment=assessment, plan=plan
        )
    finally:
        database.close()
    return [item.technique for item in plan.items]


def test_a_killed_server_keeps_every_acknowledged_check_in(
    database_url: str, tmp_path: Path
) -> None:
    techniques = _store_a_plan(database_url)
    acknowledged_pain: dict[date, int] = {}
    acknowledged_done: set[str] = set()
    lock = threading.Lock()
    next_day = iter(range(10_000))
    enough = threading.Event()
    answered = [0]
    cut: list[int] = []
    errors: list[str] = []

    def client(index: int, base: str) -> None:
        with httpx2.Client(base_url=base, timeout=30) as http:
            sent = 0
            while True:
                technique = None
                if index % 2:
                    with lock:
                        day = FIRST_OWN_DAY + timedelta(days=next(next_day) % 365)
                    pain = (sent + index) % 11
                    # up to a year back, before the plan: confirmed
                    body = {"day": day.isoformat(), "low_back_pain": pain, "backfill": True}
                else:
                    technique = techniques[(sent + index) % len(techniques)]
                    body = {"day": SHARED_DAY.isoformat(), "done": [technique], "backfill": True}
                sent += 1
                try:
                    answer = http.post("/api/v1/check-ins", json=body)
                except httpx2.TransportError:
                    with lock:
                        cut.append(index)
                    return  # the server is gone: this one was never acknowledged
                if answer.status_code != 201:
                    errors.append(f"{answer.status_code}: {answer.text}")
                    return
                with lock:
                    if technique is not None:
                        acknowledged_done.add(technique)
                    else:
                        acknowledged_pain[day] = pain
                    answered[0] += 1
                    count = answered[0]
                if count >= ACKNOWLEDGED_BEFORE_KILL:
                    enough.set()

    with served(database_url, tmp_path / "data") as (server, base):
        threads = [threading.Thread(target=client, args=(n, base)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert enough.wait(120), "the clients never got enough writes acknowledged"
        server.send_signal(signal.SIGKILL)
        for thread in threads:
            thread.join(60)
    assert not errors, errors[:3]
    assert len(cut) == CLIENTS, "every client should have been cut off mid-request"
    assert acknowledged_pain and acknowledged_done

    with served(database_url, tmp_path / "data") as (_, base):
        assert httpx2.get(f"{base}/api/v1/progress").status_code == 200
    database = open_database(database_url)
    try:
        with database.reading() as session:
            person = repo.find_person(session, label="me")
            assert person is not None
            stored = {
                row.day: row.document for row in repo.check_ins_of(session, person_id=person.id)
            }
    finally:
        database.close()
    for day, pain in acknowledged_pain.items():
        assert stored[day].get("low_back_pain") == pain, day
    assert acknowledged_done <= set(stored[SHARED_DAY]["done"])
