"""``psoas intake``: answers typed at the prompts, re-asked when wrong, written and stored."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from psoas.content.vocabulary import MedicalConditionId, RedFlagId, VascularRiskId

ABOUT_YOU = ["45", "3"]  # age, pregnancy: 3) No
DAY = ["9", "no"]  # sitting hours, standing desk
SPORTS = ["3", "", "", "", "", ""]  # runs 3 times a week, nothing else
STRESS = ["6"]
BODY = ["yes", "", "no", "yes"]  # pelvic tilt, curve skipped, core, glutes
HISTORY = ["low_back_strain", "no", ""]  # injuries, no recent operation, none listed
SYMPTOMS = ["5", "1", "yes", "", "", "", "yes"]  # back, hip, groin, stiff, spasms, breath, sitting
CHECKLIST = ["none"]
TOOLS = ["foam_roller"]
NO_FLAGS = ["no"] * len(RedFlagId)


def _answers(
    red_flags: list[str] = NO_FLAGS,
    *,
    about: list[str] = ABOUT_YOU,
    history: list[str] = HISTORY,
    vascular: list[str] = (),  # type: ignore[assignment]
    checklist: list[str] = CHECKLIST,
) -> str:
    lines = [
        *about,
        *DAY,
        *SPORTS,
        *STRESS,
        *BODY,
        *history,
        *SYMPTOMS,
        *red_flags,
        *vascular,
        *checklist,
        *TOOLS,
    ]
    return "\n".join(lines) + "\n"


def test_a_full_questionnaire_writes_and_stores_the_intake(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    result = cli("intake", "--out", out, input=_answers())
    assert result.exit_code == 0, result.stderr
    written = yaml.safe_load(out.read_text())
    assert written["person"] == {"age": 45, "pregnant": False, "recent_birth": False}
    assert written["history"] == {"injuries": ["low_back_strain"], "recent_surgery": False}
    assert written["conditions"] == {c.value: False for c in MedicalConditionId}
    assert written["vascular_risk"] == {"connective_tissue_disorder": False}  # under 50
    assert written["lifestyle"] == {
        "sitting_hours_per_day": 9,
        "standing_desk": False,
        "activities": [{"kind": "running", "sessions_per_week": 3}],
        "stress": 6,
    }
    assert written["posture"] == {"anterior_pelvic_tilt": True}  # the skipped one stays unknown
    assert written["red_flags"] == {flag.value: False for flag in RedFlagId}
    assert written["tools"] == ["foam_roller"]
    assert "Safety: Clear" in result.stdout
    assert [e["kind"] for e in json.loads(cli("history", "--json").stdout)] == [
        "intake",
        "assessment",
    ]
    assert cli("assess", out).exit_code == 0  # the file it wrote is a valid intake


def test_bad_answers_are_asked_again_with_the_reason(cli, tmp_path: Path) -> None:
    red_flags = ["", "maybe", "no"] + ["no"] * (len(RedFlagId) - 1)
    answers = _answers(red_flags).replace("45\n", "ten\n130\n45\n", 1)
    answers = answers.replace("45\n3\n", "45\n\n7\n3\n", 1)  # pregnancy: blank, then 7
    result = cli("intake", "--out", tmp_path / "me.yaml", input=answers)
    assert result.exit_code == 0, result.stderr
    assert "expected a whole number, got 'ten' (text). Please try again." in result.stdout
    assert "expected a value of at most 110, got 130. Please try again." in result.stdout
    assert result.stdout.count("Please answer yes, no or not sure.") == 2  # Enter, then "maybe"
    assert "Please type a number from 1 to 5." in result.stdout  # pregnancy is never skipped


def test_not_sure_leaves_a_red_flag_unanswered_and_blocks_self_release(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    red_flags = ["not sure"] + ["no"] * (len(RedFlagId) - 1)
    result = cli("intake", "--out", out, input=_answers(red_flags))
    assert result.exit_code == 0
    assert "abdominal_aortic_aneurysm" not in yaml.safe_load(out.read_text())["red_flags"]
    assert "Self-release: not now" in result.stdout
    assert "Still to answer: a known aneurysm" in result.stdout


def test_pregnancy_not_sure_is_an_answer_that_keeps_release_off(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    result = cli("intake", "--out", out, input=_answers(about=["45", "5"]))
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(out.read_text())["person"] == {"age": 45}
    assert "Self-release: not now" in result.stdout and "pregnancy" in result.stdout


def test_a_recent_operation_needs_where_and_when(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    history = ["", "yes", "", "hip", "4", ""]  # yes, then Enter (refused), then the hip
    result = cli("intake", "--out", out, input=_answers(history=history))
    assert result.exit_code == 0, result.stderr
    assert "please say where and when" in result.stdout
    written = yaml.safe_load(out.read_text())["history"]
    assert written == {"recent_surgery": True, "surgeries": [{"region": "hip", "weeks_ago": 4}]}
    assert "hip is still healing" in result.stdout


def test_the_checklist_takes_numbers_or_not_sure(cli, tmp_path: Path) -> None:
    ticked = tmp_path / "ticked.yaml"
    result = cli("intake", "--out", ticked, input=_answers(checklist=["", "x", "3"]))
    assert result.exit_code == 0, result.stderr
    assert "Please type numbers from 1 to 15" in result.stdout
    written = yaml.safe_load(ticked.read_text())
    assert written["conditions"]["deep_vein_thrombosis"] is True  # item 3
    assert written["conditions"]["osteoporosis"] is False
    unsure = tmp_path / "unsure.yaml"
    result = cli("intake", "--out", unsure, input=_answers(checklist=["not sure", "3"]))
    written = yaml.safe_load(unsure.read_text())
    assert written["conditions"] == {"deep_vein_thrombosis": True}  # the rest stay open


def test_the_artery_questions_are_asked_from_fifty(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    vascular = ["yes", "no", "no", "no"]  # smoker; family, heart, normal scan
    result = cli("intake", "--out", out, input=_answers(about=["55", "4"], vascular=vascular))
    assert result.exit_code == 0, result.stderr
    written = yaml.safe_load(out.read_text())["vascular_risk"]
    assert written == {
        VascularRiskId.SMOKER: True,
        VascularRiskId.FAMILY_AORTIC_ANEURYSM: False,
        VascularRiskId.HEART_OR_ARTERY_DISEASE: False,
        VascularRiskId.NORMAL_AORTA_SCAN: False,
        VascularRiskId.CONNECTIVE_TISSUE_DISORDER: False,
    }
    assert "ultrasound scan of your aorta" in result.stdout


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
    result = cli("intake", "--out", out, input=_answers())
    assert result.exit_code == 2
    assert "--out:" in result.stderr and "already exists" in result.stderr
    assert out.read_text() == "keep me"
    forced = cli("intake", "--out", out, "--force", input=_answers())
    assert forced.exit_code == 0
    assert out.read_text().startswith("# psoas intake")


def test_injuries_and_tools_are_taken_by_their_names(cli, tmp_path: Path) -> None:
    out = tmp_path / "me.yaml"
    history = ["Low back strain, hip injury", "no", ""]
    answers = _answers(history=history).replace("\nfoam_roller\n", "\nrolling pin\nFoam roller\n")
    result = cli("intake", "--out", out, input=answers)
    assert result.exit_code == 0, result.stderr
    written = yaml.safe_load(out.read_text())
    assert written["history"]["injuries"] == ["low_back_strain", "hip_injury"]
    assert written["tools"] == ["foam_roller"]
    assert "'rolling pin': expected one of:" in result.stdout, "an unknown tool is asked again"
    assert "low_back_strain" not in result.stdout and "foam_roller" not in result.stdout
