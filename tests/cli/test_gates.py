"""The gates over time in the terminal, on SQLite and PostgreSQL: exit 3 and what to do next."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.conftest import EXAMPLES

FAST = {"PSOAS_SESSION_SPEED": "1000"}
QUIET = ("--minutes", "10", "--no-voice", "--plain")


def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def test_a_two_to_nine_rise_on_day_three_stops_the_session_until_a_new_screen(
    cli, database_url: str
) -> None:
    store = {"PSOAS_DATABASE_URL": database_url}
    intake = EXAMPLES / "safety-clear.yaml"  # low back pain 3 in the answers
    assert cli("plan", intake, **store).exit_code == 0
    for days_ago, pain in ((2, "2"), (1, "3")):
        assert cli("log", "--day", _day(days_ago), "--pain", pain, **store).exit_code == 0
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

    assert cli("assess", intake, **store).exit_code == 0  # the questions, answered again
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
    assert "problems reported" in history and "release_pause" in history
    again = cli("session", "start", *QUIET, **store, **FAST)
    assert again.exit_code == 3 and "pulse" in again.stderr
