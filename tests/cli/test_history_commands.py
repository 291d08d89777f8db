"""``psoas correct``, ``delete``, ``undo`` and ``history --trail`` as a person types them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import EXAMPLES


@pytest.fixture
def planned(cli) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0


def _entries(cli, kind: str = "check_in") -> list[dict[str, Any]]:
    result = cli("history", "--json")
    assert result.exit_code == 0, result.stderr
    return [entry for entry in json.loads(result.stdout) if entry["kind"] == kind]


def _pain_now(cli) -> float:
    found = json.loads(cli("progress", "--json").stdout)
    (pain,) = [m for m in found["metrics"] if m["metric"] == "low_back_pain"]
    return float(pain["current"]["mean"])


def test_correct_a_check_in_by_its_id_and_progress_follows(cli, planned) -> None:
    assert cli("log", "--pain", "4", "--stress", "6").exit_code == 0
    (entry,) = _entries(cli)
    result = cli("correct", "check-in", str(entry["id"]), "--pain", "2", "--reason", "typo")
    assert result.exit_code == 0, result.stderr
    assert f"Corrected check-in {entry['id']}." in result.stdout
    assert _pain_now(cli) == 2.0
    trail = cli("history", "--trail")
    assert "low back pain 4 → 2" in trail.stdout and "typo" in trail.stdout
    assert "low_back_pain" not in trail.stdout
    (change,) = json.loads(cli("history", "--trail", "--json").stdout)
    assert change["replaced"]["low_back_pain"] == 4 and change["result"]["low_back_pain"] == 2


def test_delete_asks_for_confirmation_and_undo_brings_it_back(cli, planned) -> None:
    assert cli("log", "--pain", "5").exit_code == 0
    (entry,) = _entries(cli)
    record = str(entry["id"])
    refused = cli("delete", "check-in", record)
    assert refused.exit_code == 2
    assert "deleting needs confirmation: run it on a terminal, or add --yes" in refused.stderr
    assert len(_entries(cli)) == 1
    deleted = cli("delete", "check-in", record, "--yes", "--reason", "logged twice")
    assert deleted.exit_code == 0, deleted.stderr
    assert _entries(cli) == []
    undone = cli("undo")
    assert undone.exit_code == 0, undone.stderr
    assert f"check-in {record} is as it was before it was deleted" in undone.stdout
    assert [e["id"] for e in _entries(cli)] == [entry["id"]] and _pain_now(cli) == 5.0
    nothing = cli("undo")
    assert nothing.exit_code == 2 and "no correction or deletion to undo" in nothing.stderr


def test_delete_on_a_terminal_asks_and_no_keeps_it(cli, planned, monkeypatch) -> None:
    assert cli("log", "--pain", "5").exit_code == 0
    (entry,) = _entries(cli)
    monkeypatch.setattr("psoas.cli.history_commands.on_a_terminal", lambda: True)
    kept = cli("delete", "check-in", str(entry["id"]), input="n\n")
    assert kept.exit_code == 0 and "Nothing was deleted." in kept.stdout
    assert len(_entries(cli)) == 1
    gone = cli("delete", "check-in", str(entry["id"]), input="y\n")
    assert gone.exit_code == 0 and _entries(cli) == []


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["correct", "check-in", "4242", "--pain", "1"], "check-in: no entry with id '4242'"),
        (["delete", "measurement", "4242", "--yes"], "measurement: no entry with id '4242'"),
        (["correct", "session", "4242", "--set", "after.hip_pain=1"], "session: no entry"),
    ],
)
def test_an_unknown_id_exits_2_naming_it_and_changes_nothing(
    cli, planned, args: list[str], named: str
) -> None:
    assert cli("log", "--pain", "5").exit_code == 0
    before = _entries(cli)
    result = cli(*args)
    assert result.exit_code == 2
    assert named in result.stderr
    assert _entries(cli) == before
    assert json.loads(cli("history", "--trail", "--json").stdout) == []


def test_another_persons_id_is_unknown(cli, planned) -> None:
    assert cli("log", "--pain", "5", "--person", "ana").exit_code == 0
    (theirs,) = _entries(cli)
    result = cli("delete", "check-in", str(theirs["id"]), "--yes")
    assert result.exit_code == 2 and "no entry with id" in result.stderr
    assert _entries(cli) == [theirs]


def test_a_bad_correction_names_the_field(cli, planned) -> None:
    assert cli("log", "--pain", "5").exit_code == 0
    (entry,) = _entries(cli)
    record = str(entry["id"])
    day = cli("correct", "check-in", record, "--set", "day=2020-01-01")
    assert day.exit_code == 2 and "day: a check-in's day cannot be corrected" in day.stderr
    high = cli("correct", "check-in", record, "--set", "stress=12")
    assert high.exit_code == 2 and "stress" in high.stderr
    assert json.loads(cli("history", "--trail", "--json").stdout) == []


def test_withdrawing_a_warning_sign_screens_again(cli, planned) -> None:
    assert cli("log", "--red-flag", "saddle_numbness").exit_code == 0
    (entry,) = _entries(cli)
    result = cli("correct", "check-in", str(entry["id"]), "--no-red-flags", "--json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["record"]["red_flags"] == []
    assert found["release_allowed"] is True


def test_a_measurement_moved_long_ago_needs_the_same_confirmation_as_one_recorded_there(
    cli, planned
) -> None:
    assert cli("measure", "--low-back-pain", "4").exit_code == 0
    (entry,) = _entries(cli, "measurement")
    record = str(entry["id"])
    refused = cli("correct", "measurement", record, "--set", "taken_on=2020-01-01")
    assert refused.exit_code == 2
    assert "taken_on: 2020-01-01 is more than 60 days back" in refused.stderr
    assert "backfill" in refused.stderr
    assert [e["summary"] for e in _entries(cli, "measurement")] == [entry["summary"]]
    confirmed = cli(
        "correct", "measurement", record, "--set", "taken_on=2020-01-01", "--set", "backfill=true"
    )
    assert confirmed.exit_code == 0, confirmed.stderr
    assert "2020-01-01" in _entries(cli, "measurement")[0]["summary"]
