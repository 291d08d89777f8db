"""Every mistake a person can make: exit status 2, one message naming the field, nothing stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

DESK = (EXAMPLES / "desk-worker.yaml").read_text()


def _variant(tmp_path: Path, old: str, new: str, suffix: str = ".yaml") -> Path:
    assert old in DESK
    path = tmp_path / f"variant{suffix}"
    path.write_text(DESK.replace(old, new, 1))
    return path


CASES = {
    "misspelt red flag": (
        "  hernia: false",
        "  hernai: false",
        "red_flags.hernai: unknown field; did you mean 'hernia'?",
    ),
    "string for a boolean": (
        "  hernia: false",
        "  hernia: 'no'",
        "red_flags.hernia: expected true or false, got 'no' (text)",
    ),
    "out-of-range number": (
        "  low_back_pain: 5",
        "  low_back_pain: 15",
        "symptoms.low_back_pain: expected a value of at most 10, got 15",
    ),
    "unknown tool": ("- pso_rite", "- psorite", "tools.0: expected one of:"),
}


@pytest.mark.parametrize("command", ["assess", "plan"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_naming_the_field_and_stores_nothing(
    cli, tmp_path: Path, command: str, case: str
) -> None:
    cli("plan", EXAMPLES / "runner.yaml")  # something already stored must survive untouched
    before = cli("history", "--json").stdout
    old, new, message = CASES[case]
    result = cli(command, _variant(tmp_path, old, new), "--json")
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert cli("history", "--json").stdout == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assess", "nowhere.yaml"], "nowhere.yaml: no such file"),
        (
            ["library", "show", "dead_bugs"],
            "library: no entry with id 'dead_bugs'; did you mean 'dead_bug'?",
        ),
        (["library", "list", "--section", "tools2"], '--section: expected one of: "Anatomy"'),
        (["history", "--person", "nobody"], "person: no entry with id 'nobody'"),
        (
            ["plan", str(EXAMPLES / "runner.yaml"), "--person", "  "],
            "person: expected at least 1 character",
        ),
    ],
)
def test_other_mistakes_exit_2_with_a_message(cli, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_bad_choice_on_the_command_line_is_a_usage_error(cli) -> None:
    result = cli("schema", "intakes")
    assert result.exit_code == 2
    assert "intakes" in result.stderr


def test_a_store_that_cannot_be_opened_exits_1_without_traceback(cli) -> None:
    result = cli(
        "assess",
        EXAMPLES / "runner.yaml",
        PSOAS_DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=2",
    )
    assert result.exit_code == 1
    assert "cannot open database" in result.stderr
    assert "SAFETY" not in result.stderr


def test_the_installed_command_reports_errors_without_traceback(tmp_path: Path) -> None:
    """The console script itself, in a real process: exit 2 and one message on stderr."""
    bad = _variant(tmp_path, "  hernia: false", "  hernia: maybe")
    script = Path(sys.executable).with_name("psoas")
    env = {**os.environ, "PSOAS_DATA_DIR": str(tmp_path / "data")}
    completed = subprocess.run(
        [str(script), "assess", str(bad), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip() == (
        f"psoas: {bad} is not valid (1 problem):\n"
        "  red_flags.hernia: expected true or false, got 'maybe' (text)"
    )
    assert (
        json.loads(
            subprocess.run(
                [str(script), "history", "--json"],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
            ).stdout
        )
        == []
    )
