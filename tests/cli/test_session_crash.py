"""A real session killed with SIGKILL mid-step, then resumed: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from psoas.store.tables import SessionStepRow
from tests.conftest import EXAMPLES

PSOAS = str(Path(sys.executable).with_name("psoas"))
SPEED = 100  # a 10-minute session in 6 s; checkpoints every 5 session-seconds = 50 ms
HANDS_FREE = ["--plain", "--no-voice", "--nothing-changed", "--no-ratings"]
KILL_IN = "Release, left side: spot 2 of 2"


def _psoas(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PSOAS, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def _show(env: dict[str, str]) -> dict[str, Any]:
    shown = _psoas(env, "session", "show", "1", "--json")
    assert shown.returncode == 0, shown.stderr
    document: dict[str, Any] = json.loads(shown.stdout)
    return document


@pytest.mark.slow
def test_a_killed_session_resumes_at_the_same_step_and_completes_once(
    database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PSOAS_DATA_DIR": str(tmp_path / "data"),
        "PSOAS_DATABASE_URL": database_url,
        "PSOAS_SESSION_SPEED": str(SPEED),
    }
    assert _psoas(env, "assess", str(EXAMPLES / "desk-worker.yaml")).returncode == 0

    with subprocess.Popen(
        [PSOAS, "session", "start", "--minutes", "10", *HANDS_FREE],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    ) as started:
        assert started.stdout is not None
        seen = []
        for line in started.stdout:
            seen.append(line)
            if KILL_IN in line:
                break
        else:
            pytest.fail(f"the session ended before {KILL_IN!r}:\n{''.join(seen)}")
        time.sleep(25 / SPEED)  # about 25 s into the 60-second hold
        os.kill(started.pid, signal.SIGKILL)
        assert started.wait(timeout=30) == -signal.SIGKILL

    interrupted = _show(env)
    steps = interrupted["timeline"]["steps"]
    aimed_at = next(i for i, step in enumerate(steps) if step["title"] == KILL_IN)
    killed_in = interrupted["step_index"]  # aimed_at, unless the machine stalled past its end
    assert interrupted["status"] == "in_progress"
    assert aimed_at <= killed_in < len(steps) - 1
    assert 0 <= interrupted["step_elapsed"] < steps[killed_in]["duration"]
    assert [s["outcome"] for s in interrupted["steps"][:killed_in]] == ["completed"] * killed_in

    resumed = _psoas(env, "session", "resume", *HANDS_FREE)
    assert resumed.returncode == 0, resumed.stderr
    first = re.search(r"\[(\d+)/15\] (.+) \(continuing\) · (\d+) s", resumed.stdout)
    assert first is not None, resumed.stdout
    assert int(first.group(1)) == killed_in + 1 and first.group(2) == steps[killed_in]["title"]
    time_left = steps[killed_in]["duration"] - interrupted["step_elapsed"]
    assert int(first.group(3)) == round(time_left)
    assert "Session complete." in resumed.stdout

    done = _show(env)
    assert done["status"] == "completed" and done["finished_at"] is not None
    assert [s["spent_seconds"] for s in done["steps"]] == [s["duration"] for s in steps]
    assert [s["outcome"] for s in done["steps"]] == ["completed"] * len(steps)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows, distinct = connection.execute(
            select(func.count(), func.count(func.distinct(SessionStepRow.step_index)))
        ).one()
    engine.dispose()
    assert rows == distinct == len(steps), "one log row per step, however often it was saved"
