"""The gates over time in the terminal, on SQLite and PostgreSQL: exit 3 and what to do next."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

FAST = {"PSOAS_SESSION_SPEED": "1000"}
QUIET = ("--minutes", "10", "--no-voice", "--plain")


def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def test_a_two_to_nine_rise_on_day_three_stops_the_session_until_a_new_screen(
    cli, database_url: str, tmp_path: Path
) -> None:
    store = {"PSOAS_DATABASE_URL": database_url}
    intake = EXAMPLES / "safety-clear.yaml"  # low back pain 3 in the answers
    assert cli("plan", intake, **store).exit_code == 0
    for days_ago, pain in ((2, "2"), (1, "3")):
        logged = cli("log", "--day", _day(days_ago), "--pain", pain, "--backfill", **store)
        assert logged.exit_code == 0  # days before the intake of today: confirmed
    logged = cli("log", "--day", _day(0), "--pain", "9", **store)
    assert logged.exit_code == 0
    assert "Release paused:" in logged.stdout and "9 out of 10" in logged.stdout

    refused = cli("session", "start", *QUIET, **store, **FAST)
    assert refused.exit_code == 3
    assert "9 out of 10" in refused.stderr and "psoas intake" in refused.stderr
    progress = cli("progress", **store)
    assert "Self-release is paused." in progress.stdout
    document = json.loads(cli("progress", "--json", **store).stdout)
    assert document["release"]["allowed"] is False
    assert [hold["kind"] for hold in document["release"]["holds"]] == ["pain"]

    stale = cli("assess", intake, **store)  # the same file, run again, is not an answer
    assert stale.exit_code == 0
    assert "do not count as answering" in stale.stdout and "Self-release is paused." in stale.stdout
    assert cli("session", "start", *QUIET, **store, **FAST).exit_code == 3

    answered = tmp_path / "answered-again.yaml"  # what has changed goes into the file
    answered.write_text(intake.read_text().replace("low_back_pain: 3", "low_back_pain: 4"))
    again = cli("assess", answered, **store)
    assert again.exit_code == 0 and "Self-release is paused." not in again.stdout
    lifted = cli("session", "start", *QUIET, "--no-ratings", input="n\n", **store, **FAST)
    assert lifted.exit_code == 0, lifted.stderr
    assert "Session 1 is complete" in lifted.stdout


def test_a_pulse_under_the_tool_says_seek_care_and_pauses(cli, database_url: str) -> None:
    store = {"PSOAS_DATABASE_URL": database_url}
    cli("plan", EXAMPLES / "desk-worker.yaml", **store)
    # Nothing changed; no ratings before; after: no ratings, nothing felt, problem 1 (a pulse).
    answers = "\n".join(["n", "", "", "", "", "", "", "", "", "", "1"]) + "\n"
    result = cli("session", "start", *QUIET, input=answers, **store, **FAST)
    assert result.exit_code == 0, result.stderr
    assert "A pulse under the tool means it was pressing on an artery" in result.stdout
    assert "Self-release is paused." in result.stdout
    shown = json.loads(cli("session", "show", "1", "--json", **store).stdout)
    assert shown["adverse_events"] == ["pulse_under_tool"]
    history = cli("history", **store).stdout
    assert "problems reported" in history and "Release paused" in history
    again = cli("session", "start", *QUIET, **store, **FAST)
    assert again.exit_code == 3 and "pulse" in again.stderr


def test_saying_something_changed_pauses_release(cli, database_url: str) -> None:
    store = {"PSOAS_DATABASE_URL": database_url}
    cli("plan", EXAMPLES / "desk-worker.yaml", **store)
    changed = cli("session", "start", *QUIET, input="yes\n", **store, **FAST)
    assert changed.exit_code == 3 and "something has changed" in changed.stderr
    progress = json.loads(cli("progress", "--json", **store).stdout)
    assert [hold["kind"] for hold in progress["release"]["holds"]] == ["something_changed"]


def test_a_session_without_ratings_still_asks_what_went_wrong(cli, database_url: str) -> None:
    store = {"PSOAS_DATABASE_URL": database_url}
    cli("plan", EXAMPLES / "desk-worker.yaml", **store)
    # Run without ratings; the session completes at this speed, then: problem 4 (faint).
    result = cli("session", "start", *QUIET, "--no-ratings", input="n\n4\n", **store, **FAST)
    assert result.exit_code == 0, result.stderr
    assert "Feeling faint during or after pressure" in result.stdout
    shown = json.loads(cli("session", "show", "1", "--json", **store).stdout)
    assert shown["adverse_events"] == ["faint_or_dizzy"]
    assert "Problems reported:" in cli("session", "show", "1", **store).stdout


def test_stopping_a_session_asks_what_went_wrong(
    cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from psoas.cli import render, session_commands
    from psoas.core.timeline import SessionKind
    from psoas.services import gates, sessions
    from psoas.services.storage import store
    from psoas.settings import load_settings
    from tests.clocks import FakeClock

    cli("plan", EXAMPLES / "desk-worker.yaml")
    with store(load_settings()) as database:
        clock = FakeClock(0.0)
        guided = sessions.start(
            database, person="me", kind=SessionKind.SELF_RELEASE, minutes=10, clock=clock
        )
        clock.at(100.0, guided.stop)  # stopped at once, say for a pulse under the tool
        guided.run()
        monkeypatch.setattr(render.console, "input", lambda *_args, **_kw: "1")
        session_commands._stopped(guided)
        status = gates.status(database, person="me", today=date.today())
    shown = capsys.readouterr().out
    assert "pressing on an artery" in shown and "Carry on with" not in shown
    assert status.urgent and not status.allowed
