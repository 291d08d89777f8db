"""``psoas intake``: answers typed at the prompts, re-asked when wrong, written and stored."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from psoas.content.vocabulary import RedFlagId

ABOUT_YOU = ["45", "no"]  # age, pregnant
DAY = ["9", "no"]  # sitting hours, standing desk
SPORTS = ["3", "", "", "", "", ""]  # runs 3 times a week, nothing else
STRESS = ["6"]
BODY = ["yes", "", "no", "yes"]  # pelvic tilt, curve skipped, core, glutes
HISTORY = ["low_back_strain", ""]  # injuries, no operation
SYMPTOMS = ["5", "", "yes", "", "", "", "yes"]
TOOLS = ["foam_roller"]


def _answers(red_flags: list[str]) -> str:
    lines = [*ABOUT_YOU, *DAY, *SPORTS, *STRESS, *BODY, *HISTORY, *SYMPTOMS, *red_flags, *TOOLS]
    return "\n".join(lines) + "\n"


def test_a_full_questionnaire_writes_and_stores_the_intake(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    result = cli("intake", "--out", out, input=_answers(["no"] * len(RedFlagId)))
    assert result.exit_code == 0, result.stderr
    written = yaml.safe_load(out.read_text())
    assert written["lifestyle"] == {
        "sitting_hours_per_day": 9,
        "standing_desk": False,
        "activities": [{"kind": "running", "sessions_per_week": 3}],
        "stress": 6,
    }
    assert written["posture"] == {"anterior_pelvic_tilt": True}  # the skipped one stays unknown
    assert written["red_flags"] == {flag.value: False for flag in RedFlagId}
    assert written["tools"] == ["foam_roller"]
    assert "CLEAR" in result.stdout
    assert [e["kind"] for e in json.loads(cli("history", "--json").stdout)] == [
        "intake",
        "assessment",
    ]
    assert cli("assess", out).exit_code == 0  # the file it wrote is a valid intake


def test_bad_answers_are_asked_again_with_the_reason(cli, tmp_path: Path) -> None:
    red_flags = ["", "maybe", "no"] + ["no"] * (len(RedFlagId) - 1)
    answers = _answers(red_flags).replace("45\n", "ten\n130\n45\n", 1)
    result = cli("intake", "--out", tmp_path / "me.yaml", input=answers)
    assert result.exit_code == 0, result.stderr
    assert "expected a whole number, got 'ten' (text). Please try again." in result.stdout
    assert "expected a value of at most 110, got 130. Please try again." in result.stdout
    assert "Please answer yes, no or not sure." in result.stdout  # Enter does not skip a red flag
    assert "expected true or false, got 'maybe' (text)" in result.stdout


def test_not_sure_leaves_a_red_flag_unanswered_and_blocks_self_release(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    red_flags = ["not sure"] + ["no"] * (len(RedFlagId) - 1)
    result = cli("intake", "--out", out, input=_answers(red_flags))
    assert result.exit_code == 0
    assert "abdominal_aortic_aneurysm" not in yaml.safe_load(out.read_text())["red_flags"]
    assert "Self-release: not now" in result.stdout


def test_input_ending_early_saves_nothing(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    result = cli("intake", "--out", out, input="45\nno\n")
    assert result.exit_code == 2
    assert "ended before every question was answered; nothing was saved" in result.stderr
    assert not out.exists()
    assert json.loads(cli("history", "--json").stdout) == []


def test_an_existing_file_is_not_overwritten_without_force(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    out.write_text("keep me")
    result = cli("intake", "--out", out, input=_answers(["no"] * len(RedFlagId)))
    assert result.exit_code == 2
    assert "--out:" in result.stderr and "already exists" in result.stderr
    assert out.read_text() == "keep me"
    forced = cli("intake", "--out", out, "--force", input=_answers(["no"] * len(RedFlagId)))
    assert forced.exit_code == 0
    assert out.read_text().startswith("# psoas intake")
