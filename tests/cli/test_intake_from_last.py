"""``psoas intake --from-last``; ``psoas plan`` and ``psoas assess`` with no file."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from psoas.core.intake import parse_intake
from tests.conftest import EXAMPLES

DESK_WORKER = EXAMPLES / "desk-worker.yaml"
ENTER = "\n" * 120  # Enter at every prompt (more than there are questions)


def _stored(cli) -> dict[str, object]:
    """The desk worker's answers, stored as ``psoas plan FILE`` stores them."""
    assert cli("plan", DESK_WORKER).exit_code == 0
    return parse_intake(yaml.safe_load(DESK_WORKER.read_text()), source="example").to_document()


def _kinds(cli) -> list[str]:
    return [entry["kind"] for entry in json.loads(cli("history", "--json").stdout)]


def test_enter_at_every_question_keeps_every_stored_answer(cli, tmp_path: Path) -> None:
    stored = _stored(cli)
    out = tmp_path / "again.yaml"
    result = cli("intake", "--from-last", "--out", out, input=ENTER)
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "(Enter keeps: 41;" in said and "(Enter keeps: Pso-Rite)" in said
    assert yaml.safe_load(out.read_text()) == stored  # vascular answers too, though not asked
    assert "intake 1 (unchanged)" in result.stdout
    assert _kinds(cli).count("intake") == 1


def test_changing_one_answer_screens_again(cli, tmp_path: Path) -> None:
    stored = _stored(cli)
    out = tmp_path / "again.yaml"
    result = cli("intake", "--from-last", "--out", out, input="70" + ENTER)  # age, then Enter
    assert result.exit_code == 0, result.stderr
    written = yaml.safe_load(out.read_text())
    assert written["person"]["age"] == 70
    assert {**written, "person": stored["person"]} == stored  # nothing else changed
    # A new screen of the new answers: from 65, no release without a normal aorta scan.
    assert "Self-release: not now" in result.stdout
    assert _kinds(cli).count("intake") == 2
    screened = json.loads(cli("assess", "--json", "--no-save").stdout)
    assert not screened["safety"]["self_release_allowed"]


def test_a_question_left_open_stays_open_and_is_never_a_no(cli, tmp_path: Path) -> None:
    document = yaml.safe_load(DESK_WORKER.read_text())
    del document["red_flags"]["hernia"]  # "not sure"
    open_file = tmp_path / "open.yaml"
    open_file.write_text(yaml.safe_dump(document))
    assert cli("plan", open_file).exit_code == 0
    out = tmp_path / "again.yaml"
    result = cli("intake", "--from-last", "--out", out, input=ENTER)
    assert result.exit_code == 0, result.stderr
    assert "(Enter keeps: not sure)" in " ".join(result.stdout.split())
    assert "hernia" not in yaml.safe_load(out.read_text())["red_flags"]
    assert "Self-release: not now" in result.stdout


def test_from_last_with_nothing_stored_says_what_to_do(cli, tmp_path: Path) -> None:
    out = tmp_path / "again.yaml"
    result = cli("intake", "--from-last", "--out", out, input=ENTER)
    assert result.exit_code == 2
    assert "no answers are stored yet: answer the questions with psoas intake" in result.stderr
    assert not out.exists()
    result = cli("intake", "--from-last", "--person", "Ann", "--out", out, input=ENTER)
    assert result.exit_code == 2
    assert "no answers are stored for 'Ann' yet" in result.stderr
    assert "psoas intake --person Ann" in result.stderr


def test_plan_and_assess_without_a_file_use_the_stored_answers(cli) -> None:
    _stored(cli)
    for command in ("plan", "assess"):
        from_file = cli(command, DESK_WORKER, "--json", "--no-save")
        stored = cli(command, "--json")
        assert stored.exit_code == 0, stored.stderr
        assert stored.stdout == from_file.stdout  # the contract's JSON, and nothing else
    text = cli("plan")
    assert text.exit_code == 0 and "Using your stored answers of" in text.stdout


def test_plan_and_assess_without_a_file_or_stored_answers_exit_2(cli) -> None:
    for command in ("plan", "assess"):
        result = cli(command, "--json")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith("psoas: no answers are stored yet")
        assert f"or name an intake file: psoas {command} FILE" in result.stderr
    assert cli("history", "--json").stdout.strip() == "[]"  # nothing was stored
