"""``psoas log`` and ``psoas measure`` for a day long ago or before the first intake.

On a terminal the day is asked about; otherwise it needs ``--backfill``, and without it
the command exits 2 naming the day and the option, storing nothing.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from psoas.cli import tracking_commands
from tests.conftest import EXAMPLES


def ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def stored(cli) -> list[str]:
    result = cli("history", "--json")
    if result.exit_code != 0:  # nobody stored yet
        return []
    return [entry["kind"] for entry in json.loads(result.stdout)]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tracking_commands, "on_a_terminal", lambda: True)


@pytest.mark.parametrize(
    ("command", "day_option", "value"),
    [("log", "--day", "--pain"), ("measure", "--date", "--low-back-pain")],
)
def test_a_day_more_than_sixty_days_back_needs_backfill_without_a_terminal(
    cli, command: str, day_option: str, value: str
) -> None:
    refused = cli(command, day_option, ago(61), value, "3")
    assert refused.exit_code == 2
    assert f"{ago(61)} is more than 60 days back" in refused.stderr
    assert "--backfill" in refused.stderr and "Nothing was stored" in refused.stderr
    assert stored(cli) == []
    confirmed = cli(command, day_option, ago(61), value, "3", "--backfill")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert len(stored(cli)) == 1
    assert cli(command, day_option, ago(60), value, "3").exit_code == 0


def test_a_day_before_the_first_intake_needs_backfill(cli) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0
    before = stored(cli)
    refused = cli("log", "--day", ago(1), "--pain", "3")
    assert refused.exit_code == 2
    assert f"{ago(1)} is before your first intake ({date.today().isoformat()})" in refused.stderr
    assert stored(cli) == before
    assert cli("log", "--day", ago(1), "--pain", "3", "--backfill").exit_code == 0
    assert cli("log", "--pain", "3").exit_code == 0  # today needs nothing
    assert stored(cli).count("check_in") == 2


def test_a_file_names_the_first_day_and_how_many_more(cli) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0
    refused = cli("log", "--file", EXAMPLES / "history" / "check-ins.yaml")
    assert refused.exit_code == 2
    assert "2026-09-21 is " in refused.stderr and "(and 52 more days like it)" in refused.stderr
    assert "check_in" not in stored(cli)


def test_on_a_terminal_the_day_is_asked_about(cli, terminal) -> None:
    declined = cli("log", "--day", ago(90), "--pain", "3", input="n\n")
    assert declined.exit_code == 2
    assert f"{ago(90)} is more than 60 days back" in declined.stdout  # the question
    assert "Correct the day" in declined.stderr
    assert stored(cli) == []
    accepted = cli("log", "--day", ago(90), "--pain", "3", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert stored(cli) == ["check_in"]


def test_the_questions_ask_about_the_day_before_anything_else(
    cli, terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked first, so nobody answers every question for a day that is then refused."""
    asked: list[date] = []

    class Prompts:
        something_else_new = False

        def __init__(self, *_: object, **__: object) -> None:
            pass

        def check_in(self, day: date, _plan: object) -> object:
            from psoas.core.measures import parse_check_in

            asked.append(day)
            return parse_check_in({"day": day.isoformat(), "stress": 4})

    from psoas.cli import tracking_prompts

    monkeypatch.setattr(tracking_prompts, "TrackingPrompts", Prompts)
    declined = cli("log", "--day", ago(90), input="n\n")
    assert declined.exit_code == 2 and asked == []
    accepted = cli("log", "--day", ago(90), input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert [day.isoformat() for day in asked] == [ago(90)]


def test_a_future_day_is_refused_even_with_backfill(cli) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refused = cli("log", "--day", tomorrow, "--pain", "3", "--backfill")
    assert refused.exit_code == 2 and "is in the future" in refused.stderr
    assert stored(cli) == []
