"""``psoas measure``, ``log`` and ``progress`` as a person types them; and their questions."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import yaml
from jsonschema import Draft202012Validator
from rich.console import Console

from psoas.cli.tracking_prompts import TrackingPrompts
from psoas.core.schemas import ContractName, json_schema
from psoas.errors import InputError
from psoas.services import care
from tests.conftest import EXAMPLES


@pytest.fixture
def planned(cli) -> None:
    assert cli("plan", EXAMPLES / "desk-worker.yaml").exit_code == 0


def history_rows(cli) -> list[str]:
    result = cli("history", "--json")
    return [entry["kind"] for entry in json.loads(result.stdout)]


def test_log_with_flags_stores_the_day_and_prints_progress_json(cli, planned) -> None:
    result = cli("log", "--pain", "4", "--stress", "6", "--done", "walking", "--json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    Draft202012Validator(json_schema(ContractName.PROGRESS)).validate(found)
    assert found["schema"] == "psoas.progress/1"
    (pain,) = [m for m in found["metrics"] if m["metric"] == "low_back_pain"]
    assert pain["current"]["mean"] == 4.0
    assert pain["points"] == [{"day": date.today().isoformat(), "value": 4.0}]
    assert found["streaks"]["current"] == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--pain", "11"], "'--pain'"),
        (["--day", "23/11/2026", "--pain", "3"], "'--day'"),
        (["--done", "cartwheels"], "done.0: 'cartwheels' is not in your plan"),
        (["--red-flag", "headache"], "red_flags.0: expected one of"),
        (["--day", "2999-01-01", "--pain", "3"], "day: is in the future"),
        ([], "nothing to record"),
    ],
)
def test_bad_check_ins_exit_2_naming_the_field_and_store_nothing(
    cli, planned, args: list[str], named: str
) -> None:
    before = history_rows(cli)
    result = cli("log", *args)
    assert result.exit_code == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert history_rows(cli) == before
    assert cli("progress", "--json").stdout.count('"metric"') == 0


def test_measure_flags_make_one_measurement(cli, planned) -> None:
    result = cli(
        "measure",
        "--date",
        "2026-11-01",
        "--low-back-pain",
        "5",
        "--thomas-left-hip",
        "12",
        "--thomas-left-knee",
        "58",
        "--no-thomas-left-abduction",
        "--thomas-right-hip",
        "-2.5",
        "--psfs",
        "sitting an hour=4",
        "--psfs",
        "running=3",
        "--psfs",
        "lifting a child=6",
        "--anterior-pelvic-tilt",
        "--global-change",
        "2",
        "--backfill",  # a day before the intake
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    metrics = {m["metric"]: m["current"]["mean"] for m in json.loads(result.stdout)["metrics"]}
    assert metrics == {
        "low_back_pain": 5.0,
        "psfs": pytest.approx(13 / 3),
        "thomas_hip_angle_left": 12.0,
        "thomas_hip_angle_right": -2.5,
        "thomas_knee_angle_left": 58.0,
        "global_rating_of_change": 2.0,
    }


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--psfs", "stairs=4"], "psfs: expected at least"),
        (["--psfs", "a=1", "--psfs", "b=2", "--psfs", "c=eleven"], "psfs.2.score"),
        (["--thomas-left-hip", "80"], "'--thomas-left-hip'"),
        (["--global-change", "9"], "'--global-change'"),
        (["--file", EXAMPLES / "history" / "measures.yaml", "--stress", "3"], "--file"),
    ],
)
def test_bad_measurements_exit_2_naming_the_field(cli, args: list[str], named: str) -> None:
    result = cli("measure", *args)
    assert result.exit_code == 2
    assert named in result.stderr


def test_a_file_of_the_example_history_gives_the_progress_table(cli, planned) -> None:
    measures = EXAMPLES / "history" / "measures.yaml"
    assert cli("measure", "--file", measures, "--backfill").exit_code == 0
    logged = cli("log", "--file", EXAMPLES / "history" / "check-ins.yaml", "--backfill")
    assert logged.exit_code == 0, logged.stderr
    assert "Stored 53 check-ins" in logged.stdout
    kinds = history_rows(cli)
    assert (kinds.count("measurement"), kinds.count("check_in")) == (3, 53)
    shown = cli("progress")
    assert shown.exit_code == 0
    assert "Low back pain" in shown.stdout and "improved" in shown.stdout
    assert "not a diagnosis" in shown.stdout
    assert "Streak:" in shown.stdout


def test_a_warning_sign_in_the_log_shows_the_new_screen(cli, planned) -> None:
    result = cli("log", "--red-flag", "bowel_or_bladder_change")
    assert result.exit_code == 0
    assert "safety screen was run again" in result.stdout
    assert "seek care now" in result.stdout.lower()
    refused = cli("session", "start", "--plain", "--nothing-changed", "--no-voice")
    assert refused.exit_code == 3


def test_progress_for_nobody_stored_exits_2(cli) -> None:
    result = cli("progress", "--person", "nobody")
    assert result.exit_code == 2
    assert "person" in result.stderr


class Scripted:
    """Answers the prompts in order, and records the questions asked."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, prompt: str = "", **_: object) -> str:
        self.asked.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


def prompts(answers: list[str]) -> tuple[TrackingPrompts, Scripted, io.StringIO]:
    shown = io.StringIO()
    console = Console(file=shown, width=100)
    scripted = Scripted(answers)
    console.input = scripted  # type: ignore[method-assign,assignment]
    return TrackingPrompts(console, today=date(2026, 11, 16)), scripted, shown


def test_the_check_in_questions_take_numbers_and_ask_again_on_a_mistake() -> None:
    _, plan = care.plan_of(care.read_intake(EXAMPLES / "desk-worker.yaml"))
    countable = [item for item in plan.items if item.schedule.per_week]
    # pain 12 is refused and asked again; item 99 is refused; then a no to warning signs.
    asker, scripted, shown = prompts(["12", "3", "2", "", "7.5", "1 99", "1 3", "no"])
    found = asker.check_in(date(2026, 11, 16), plan)
    assert (found.low_back_pain, found.hip_pain, found.stress, found.sitting_hours) == (
        3,
        2,
        None,
        7.5,
    )
    assert found.done == [countable[0].technique, countable[2].technique]
    assert found.red_flags == []
    assert "expected a value of at most 10, got 12. Please try again." in shown.getvalue()
    assert "numbers from 1 to" in shown.getvalue()


def test_the_check_in_can_report_a_warning_sign_and_a_problem_after_a_release() -> None:
    from psoas.content.vocabulary import RedFlagId

    flags = len(RedFlagId)
    # back, hip, stress and sitting skipped; then yes, and: saddle numbness, a bruise.
    asker, _, shown = prompts(["", "", "", "", "yes", f"6, {flags + 5}"])
    found = asker.check_in(date(2026, 11, 16), None)
    assert found.red_flags == ["saddle_numbness"]
    assert found.adverse_events == ["bruising"]
    assert "A bruise where the tool pressed" in shown.getvalue()


def test_a_problem_from_the_command_line_pauses_release(cli, planned) -> None:
    result = cli("log", "--problem", "bruising")
    assert result.exit_code == 0, result.stderr
    assert "Release paused:" in result.stdout and "bruise" in result.stdout
    refused = cli("log", "--problem", "hiccups")
    assert refused.exit_code == 2 and "adverse_events.0" in refused.stderr


def test_the_measurement_questions_build_every_section() -> None:
    answers = ["4", "", "10", "60", "", "", "stairs", "5", "sitting", "4", "driving", "6", ""]
    answers += ["6", "", "8", "3"]
    asker, _, _ = prompts(answers)
    found = asker.measurement(date(2026, 11, 16))
    assert found.low_back_pain == 4 and found.hip_pain is None
    assert found.thomas is not None and found.thomas.left is not None
    assert (found.thomas.left.hip_angle_deg, found.thomas.left.knee_angle_deg) == (10, 60)
    assert found.thomas.right is None
    assert found.psfs_score == 5.0
    assert (found.stress, found.breathing_ease, found.sitting_hours) == (6, None, 8)
    assert found.global_rating_of_change == 3


def test_leaving_the_questions_stores_nothing() -> None:
    asker, _, _ = prompts(["3"])
    with pytest.raises(InputError, match="nothing was stored"):
        asker.check_in(date(2026, 11, 16), None)


@pytest.mark.parametrize(
    ("name", "contract"),
    [("measures.yaml", ContractName.MEASURES), ("check-ins.yaml", ContractName.CHECKIN)],
)
def test_the_example_history_matches_the_published_schemas(
    name: str, contract: ContractName
) -> None:
    validator = Draft202012Validator(json_schema(contract))
    documents = yaml.safe_load((EXAMPLES / "history" / name).read_text(encoding="utf-8"))
    for document in json.loads(json.dumps(documents, default=str)):
        validator.validate(document)
