"""The safety screen, case by case: levels, actions, and when self-release stays off."""

from __future__ import annotations

import pytest

from psoas.content import KnowledgeBase
from psoas.content.vocabulary import CareAction, RedFlagId, SafetyLevel
from psoas.core.intake import parse_intake
from psoas.core.safety import SafetyResult, screen
from tests.factories import all_flags, intake


def _screen(knowledge: KnowledgeBase, **sections: object) -> SafetyResult:
    return screen(parse_intake(intake(**sections)), knowledge)


def test_all_answered_no_is_clear(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge)
    assert result.level is SafetyLevel.CLEAR
    assert result.self_release_allowed and result.stretching_allowed
    assert result.reasons == [] and result.unanswered == []


@pytest.mark.parametrize(
    ("flag", "level", "action"),
    [
        (RedFlagId.SADDLE_NUMBNESS, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (RedFlagId.BOWEL_OR_BLADDER_CHANGE, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (RedFlagId.PROGRESSIVE_LEG_WEAKNESS, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (
            RedFlagId.SUDDEN_SEVERE_ABDOMINAL_OR_BACK_PAIN,
            SafetyLevel.URGENT,
            CareAction.SEEK_CARE_NOW,
        ),
        (RedFlagId.CANCER_HISTORY, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.ABDOMINAL_AORTIC_ANEURYSM, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.FEVER_OR_INFECTION, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.HERNIA, SafetyLevel.CAUTION, CareAction.MODIFY),
        (RedFlagId.ANTICOAGULANTS_OR_BLEEDING_DISORDER, SafetyLevel.CAUTION, CareAction.MODIFY),
    ],
)
def test_each_red_flag_sets_its_level_and_action(
    knowledge: KnowledgeBase, flag: RedFlagId, level: SafetyLevel, action: CareAction
) -> None:
    result = _screen(knowledge, red_flags=all_flags(**{flag.value: True}))
    assert result.level is level
    assert [(r.flag, r.level, r.action) for r in result.reasons] == [(flag.value, level, action)]
    assert result.reasons[0].message
    assert not result.self_release_allowed
    assert result.stretching_allowed is (level is SafetyLevel.CAUTION)


def test_the_most_serious_reason_sets_the_level_and_comes_first(knowledge: KnowledgeBase) -> None:
    flags = all_flags(hernia=True, cancer_history=True, saddle_numbness=True)
    result = _screen(knowledge, red_flags=flags)
    assert result.level is SafetyLevel.URGENT
    assert [r.flag for r in result.reasons] == ["saddle_numbness", "cancer_history", "hernia"]


def test_unanswered_questions_block_self_release_and_are_listed(knowledge: KnowledgeBase) -> None:
    flags = all_flags()
    del flags["night_pain_at_rest"], flags["hernia"]
    result = _screen(knowledge, red_flags=flags)
    assert result.level is SafetyLevel.CAUTION
    assert result.unanswered == [RedFlagId.HERNIA, RedFlagId.NIGHT_PAIN_AT_REST]
    assert not result.self_release_allowed and result.stretching_allowed
    assert "hernia, night_pain_at_rest" in result.reasons[0].message


@pytest.mark.parametrize(
    "sections",
    [
        {"person": {"pregnant": True}},
        {"history": {"surgeries": [{"region": "abdominal", "weeks_ago": 6}]}},
        {"history": {"surgeries": [{"region": "spinal", "weeks_ago": 0}]}},
    ],
    ids=["pregnancy", "abdominal-surgery-6-weeks", "spinal-surgery-this-week"],
)
def test_absolute_contraindications_block_self_release(
    knowledge: KnowledgeBase, sections: dict[str, object]
) -> None:
    result = _screen(knowledge, **sections)
    assert result.level is SafetyLevel.CAUTION
    assert not result.self_release_allowed and result.stretching_allowed


def test_old_surgery_and_recent_hip_surgery_keep_self_release(knowledge: KnowledgeBase) -> None:
    old = _screen(knowledge, history={"surgeries": [{"region": "abdominal", "weeks_ago": 30}]})
    assert old.level is SafetyLevel.CLEAR and old.self_release_allowed
    hip = _screen(knowledge, history={"surgeries": [{"region": "hip", "weeks_ago": 4}]})
    assert hip.level is SafetyLevel.CAUTION and hip.self_release_allowed
    assert [r.flag for r in hip.reasons] == ["recent_hip_surgery"]


def test_code_blocks_absolute_contraindications_even_if_the_data_did_not(
    knowledge: KnowledgeBase,
) -> None:
    rules = [
        rule.model_copy(update={"blocks_self_release": False}) for rule in knowledge.safety_rules
    ]
    loosened = knowledge.model_copy(update={"safety_rules": rules})
    result = screen(parse_intake(intake(red_flags=all_flags(hernia=True))), loosened)
    assert not result.self_release_allowed
