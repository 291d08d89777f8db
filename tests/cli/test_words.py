"""The CLI in a person's words: names for ids, plurals, and errors naming what was typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES


def test_a_tool_and_a_session_kind_are_taken_by_name_in_any_case(cli) -> None:
    by_name = cli("session", "preview", "--tool", "foam roller", "--json")
    assert by_name.exit_code == 0, by_name.stderr
    assert json.loads(by_name.stdout)["tool"] == "foam_roller"
    shouted = cli("session", "preview", "--tool", "FOAM ROLLER", "--kind", "Self-release", "--json")
    assert json.loads(shouted.stdout)["tool"] == "foam_roller"
    by_id = cli("session", "preview", "--tool", "foam_roller", "--json")
    assert json.loads(by_id.stdout)["tool"] == "foam_roller"
    manual = cli("session", "preview", "--kind", "manual release", "--json")
    assert json.loads(manual.stdout)["kind"] == "manual_release"


def test_an_unknown_tool_is_refused_with_the_names_it_could_be(cli) -> None:
    result = cli("session", "preview", "--tool", "rolling pin")
    assert result.exit_code == 2
    assert "--tool" in result.stderr and "'rolling pin'" in result.stderr
    for name in ("Pso-Rite", "QL Claw", "Foam roller", "Massage ball"):
        assert f'"{name}"' in result.stderr
    assert "foam_roller" not in result.stderr
    kind = cli("session", "preview", "--kind", "massage")
    assert kind.exit_code == 2 and '"Self-release", "Manual release"' in kind.stderr


def test_the_library_shows_an_entry_by_its_name(cli) -> None:
    result = cli("library", "show", "foam roller")
    assert result.exit_code == 0, result.stderr
    assert "Foam roller" in result.stdout and "foam_roller" not in result.stdout


def test_a_plan_names_each_items_kind_and_its_tools(cli) -> None:
    result = cli("plan", EXAMPLES / "desk-worker.yaml", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert "Movement break" in result.stdout and "Long hours of sitting" in result.stdout
    assert "movement_break" not in result.stdout and "prolonged_sitting" not in result.stdout


@pytest.mark.parametrize(
    ("args", "option", "field"),
    [
        (["--work-days", "funday"], "--work-days", "days"),
        (["--work-days", "monday till"], "--work-days", "days"),
        (["--timezone", "Mars/Olympus"], "--timezone", "timezone"),
    ],
)
def test_a_wrong_option_is_named_as_typed(
    cli, tmp_path: Path, args: list[str], option: str, field: str
) -> None:
    out = tmp_path / "psoas.ics"
    result = cli("remind", "export", "--out", out, *args)
    assert result.exit_code == 2
    assert f"  {option}: " in result.stderr
    assert f"  {field}: " not in result.stderr
    assert not out.exists()


def test_a_value_nobody_typed_is_not_named_as_an_option(cli, tmp_path: Path) -> None:
    """Nobody typed --person: the refusal speaks of the person, not of an option."""
    result = cli("remind", "export", "--out", tmp_path / "x.ics")
    assert result.exit_code == 2
    assert "person: 'me' has no plan yet" in result.stderr
    assert "--person" not in result.stderr


def test_a_typed_person_is_named_as_the_option(cli) -> None:
    result = cli("assess", EXAMPLES / "desk-worker.yaml", "--person", "a\nb")
    assert result.exit_code == 2
    assert "--person: " in result.stderr


def test_work_days_in_words_make_a_calendar_on_those_days(cli, tmp_path: Path) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0
    out = tmp_path / "psoas.ics"
    result = cli(
        "remind", "export", "--out", out, "--work-days", "Monday to Thursday", "--timezone", "UTC"
    )
    assert result.exit_code == 0, result.stderr
    calendar = out.read_text()
    assert "BYDAY=MO,TU,WE,TH\n" in calendar or "BYDAY=MO,TU,WE,TH;" in calendar


def test_a_library_section_is_taken_by_its_name(cli) -> None:
    result = cli("library", "list", "--section", "Causes", "--json")
    assert result.exit_code == 0, result.stderr
    assert {entry["section"] for entry in json.loads(result.stdout)} == {"causes"}
