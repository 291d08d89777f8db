"""The safety screen, case by case: levels, actions, and when self-release stays off."""

from __future__ import annotations

from typing import Any

import pytest

from psoas.content import KnowledgeBase
from psoas.content.vocabulary import (
    CareAction,
    DerivedConditionId,
    MedicalConditionId,
    QuestionId,
    RedFlagId,
    SafetyLevel,
)
from psoas.core.intake import parse_intake
from psoas.core.safety import SafetyResult, screen
from tests.factories import all_flags, intake


def _screen(knowledge: KnowledgeBase, **sections: Any) -> SafetyResult:
    return screen(parse_intake(intake(**sections)), knowledge)


def _flags(result: SafetyResult) -> list[str]:
    return [reason.flag for reason in result.reasons]


def test_all_answered_no_is_clear(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge)
    assert result.level is SafetyLevel.CLEAR
    assert result.self_release_allowed and result.stretching_allowed
    assert result.reasons == [] and result.unanswered == [] and result.uncertain == []


@pytest.mark.parametrize(
    ("flag", "level", "action"),
    [
        (RedFlagId.SADDLE_NUMBNESS, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (RedFlagId.BOWEL_OR_BLADDER_CHANGE, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (RedFlagId.PROGRESSIVE_LEG_WEAKNESS, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (RedFlagId.BOTH_LEGS_SYMPTOMS, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (RedFlagId.NEW_SEXUAL_DYSFUNCTION, SafetyLevel.URGENT, CareAction.SEEK_CARE_NOW),
        (
            RedFlagId.SUDDEN_SEVERE_ABDOMINAL_OR_BACK_PAIN,
            SafetyLevel.URGENT,
            CareAction.SEEK_CARE_NOW,
        ),
        (RedFlagId.CANCER_HISTORY, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.ABDOMINAL_AORTIC_ANEURYSM, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.FEVER_OR_INFECTION, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.THORACIC_PAIN, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.INJECTED_DRUG_USE, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.IMMUNOSUPPRESSED, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.LONG_TERM_STEROIDS, SafetyLevel.REFER, CareAction.SEE_CLINICIAN),
        (RedFlagId.HERNIA, SafetyLevel.CAUTION, CareAction.MODIFY),
        (RedFlagId.ANTICOAGULANTS_OR_BLEEDING_DISORDER, SafetyLevel.CAUTION, CareAction.MODIFY),
        (RedFlagId.NIGHT_PAIN_AT_REST, SafetyLevel.CAUTION, CareAction.SEE_CLINICIAN),
        (RedFlagId.NEW_GROIN_OR_THIGH_SYMPTOMS, SafetyLevel.CAUTION, CareAction.SEE_CLINICIAN),
    ],
)
def test_each_red_flag_sets_its_level_and_action(
    knowledge: KnowledgeBase, flag: RedFlagId, level: SafetyLevel, action: CareAction
) -> None:
    # No pain answered 0 here, so the aneurysm is not also a symptomatic one.
    result = _screen(
        knowledge,
        red_flags=all_flags(**{flag.value: True}),
        symptoms={"low_back_pain": 0, "hip_pain": 0, "groin_or_hip_referral": False},
    )
    assert result.level is level
    assert [(r.flag, r.level, r.action) for r in result.reasons] == [(flag.value, level, action)]
    assert result.reasons[0].message
    assert not result.self_release_allowed
    assert result.stretching_allowed is (level is SafetyLevel.CAUTION)


def test_the_most_serious_reason_sets_the_level_and_comes_first(knowledge: KnowledgeBase) -> None:
    flags = all_flags(hernia=True, cancer_history=True, saddle_numbness=True)
    result = _screen(knowledge, red_flags=flags)
    assert result.level is SafetyLevel.URGENT
    assert _flags(result) == ["saddle_numbness", "cancer_history", "hernia"]


# --- 1. Unknown is never "no" -------------------------------------------------------------


def test_unanswered_questions_block_self_release_and_are_listed(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge, red_flags={"night_pain_at_rest": None, "hernia": None})
    assert result.level is SafetyLevel.CAUTION
    assert result.unanswered == [QuestionId.HERNIA, QuestionId.NIGHT_PAIN_AT_REST]
    assert not result.self_release_allowed and result.stretching_allowed
    assert _flags(result) == ["unanswered_questions"]
    # Unknown caution-level conditions change the plan as if they were present.
    assert {"hernia", "night_pain_at_rest"} <= set(result.uncertain)


@pytest.mark.parametrize(
    ("sections", "question"),
    [
        ({"person": {"pregnant": None}}, QuestionId.PREGNANT),
        ({"person": {"recent_birth": None}}, QuestionId.RECENT_BIRTH),
        ({"history": {"recent_surgery": None}}, QuestionId.RECENT_SURGERY),
        ({"person": {"age": None}}, QuestionId.AGE),
        ({"conditions": {"deep_vein_thrombosis": None}}, QuestionId.DEEP_VEIN_THROMBOSIS),
    ],
    ids=["pregnancy", "birth", "surgery", "age", "a-condition"],
)
def test_a_required_answer_left_out_keeps_release_off(
    knowledge: KnowledgeBase, sections: dict[str, Any], question: QuestionId
) -> None:
    result = _screen(knowledge, **sections)
    assert not result.self_release_allowed
    assert question in result.unanswered
    assert "unanswered_questions" in _flags(result)


def test_an_operation_said_yes_without_where_leaves_every_region_open(
    knowledge: KnowledgeBase,
) -> None:
    result = _screen(knowledge, history={"recent_surgery": True})
    assert not result.self_release_allowed
    assert result.unanswered == [QuestionId.RECENT_SURGERY_WHERE]  # where, not whether
    assert {"recent_trunk_surgery", "recent_hip_surgery", "recent_other_surgery"} <= set(
        result.uncertain
    )


def test_a_surgeries_list_answers_the_recent_operation_question(
    knowledge: KnowledgeBase,
) -> None:
    old = _screen(
        knowledge,
        history={"recent_surgery": None, "surgeries": [{"region": "abdominal", "weeks_ago": 30}]},
    )
    assert old.level is SafetyLevel.CLEAR and old.self_release_allowed
    none = _screen(knowledge, history={"recent_surgery": None, "surgeries": []})
    assert none.self_release_allowed


def test_unanswered_urgent_questions_allow_nothing_physical(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge, red_flags={"saddle_numbness": None})
    assert not result.self_release_allowed and not result.stretching_allowed
    assert result.awaits_urgent_answers
    assert QuestionId.SADDLE_NUMBNESS in result.unanswered


def test_a_blank_intake_allows_nothing_physical(knowledge: KnowledgeBase) -> None:
    result = screen(parse_intake({"schema": "psoas.intake/1"}), knowledge)
    assert result.awaits_urgent_answers
    assert not result.self_release_allowed and not result.stretching_allowed
    assert set(QuestionId) - set(result.unanswered) <= {
        QuestionId.NORMAL_AORTA_SCAN,  # only protects: not asked for
        QuestionId.RECENT_SURGERY_WHERE,  # asked after a yes
    }


# --- 2. Age and vascular risk ------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "vascular", "allowed"),
    [
        (74, {}, False),
        (65, {}, False),
        (64, {}, True),
        (55, {"smoker": True}, False),
        (55, {"family_aortic_aneurysm": True}, False),
        (55, {"heart_or_artery_disease": True}, False),
        (55, {"smoker": None}, False),
        (49, {"smoker": True}, True),
        (74, {"normal_aorta_scan": True}, True),
        (55, {"smoker": True, "normal_aorta_scan": True}, True),
    ],
)
def test_age_and_vascular_risk_keep_pressure_off_the_aorta(
    knowledge: KnowledgeBase, age: int, vascular: dict[str, Any], allowed: bool
) -> None:
    result = _screen(knowledge, person={"age": age}, vascular_risk=vascular)
    assert result.self_release_allowed is allowed
    assert result.stretching_allowed  # stretching and the rest of the plan stay
    if not allowed and None not in vascular.values():
        assert "aortic_risk" in _flags(result)
        assert "scan" in result.reasons[0].message and "doctor" in result.reasons[0].message


def test_marfan_or_ehlers_danlos_keeps_release_off_at_any_age_even_with_a_normal_scan(
    knowledge: KnowledgeBase,
) -> None:
    result = _screen(
        knowledge,
        person={"age": 25},
        vascular_risk={"connective_tissue_disorder": True, "normal_aorta_scan": True},
    )
    assert not result.self_release_allowed
    assert _flags(result) == ["connective_tissue_disorder"]


# --- 3. Deep-pressure contraindications -----------------------------------------------------

BLOCKING_CONDITIONS = [
    MedicalConditionId.AORTIC_GRAFT_STENT_OR_DISSECTION,
    MedicalConditionId.DEEP_VEIN_THROMBOSIS,
    MedicalConditionId.KIDNEY_OR_PANCREAS_TRANSPLANT,
    MedicalConditionId.POLYCYSTIC_KIDNEYS,
    MedicalConditionId.KIDNEY_STONE_OR_INFECTION,
    MedicalConditionId.BOWEL_INFLAMMATION,
    MedicalConditionId.UNEXPLAINED_ABDOMINAL_PAIN,
    MedicalConditionId.LIVER_DISEASE_VARICES_OR_ASCITES,
    MedicalConditionId.ABDOMINAL_DEVICE,
    MedicalConditionId.OVARIAN_CYST_OR_ENDOMETRIOSIS,
]
MODIFYING_CONDITIONS = [
    MedicalConditionId.UNCONTROLLED_HIGH_BLOOD_PRESSURE,
    MedicalConditionId.OSTEOPOROSIS,
    MedicalConditionId.SPINAL_STENOSIS_OR_SPONDYLOLISTHESIS,
    MedicalConditionId.REDUCED_SENSATION,
]


@pytest.mark.parametrize("condition", BLOCKING_CONDITIONS)
def test_each_deep_pressure_contraindication_blocks_release_but_not_exercise(
    knowledge: KnowledgeBase, condition: MedicalConditionId
) -> None:
    result = _screen(knowledge, conditions={condition.value: True})
    assert result.level is SafetyLevel.CAUTION
    assert not result.self_release_allowed and result.stretching_allowed
    assert _flags(result) == [condition.value]


@pytest.mark.parametrize("condition", MODIFYING_CONDITIONS)
def test_each_modifying_condition_keeps_release_with_a_caution(
    knowledge: KnowledgeBase, condition: MedicalConditionId
) -> None:
    result = _screen(knowledge, conditions={condition.value: True})
    assert result.level is SafetyLevel.CAUTION
    assert result.self_release_allowed and result.stretching_allowed
    assert _flags(result) == [condition.value]


def test_a_recent_birth_blocks_release(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge, person={"recent_birth": True})
    assert not result.self_release_allowed and _flags(result) == ["recent_birth"]


def test_the_inflammatory_pattern_is_advice_and_exercise_goes_on(
    knowledge: KnowledgeBase,
) -> None:
    result = _screen(knowledge, red_flags={"inflammatory_back_pain": True})
    assert result.level is SafetyLevel.CAUTION
    assert result.self_release_allowed and result.stretching_allowed
    assert result.reasons[0].action is CareAction.SEE_CLINICIAN


# --- 4. Urgent and refer, tightened ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sections", "finding"),
    [
        (
            {"red_flags": {"abdominal_aortic_aneurysm": True}, "symptoms": {"low_back_pain": 3}},
            "symptomatic_aneurysm",
        ),
        (
            {"red_flags": {"pulsatile_abdominal_mass": True}, "symptoms": {"hip_pain": 2}},
            "symptomatic_aneurysm",
        ),
        (
            {
                "red_flags": {"abdominal_aortic_aneurysm": True},
                "conditions": {"unexplained_abdominal_pain": True},
            },
            "symptomatic_aneurysm",
        ),
        (
            {
                "red_flags": {
                    "anticoagulants_or_bleeding_disorder": True,
                    "new_groin_or_thigh_symptoms": True,
                }
            },
            "possible_psoas_bleed",
        ),
        (
            {"red_flags": {"fever_or_infection": True}, "symptoms": {"low_back_pain": 7}},
            "fever_with_severe_pain",
        ),
    ],
    ids=[
        "aneurysm-with-back-pain",
        "pulsing-lump-with-hip-pain",
        "aneurysm-belly",
        "bleed",
        "fever",
    ],
)
def test_combinations_that_need_care_now(
    knowledge: KnowledgeBase, sections: dict[str, Any], finding: str
) -> None:
    result = _screen(knowledge, **sections)
    assert result.level is SafetyLevel.URGENT
    assert result.reasons[0].flag == finding
    assert result.reasons[0].action is CareAction.SEEK_CARE_NOW


def test_an_aneurysm_with_pain_unanswered_waits_for_the_answer(knowledge: KnowledgeBase) -> None:
    result = _screen(
        knowledge,
        red_flags={"abdominal_aortic_aneurysm": True},
        symptoms={"low_back_pain": None, "hip_pain": None},
    )
    assert result.level is SafetyLevel.REFER
    assert result.awaits_urgent_answers
    assert QuestionId.LOW_BACK_PAIN in result.unanswered


def test_fever_with_moderate_pain_is_refer(knowledge: KnowledgeBase) -> None:
    result = _screen(
        knowledge, red_flags={"fever_or_infection": True}, symptoms={"low_back_pain": 6}
    )
    assert result.level is SafetyLevel.REFER and _flags(result) == ["fever_or_infection"]


@pytest.mark.parametrize(
    ("sections", "finding"),
    [
        ({"person": {"age": 16}, "symptoms": {"hip_pain": 3}}, "young_hip_pain"),
        ({"person": {"age": 15}, "symptoms": {"groin_or_hip_referral": True}}, "young_hip_pain"),
        (
            {"person": {"age": 55}, "red_flags": {"night_pain_at_rest": True}},
            "night_pain_with_risk",
        ),
        (
            {"conditions": {"osteoporosis": True}, "red_flags": {"recent_trauma": True}},
            "fragility_fracture_risk",
        ),
    ],
    ids=["teen-hip-pain", "teen-groin", "night-pain-over-50", "osteoporosis-fall"],
)
def test_combinations_that_need_a_clinician_first(
    knowledge: KnowledgeBase, sections: dict[str, Any], finding: str
) -> None:
    result = _screen(knowledge, **sections)
    assert result.level is SafetyLevel.REFER
    assert finding in _flags(result)
    assert not result.stretching_allowed


def test_night_pain_alone_keeps_release_off_without_a_referral(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge, person={"age": 40}, red_flags={"night_pain_at_rest": True})
    assert result.level is SafetyLevel.CAUTION
    assert not result.self_release_allowed and result.stretching_allowed


@pytest.mark.parametrize("pain", ["low_back_pain", "hip_pain"])
def test_severe_pain_now_keeps_release_off_and_its_rating_is_needed(
    knowledge: KnowledgeBase, pain: str
) -> None:
    severe = _screen(knowledge, symptoms={pain: 8})
    assert not severe.self_release_allowed and severe.stretching_allowed
    assert _flags(severe) == ["severe_pain_now"]
    assert _screen(knowledge, symptoms={pain: 7}).self_release_allowed
    unrated = _screen(knowledge, symptoms={pain: None})
    assert not unrated.self_release_allowed and QuestionId(pain) in unrated.unanswered


def test_an_adult_with_hip_pain_is_not_referred_for_it(knowledge: KnowledgeBase) -> None:
    result = _screen(knowledge, person={"age": 18}, symptoms={"hip_pain": 6})
    assert result.level is SafetyLevel.CLEAR


def test_the_code_keeps_release_off_for_open_questions_whatever_the_data_says(
    knowledge: KnowledgeBase,
) -> None:
    rules = [
        rule.model_copy(update={"blocks_self_release": False}) for rule in knowledge.safety_rules
    ]
    loosened = knowledge.model_copy(update={"safety_rules": rules})
    for sections in ({"person": {"pregnant": None}}, {"history": {"recent_surgery": None}}):
        result = screen(parse_intake(intake(**sections)), loosened)
        assert not result.self_release_allowed, sections


# --- 6. Recent surgery ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "finding", "action"),
    [
        ("abdominal", "recent_trunk_surgery", CareAction.MODIFY),
        ("spinal", "recent_trunk_surgery", CareAction.MODIFY),
        ("pelvic", "recent_trunk_surgery", CareAction.MODIFY),
        ("hip", "recent_hip_surgery", CareAction.MODIFY),
        ("other", "recent_other_surgery", CareAction.SEE_CLINICIAN),
    ],
)
def test_any_operation_in_the_last_12_weeks_blocks_release(
    knowledge: KnowledgeBase, region: str, finding: str, action: CareAction
) -> None:
    result = _screen(
        knowledge,
        history={"recent_surgery": True, "surgeries": [{"region": region, "weeks_ago": 4}]},
    )
    assert result.level is SafetyLevel.CAUTION
    assert not result.self_release_allowed and result.stretching_allowed
    assert [(r.flag, r.action) for r in result.reasons] == [(finding, action)]


def test_the_twelve_week_window(knowledge: KnowledgeBase) -> None:
    def hip(weeks: int) -> SafetyResult:
        surgery = [{"region": "hip", "weeks_ago": weeks}]
        return _screen(knowledge, history={"recent_surgery": None, "surgeries": surgery})

    assert not hip(11).self_release_allowed
    assert hip(12).self_release_allowed


def test_code_blocks_absolute_contraindications_even_if_the_data_did_not(
    knowledge: KnowledgeBase,
) -> None:
    rules = [
        rule.model_copy(update={"blocks_self_release": False}) for rule in knowledge.safety_rules
    ]
    loosened = knowledge.model_copy(update={"safety_rules": rules})
    for sections in (
        {"red_flags": all_flags(hernia=True)},
        {"person": {"age": 70}},
        {"conditions": {"deep_vein_thrombosis": True}},
        {"person": {"recent_birth": True}},
    ):
        result = screen(parse_intake(intake(**sections)), loosened)
        assert not result.self_release_allowed, sections


def test_every_derived_condition_has_a_rule(knowledge: KnowledgeBase) -> None:
    for condition in DerivedConditionId:
        assert knowledge.rule(condition).message
