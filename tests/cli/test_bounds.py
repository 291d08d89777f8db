"""Input bounds at the command line: exit 2, the field named, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES


@pytest.fixture
def planned(cli) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0


def history(cli) -> list[str]:
    return [entry["kind"] for entry in json.loads(cli("history", "--json").stdout)]


@pytest.mark.parametrize(
    ("command", "content", "named"),
    [
        ("log", "day: 0001-01-01\nlow_back_pain: 3\n", "day: expected a date from 1900-01-01"),
        ("log", "day: 1899-12-31\nlow_back_pain: 3\n", "day: expected a date from 1900-01-01"),
        ("log", "day: 2026-11-02\nsitting_hours: true\n", "sitting_hours: expected a number"),
        ("log", "day: 2026-11-02\nsitting_hours: .nan\n", "sitting_hours: expected a finite"),
        ("measure", 'taken_on: 2026-11-02\nstress: 3\nnote: "a\\0b"\n', "note: expected text"),
        ("measure", 'taken_on: 2026-11-02\nstress: 3\nnote: "\\e[2J"\n', "(U+001B at"),
        (
            "measure",
            "- {taken_on: 2026-11-02, stress: 3}\n" * 1001,
            "(document): expected at most 1000 measurements at once, got 1001",
        ),
    ],
    ids=["year-1", "1899", "bool-hours", "nan", "nul", "escape", "batch"],
)
def test_out_of_bounds_files_exit_2_naming_the_field_and_store_nothing(
    cli, planned, tmp_path: Path, command: str, content: str, named: str
) -> None:
    before = history(cli)
    path = tmp_path / "input.yaml"
    path.write_text(content)
    result = cli(command, "--file", path)
    assert result.exit_code == 2, result.stdout
    assert named in result.stderr
    assert "Traceback" not in result.stderr and "\x1b[2J" not in result.stderr
    assert history(cli) == before


def test_a_day_before_1900_on_the_command_line_exits_2(cli, planned) -> None:
    before = history(cli)
    result = cli("log", "--day", "1899-12-31", "--pain", "3")
    assert result.exit_code == 2
    assert "day: expected a date from 1900-01-01 on, got 1899-12-31" in result.stderr
    assert history(cli) == before


def test_a_person_label_with_a_control_character_exits_2(cli, tmp_path: Path) -> None:
    result = cli("plan", EXAMPLES / "desk-worker.yaml", "--person", "me\x1b[2J")
    assert result.exit_code == 2
    assert "person: expected one line of text without control characters" in result.stderr
    assert history(cli) == []


def test_an_alias_bomb_given_to_assess_is_refused_without_being_built(cli, tmp_path: Path) -> None:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 6)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("schema: psoas.intake/1\n" + "\n".join(lines) + "\n")  # 10**6 values
    result = cli("assess", bomb, "--save")
    assert result.exit_code == 2
    assert "too large: more than 100,000 values" in result.stderr
    assert history(cli) == []
