"""The intake contract: strict, field-naming, and never reading a typo as 'no'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from psoas.content import KnowledgeBase
from psoas.content.vocabulary import QuestionId, ThresholdId
from psoas.core.intake import SURGERY_WINDOW_WEEKS, Intake, SurgeryRegion, parse_intake
from psoas.documents import parse_text, read_document
from psoas.errors import InvalidDocument, UnreadableFile
from tests.factories import intake


def _problems(data: object) -> list[str]:
    with pytest.raises(InvalidDocument) as caught:
        parse_intake(data)
    return [str(problem) for problem in caught.value.problems]


def test_a_full_contract_example_is_accepted() -> None:
    document = intake(
        person={"age": 38, "pregnant": False},
        lifestyle={
            "sitting_hours_per_day": 9,
            "standing_desk": False,
            "activities": [{"kind": "running", "sessions_per_week": 4}],
            "stress": 7,
        },
        history={
            "injuries": ["low_back_strain"],
            "surgeries": [{"region": "abdominal", "weeks_ago": 6}],
            "recent_surgery": True,
        },
        tools=["pso_rite", "foam_roller"],
    )
    parsed = parse_intake(document)
    assert parsed.lifestyle.sitting_hours_per_day == 9
    assert parsed.to_document() == document


def test_left_out_means_unknown_not_no() -> None:
    parsed = parse_intake({"schema": "psoas.intake/1"})
    assert parsed.red_flags.hernia is None
    assert all(parsed.answer(question) is None for question in QuestionId)
    assert parsed.to_document() == {"schema": "psoas.intake/1"}


def test_an_empty_surgeries_list_answers_no_and_a_missing_one_is_unknown() -> None:
    assert (
        parse_intake({"schema": "psoas.intake/1", "history": {"surgeries": []}}).answer(
            QuestionId.RECENT_SURGERY
        )
        is False
    )
    assert (
        parse_intake({"schema": "psoas.intake/1", "history": {}}).answer(QuestionId.RECENT_SURGERY)
        is None
    )


def test_no_recent_operation_cannot_list_a_recent_one() -> None:
    surgeries = [{"region": "hip", "weeks_ago": 3}]
    problems = _problems(intake(history={"recent_surgery": False, "surgeries": surgeries}))
    assert problems == [
        "history: recent_surgery is false, but surgeries lists an operation 3 weeks ago "
        "(within 12 weeks)"
    ]


def test_the_contract_window_matches_the_sourced_threshold(knowledge: KnowledgeBase) -> None:
    window = knowledge.threshold(ThresholdId.SURGERY_WINDOW_WEEKS)
    assert window == SURGERY_WINDOW_WEEKS


def test_misspelt_red_flag_is_named_with_a_suggestion() -> None:
    flags = intake()["red_flags"]
    flags["hernai"] = flags.pop("hernia")
    assert _problems(intake(red_flags=flags)) == [
        "red_flags.hernai: unknown field; did you mean 'hernia'?"
    ]


@pytest.mark.parametrize("value", ["no", "false", 0, 1, "yes please"])
def test_only_true_or_false_answers_a_red_flag(value: object) -> None:
    problems = _problems(intake(red_flags={"hernia": value}))
    assert problems[0].startswith("red_flags.hernia: expected true or false")


@pytest.mark.parametrize(
    ("section", "field", "value", "expected"),
    [
        ("symptoms", "low_back_pain", 11, "expected a value of at most 10, got 11"),
        ("symptoms", "hip_pain", -1, "expected a value of at least 0, got -1"),
        ("person", "age", 9, "expected a value of at least 12, got 9"),
        ("lifestyle", "sitting_hours_per_day", 25, "expected a value of at most 24, got 25"),
        ("lifestyle", "stress", 6.5, "expected a whole number, got 6.5"),
        ("lifestyle", "sitting_hours_per_day", "9", "expected a number, got '9' (text)"),
    ],
)
def test_out_of_range_and_wrong_type_numbers(
    section: str, field: str, value: object, expected: str
) -> None:
    assert _problems(intake(**{section: {field: value}})) == [f"{section}.{field}: {expected}"]


def test_unknown_choice_lists_the_allowed_values() -> None:
    document = intake(lifestyle={"activities": [{"kind": "runing", "sessions_per_week": 2}]})
    assert _problems(document) == [
        "lifestyle.activities.0.kind: expected one of: running, cycling, football, dance, "
        "rowing, other; got 'runing' (text)"
    ]


def test_none_cannot_be_combined_with_a_tool() -> None:
    assert _problems(intake(tools=["none", "foam_roller"])) == [
        "tools: 'none' cannot be listed together with a tool"
    ]


def test_every_problem_is_reported_at_once() -> None:
    problems = _problems({"schema": "psoas.intake/2", "person": {"agee": 30}})
    assert problems == [
        "schema: expected one of: psoas.intake/1; got 'psoas.intake/2' (text)",
        "person.agee: unknown field; did you mean 'age'?",
    ]


def test_schema_name_is_required() -> None:
    assert _problems({"red_flags": {}}) == ["schema: is required but missing"]


def test_a_document_must_be_a_mapping() -> None:
    assert _problems(["schema"]) == ["(document): expected a mapping of fields, got a list"]


def test_yaml_duplicate_keys_are_rejected() -> None:
    text = "schema: psoas.intake/1\nred_flags:\n  hernia: true\n  hernia: false\n"
    with pytest.raises(UnreadableFile, match="'hernia' appears twice"):
        parse_text(text, source="dup.yaml", fmt="yaml")


def test_json_duplicate_keys_are_rejected() -> None:
    text = '{"schema": "psoas.intake/1", "red_flags": {"hernia": true, "hernia": false}}'
    with pytest.raises(UnreadableFile, match="'hernia' appears twice"):
        parse_text(text, source="dup.json", fmt="json")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.yaml", "schema: [unclosed", "not well-formed YAML"),
        ("broken.json", '{"schema": ', "not well-formed JSON (line 1"),
        ("missing.yaml", None, "no such file"),
    ],
)
def test_unreadable_files_say_why(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        read_document(path)


def test_recent_surgery_window_is_twelve_weeks() -> None:
    def parsed(weeks: int) -> Intake:
        surgeries = [{"region": "pelvic", "weeks_ago": weeks}]
        return parse_intake(intake(history={"recent_surgery": None, "surgeries": surgeries}))

    assert parsed(11).history.recent_regions() == {SurgeryRegion.PELVIC}
    assert parsed(11).answer(QuestionId.RECENT_SURGERY) is True
    assert parsed(12).history.recent_regions() == set()
    assert parsed(12).answer(QuestionId.RECENT_SURGERY) is False
