"""Properties of any valid intake: safety wins, unknown is never "no", outputs match their schemas.

The safety rules are restated here in plain code, apart from ``psoas.core.safety``,
so that a rule removed or loosened there makes a property fail (the issue's note
records which property catches which rule).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from psoas.content import KnowledgeBase, load_knowledge_base
from psoas.content.vocabulary import (
    AORTIC_RISK_FACTORS,
    QuestionId,
    RedFlagId,
    SafetyLevel,
)
from psoas.core.assessment import assess
from psoas.core.intake import QUESTION_FIELDS, Intake, parse_intake
from psoas.core.planning import NOTHING_PHYSICAL, Plan, PlanItemKind, build_plan, permitted
from psoas.core.safety import SafetyResult
from psoas.core.schemas import ContractName, json_schema
from tests.core.test_safety import BLOCKING_CONDITIONS
from tests.factories import EVERY_CAUSE, one_answer_changed, screened_intakes

KNOWLEDGE: KnowledgeBase = load_knowledge_base()
TECHNIQUES = {technique.id: technique for technique in KNOWLEDGE.techniques}
VALIDATORS = {name: Draft202012Validator(json_schema(name)) for name in ContractName}
PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PHYSICAL_KINDS = {kind for kind in PlanItemKind if kind.value not in NOTHING_PHYSICAL}

# The contract's and the lists, written out again on purpose.
ALWAYS_BLOCKING_FLAGS = {
    RedFlagId.HERNIA,
    RedFlagId.ABDOMINAL_AORTIC_ANEURYSM,
    RedFlagId.PULSATILE_ABDOMINAL_MASS,
    RedFlagId.ANTICOAGULANTS_OR_BLEEDING_DISORDER,
}
URGENT_ALONE = {
    RedFlagId.SUDDEN_SEVERE_ABDOMINAL_OR_BACK_PAIN,
    RedFlagId.BOWEL_OR_BLADDER_CHANGE,
    RedFlagId.SADDLE_NUMBNESS,
    RedFlagId.PROGRESSIVE_LEG_WEAKNESS,
    RedFlagId.BOTH_LEGS_SYMPTOMS,
    RedFlagId.NEW_SEXUAL_DYSFUNCTION,
}
PROTECTIVE = {QuestionId.NORMAL_AORTA_SCAN}
NOT_YES_NO = {
    QuestionId.AGE,
    QuestionId.LOW_BACK_PAIN,
    QuestionId.HIP_PAIN,
    QuestionId.RECENT_SURGERY_WHERE,
}
RISK_QUESTIONS = sorted(set(QuestionId) - PROTECTIVE - NOT_YES_NO)


def _absolute_contraindication(intake: Intake) -> bool:
    yes = [
        *(intake.red_flags.answer(flag) for flag in ALWAYS_BLOCKING_FLAGS),
        *(getattr(intake.conditions, c.value) for c in BLOCKING_CONDITIONS),
        intake.person.pregnant,
        intake.person.recent_birth,
        intake.vascular_risk.connective_tissue_disorder,
        intake.answer(QuestionId.RECENT_SURGERY),  # any operation in 12 weeks, any region
    ]
    return any(answer is True for answer in yes)


def _required_unanswered(intake: Intake) -> bool:
    required = [
        *(intake.red_flags.answer(flag) for flag in RedFlagId if flag != "inflammatory_back_pain"),
        *(getattr(intake.conditions, c.value) for c in BLOCKING_CONDITIONS),
        intake.person.pregnant,
        intake.person.recent_birth,
        intake.person.age,
        intake.vascular_risk.connective_tissue_disorder,
        intake.answer(QuestionId.RECENT_SURGERY),
    ]
    return any(answer is None for answer in required)


def _aortic_rule_unmet(intake: Intake) -> bool:
    if intake.vascular_risk.normal_aorta_scan is True:
        return False
    age = intake.person.age
    if age is None or age >= 65:
        return True
    factors = [getattr(intake.vascular_risk, factor.value) for factor in AORTIC_RISK_FACTORS]
    return age >= 50 and any(answer is not False for answer in factors)


def _urgent(answers: dict[str, Any]) -> bool:
    """The rules that mean care now, on answers with nothing left out."""
    pain = any(
        [
            answers["low_back_pain"] > 0,
            answers["hip_pain"] > 0,
            answers["groin_or_hip_referral"],
            answers["unexplained_abdominal_pain"],
            answers["thoracic_pain"],
            answers["sudden_severe_abdominal_or_back_pain"],
        ]
    )
    vessel = answers["abdominal_aortic_aneurysm"] or answers["pulsatile_abdominal_mass"]
    return (
        any(answers[flag.value] for flag in URGENT_ALONE)
        or (vessel and pain)
        or (
            answers["anticoagulants_or_bleeding_disorder"]
            and answers["new_groin_or_thigh_symptoms"]
        )
        or (answers["fever_or_infection"] and answers["low_back_pain"] >= 7)
    )


def _filled(intake: Intake, *, worst: bool) -> dict[str, Any]:
    """Every answer, with those left out filled in as the worst (or the best) they could be."""
    answers: dict[str, Any] = {}
    for question in QuestionId:
        value = intake.answer(question)
        if value is None:
            numeric = question in (QuestionId.LOW_BACK_PAIN, QuestionId.HIP_PAIN)
            value = (10 if worst else 0) if numeric else worst
        answers[question.value] = value
    return answers


def _urgent_question_open(intake: Intake) -> bool:
    """Could an unanswered question still make this urgent (when the answers given do not)?"""
    return _urgent(_filled(intake, worst=True)) and not _urgent(_filled(intake, worst=False))


LUNGES = {"couch_stretch", "side_reach_lunge_stretch", "standing_lunge_stretch"}


def _forbidden(intake: Intake) -> set[str]:
    """What the issue says a plan must leave out, read from the answers, not from the code.

    Unknown is never "no": an answer left out counts as possibly yes here too.
    """
    out: set[str] = set()
    recent = intake.history.recent_regions()
    where_unknown = not recent and intake.answer(QuestionId.RECENT_SURGERY) is not False
    if "hip" in recent or where_unknown:  # hip-sparing: no clamshell, leg swings or lunges
        out |= {"clamshell", "hourly_movement_break", "half_kneeling_psoas_stretch", *LUNGES}
    if recent & {"abdominal", "pelvic", "spinal"} or where_unknown:  # no knees-to-chest
        out |= {"supine_psoas_stretch"}
    if intake.person.pregnant is not False:  # no couch stretch or deep lunges
        out |= {"couch_stretch", "side_reach_lunge_stretch"}
    conditions = intake.conditions
    if conditions.osteoporosis is not False:  # no knees-to-chest
        out |= {"supine_psoas_stretch"}
    if conditions.spinal_stenosis_or_spondylolisthesis is not False:  # fewer extensions
        out |= {"couch_stretch", "side_reach_lunge_stretch"}
    if conditions.uncontrolled_high_blood_pressure is not False:  # no long straining holds
        out |= {"side_plank"}
    return out


def _planned(data: dict[str, Any]) -> tuple[Intake, SafetyResult, Plan]:
    intake = parse_intake(data)
    assessment = assess(intake, KNOWLEDGE)
    return intake, assessment.safety, build_plan(intake, assessment, KNOWLEDGE)


def _permitted(safety: SafetyResult) -> set[str]:
    """The physical techniques (and releases) the screen permits; advice may always appear."""
    return {
        t.id
        for t in KNOWLEDGE.techniques
        if t.kind.value not in NOTHING_PHYSICAL and permitted(t, safety)
    }


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(screened_intakes, one_answer_changed))
def test_no_self_release_with_a_contraindication_an_unanswered_question_or_aortic_risk(
    data: dict[str, Any],
) -> None:
    intake, safety, plan = _planned(data)
    releases = [item for item in plan.items if item.kind is PlanItemKind.SELF_RELEASE]
    if _absolute_contraindication(intake):
        assert not safety.self_release_allowed, "an absolute contraindication"
    if _required_unanswered(intake):
        assert not safety.self_release_allowed, "a required question left unanswered"
    if _aortic_rule_unmet(intake):
        assert not safety.self_release_allowed, "the age and vascular rule"
    if not safety.self_release_allowed:
        assert releases == []
    if releases:
        assert safety.level in (SafetyLevel.CLEAR, SafetyLevel.CAUTION)
        assert all(item.tool in intake.owned_tools() for item in releases)


def _with_yes(data: dict[str, Any], question: QuestionId) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    section, field = QUESTION_FIELDS[question]
    changed.setdefault(section, {})[field] = True
    return changed


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(screened_intakes, one_answer_changed), st.sampled_from(RISK_QUESTIONS))
def test_adding_a_yes_never_lowers_the_level_or_enables_anything(
    data: dict[str, Any], question: QuestionId
) -> None:
    _, before, _ = _planned(data)
    _, after, plan = _planned(_with_yes(data, question))
    assert after.level.rank >= before.level.rank
    assert not (after.self_release_allowed and not before.self_release_allowed)
    assert not (after.stretching_allowed and not before.stretching_allowed)
    assert _permitted(after) <= _permitted(before)
    physical = {item.technique for item in plan.items if item.kind in PHYSICAL_KINDS}
    assert physical <= _permitted(after)


@PROPERTY_SETTINGS
@given(screened_intakes)
def test_unanswered_urgent_level_questions_give_nothing_physical(data: dict[str, Any]) -> None:
    intake, safety, plan = _planned(data)
    if _urgent(_filled(intake, worst=False)):
        assert safety.level is SafetyLevel.URGENT
    if _urgent_question_open(intake):
        assert not safety.stretching_allowed
        assert not safety.self_release_allowed
        assert {item.kind for item in plan.items}.isdisjoint(PHYSICAL_KINDS)
        if safety.level is not SafetyLevel.URGENT:
            assert "answer_safety_questions" in {item.technique for item in plan.items}


@PROPERTY_SETTINGS
@given(screened_intakes)
def test_plans_hold_only_permitted_techniques_and_urgent_only_seek_care(
    data: dict[str, Any],
) -> None:
    intake, safety, plan = _planned(data)
    assert plan.items, "every plan tells the person something to do"
    assert not {item.technique for item in plan.items} & _forbidden(intake)
    for item in plan.items:
        technique = TECHNIQUES[item.technique]
        assert permitted(technique, safety), item.technique
        assert not safety.conditions.intersection(technique.excluded_by), item.technique
        assert item.kind.value == technique.kind.value
        assert item.why
    if safety.level is SafetyLevel.URGENT:
        assert [item.technique for item in plan.items] == ["seek_care_now"]
    if safety.level is SafetyLevel.REFER:
        assert {item.kind for item in plan.items}.isdisjoint(PHYSICAL_KINDS)


@PROPERTY_SETTINGS
@given(screened_intakes)
def test_every_document_validates_against_its_published_schema(data: dict[str, Any]) -> None:
    intake = parse_intake(data)
    assessment = assess(intake, KNOWLEDGE)
    plan = build_plan(intake, assessment, KNOWLEDGE)
    VALIDATORS[ContractName.INTAKE].validate(data)
    VALIDATORS[ContractName.INTAKE].validate(intake.to_document())
    VALIDATORS[ContractName.ASSESSMENT].validate(assessment.to_document())
    VALIDATORS[ContractName.PLAN].validate(plan.to_document())
    assert parse_intake(intake.to_document()) == intake


@PROPERTY_SETTINGS
@given(screened_intakes)
def test_factors_are_bounded_and_ranked(data: dict[str, Any]) -> None:
    factors = assess(parse_intake(data), KNOWLEDGE).factors
    scores = [factor.score for factor in factors]
    assert all(0 < score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({factor.id for factor in factors}) == len(factors)


def _every_single_change() -> list[tuple[str, dict[str, Any]]]:
    """A clear screen with one answer changed, for every answer the screen reads."""
    return [
        (f"{name}-{label}", data)
        for label, base in (
            ("plain", {"schema": "psoas.intake/1"}),
            ("every-cause", {"schema": "psoas.intake/1", **EVERY_CAUSE}),
        )
        for name, data in _single_changes(base)
    ]


def _single_changes(base: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    from tests.factories import YES_NO_FIELDS, _near_clear

    cases = []
    for section, field in YES_NO_FIELDS:
        cases.append((f"{field}=yes", _near_clear(base, 40, {(section, field)}, set(), {}, None)))
        cases.append(
            (f"{field}=left-out", _near_clear(base, 40, set(), {(section, field)}, {}, None))
        )
    for age in (12, 17, 18, 49, 50, 64, 65, 110):
        cases.append((f"age={age}", _near_clear(base, age, set(), set(), {}, None)))
    cases.append(("age=left-out", _near_clear(base, 40, set(), {("person", "age")}, {}, None)))
    for region in ("abdominal", "pelvic", "spinal", "hip", "other"):
        for weeks in (0, 11, 12):
            operation = [{"region": region, "weeks_ago": weeks}]
            cases.append((f"{region}-{weeks}w", _near_clear(base, 40, set(), set(), {}, operation)))
    for pain in (0, 7, 8, 10):
        pains = {"low_back_pain": pain, "hip_pain": pain}
        cases.append((f"pain={pain}", _near_clear(base, 40, set(), set(), pains, None)))
    return cases


SINGLE_CHANGES = _every_single_change()


@pytest.mark.parametrize(("name", "data"), SINGLE_CHANGES, ids=[n for n, _ in SINGLE_CHANGES])
def test_every_answer_changed_alone_obeys_the_rules(name: str, data: dict[str, Any]) -> None:
    """The properties above, for each answer changed alone (hypothesis favours early fields)."""
    intake, safety, plan = _planned(data)
    assert not {item.technique for item in plan.items} & _forbidden(intake)
    if _absolute_contraindication(intake) or _required_unanswered(intake):
        assert not safety.self_release_allowed
    if _aortic_rule_unmet(intake):
        assert not safety.self_release_allowed
    if _urgent(_filled(intake, worst=False)):
        assert safety.level is SafetyLevel.URGENT
        assert [item.technique for item in plan.items] == ["seek_care_now"]
    if _urgent_question_open(intake):
        assert {item.kind for item in plan.items}.isdisjoint(PHYSICAL_KINDS)
    for question in RISK_QUESTIONS:
        after = _planned(_with_yes(data, question))[1]
        assert after.level.rank >= safety.level.rank, question
        assert not (after.self_release_allowed and not safety.self_release_allowed), question
        assert _permitted(after) <= _permitted(safety), question
