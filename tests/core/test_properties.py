"""Properties of any valid intake: safety wins, ids resolve, outputs match their schemas."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator

from psoas.content import KnowledgeBase, load_knowledge_base
from psoas.content.vocabulary import SafetyLevel
from psoas.core.assessment import assess
from psoas.core.intake import Intake, parse_intake
from psoas.core.planning import Plan, PlanItemKind, build_plan
from psoas.core.safety import ABSOLUTE_CONTRAINDICATIONS, conditions_present
from psoas.core.schemas import ContractName, json_schema
from tests.factories import valid_intakes

KNOWLEDGE: KnowledgeBase = load_knowledge_base()
TECHNIQUES = {technique.id: technique for technique in KNOWLEDGE.techniques}
VALIDATORS = {name: Draft202012Validator(json_schema(name)) for name in ContractName}
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _planned(data: dict[str, Any]) -> tuple[Intake, Plan]:
    intake = parse_intake(data)
    return intake, build_plan(intake, assess(intake, KNOWLEDGE), KNOWLEDGE)


@PROPERTY_SETTINGS
@given(valid_intakes)
def test_no_self_release_with_a_contraindication_or_an_unanswered_flag(
    data: dict[str, Any],
) -> None:
    intake, plan = _planned(data)
    releases = [item for item in plan.items if item.kind is PlanItemKind.SELF_RELEASE]
    contraindicated = ABSOLUTE_CONTRAINDICATIONS.intersection(conditions_present(intake))
    if contraindicated or intake.unanswered_red_flags():
        assert releases == []
        assert not plan.safety.self_release_allowed
    if releases:
        assert plan.safety.level in (SafetyLevel.CLEAR, SafetyLevel.CAUTION)
        assert all(item.tool in intake.owned_tools() for item in releases)


@PROPERTY_SETTINGS
@given(valid_intakes)
def test_plans_hold_only_known_techniques_that_nothing_present_excludes(
    data: dict[str, Any],
) -> None:
    intake, plan = _planned(data)
    present = set(conditions_present(intake))
    assert plan.items, "every plan tells the person something to do"
    for item in plan.items:
        technique = TECHNIQUES[item.technique]
        assert not present.intersection(technique.excluded_by), item.technique
        assert item.kind.value == technique.kind.value
        assert item.why
    if plan.safety.level is SafetyLevel.URGENT:
        assert [item.technique for item in plan.items] == ["seek_care_now"]
    if plan.safety.level is SafetyLevel.REFER:
        physical = {PlanItemKind.PROFESSIONAL_REFERRAL, PlanItemKind.EDUCATION}
        assert {item.kind for item in plan.items} <= physical


@PROPERTY_SETTINGS
@given(valid_intakes)
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
@given(valid_intakes)
def test_factors_are_bounded_and_ranked(data: dict[str, Any]) -> None:
    factors = assess(parse_intake(data), KNOWLEDGE).factors
    scores = [factor.score for factor in factors]
    assert all(0 < score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({factor.id for factor in factors}) == len(factors)
