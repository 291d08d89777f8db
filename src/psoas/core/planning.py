"""The plan contract (``psoas.plan/1``): a personal program whose every item says why.

How a plan is built, in order:

1. ``urgent``: the only item is the instruction to seek care now.
2. ``refer``: a referral to a clinician plus gentle education, nothing physical.
3. An unanswered question that could mean care is needed now: the item that
   lists those questions (and why each matters), plus reading; nothing
   physical until they are answered.
4. ``clear`` / ``caution``: for each active cause, the techniques the knowledge
   base says address it, ranked by the summed scores of the causes behind
   each; self-release with a tool the person owns (or the options, when they
   own none) only where the screen allows it, with preparation and
   after-care around it. A technique that a condition rules out is replaced by
   the one that stands in for it (the side-lying stretch in pregnancy, the
   walking break after hip surgery), which says what it replaces and why. A
   caution that asks for a clinician's view adds a non-urgent referral.

Whatever the route, every item must be *permitted* (:func:`permitted`): a
technique that a condition found, or left open by an unanswered question,
excludes is dropped last, so no rule above can slip one past the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from psoas.content.models import KnowledgeBase, Schedule, Technique
from psoas.content.vocabulary import (
    Cadence,
    CareAction,
    DerivedConditionId,
    FactorId,
    MedicalConditionId,
    SafetyLevel,
    TechniqueKind,
    ToolId,
)
from psoas.core.assessment import Assessment
from psoas.core.factors import Factor
from psoas.core.intake import Intake
from psoas.core.safety import SafetyResult, open_questions

PLAN_SCHEMA: Literal["psoas.plan/1"] = "psoas.plan/1"

GENERAL_CARE = "general_care"
"""The ``why`` of items offered when no single cause stands out."""

MAINTENANCE = "maintenance"
"""The ``why`` added to items that change when a program moves to its maintenance phase."""

MAINTENANCE_RELEASE = Schedule(cadence=Cadence.WEEKLY, times_per_week=1)
"""Periodic release once the gains hold: enough to keep them, not so much it becomes a chore."""


class ProgramPhase(StrEnum):
    """Where a program is: building change, or keeping it."""

    ACTIVE = "active"
    MAINTENANCE = "maintenance"


class PlanItemKind(StrEnum):
    """The kinds of item a plan may hold (the contract's list)."""

    PREPARATION = "preparation"
    SELF_RELEASE = "self_release"
    STRETCH = "stretch"
    STRENGTHEN = "strengthen"
    ACTIVITY = "activity"
    MOVEMENT_BREAK = "movement_break"
    BREATHING = "breathing"
    PROFESSIONAL_REFERRAL = "professional_referral"
    EDUCATION = "education"


ITEM_ORDER = [
    PlanItemKind.PROFESSIONAL_REFERRAL,
    PlanItemKind.PREPARATION,
    PlanItemKind.BREATHING,
    PlanItemKind.SELF_RELEASE,
    PlanItemKind.STRETCH,
    PlanItemKind.STRENGTHEN,
    PlanItemKind.ACTIVITY,
    PlanItemKind.MOVEMENT_BREAK,
    PlanItemKind.EDUCATION,
]

MOST_PER_KIND = {PlanItemKind.STRETCH: 3, PlanItemKind.STRENGTHEN: 3, PlanItemKind.ACTIVITY: 1}
"""Enough to work on every cause without a program too long to keep up."""

TOOL_PREFERENCE = [ToolId.PSO_RITE, ToolId.QL_CLAW, ToolId.MASSAGE_BALL, ToolId.FOAM_ROLLER]
"""Most specific to the psoas first: shaped tools, then a ball, then a broad roller."""

GENTLEST_FIRST = [ToolId.FOAM_ROLLER, ToolId.MASSAGE_BALL, ToolId.QL_CLAW, ToolId.PSO_RITE]
"""With reduced feeling, the broadest and gentlest pressure first."""


def tool_preference(safety: SafetyResult) -> list[ToolId]:
    """The order tools are chosen in: gentlest first when feeling is (or may be) reduced."""
    if MedicalConditionId.REDUCED_SENSATION in safety.conditions:
        return GENTLEST_FIRST
    return TOOL_PREFERENCE


_HANDLED_SEPARATELY = {
    TechniqueKind.SELF_RELEASE,
    TechniqueKind.MANUAL_RELEASE,
    TechniqueKind.PREPARATION,
    TechniqueKind.PROFESSIONAL_REFERRAL,
}

NOTHING_PHYSICAL = frozenset({TechniqueKind.PROFESSIONAL_REFERRAL, TechniqueKind.EDUCATION})
"""What a plan may hold when the screen refers, or an urgent-level question is open."""

ANSWER_THE_QUESTIONS = "answer_safety_questions"
CHECK_WITH_A_CLINICIAN = "check_with_a_clinician"


def permitted(technique: Technique, safety: SafetyResult) -> bool:
    """Whether the screen lets a plan hold this technique at all.

    ``urgent`` permits only the instruction to seek care now; ``refer``, or an
    unanswered urgent-level question, only referral and reading; otherwise a
    technique is out when a condition found (or left open) excludes it, release
    needs the screen to allow it, and stretching and strengthening need it too.
    """
    if safety.level is SafetyLevel.URGENT:
        return technique.id == "seek_care_now"
    if safety.level is SafetyLevel.REFER or safety.awaits_urgent_answers:
        return technique.kind in NOTHING_PHYSICAL and technique.id != "seek_care_now"
    if safety.conditions.intersection(technique.excluded_by):
        return False
    if technique.kind in (TechniqueKind.SELF_RELEASE, TechniqueKind.MANUAL_RELEASE):
        return safety.self_release_allowed
    if technique.kind is TechniqueKind.PREPARATION:
        return safety.self_release_allowed
    if technique.kind in (TechniqueKind.STRETCH, TechniqueKind.STRENGTHEN):
        return safety.stretching_allowed
    return True


class PlanItem(BaseModel):
    """One thing to do, how much, how often, and why."""

    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    kind: PlanItemKind
    technique: str
    """A technique id from the knowledge base."""
    title: str
    dose: dict[str, int | bool]
    frequency: str
    schedule: Schedule
    """How often, countably: what adherence and calendar reminders use."""
    why: list[str] = Field(min_length=1)
    """Factor ids, safety flags, or ``general_care``."""
    reasons: list[str] = Field(min_length=1)
    """The ``why`` in words."""
    tool: ToolId | None = None
    tool_options: list[ToolId] = []
    """When the person owns no release tool: the tools that would do."""


class Plan(BaseModel):
    """A whole plan document."""

    model_config = ConfigDict(
        frozen=True, populate_by_name=True, json_schema_serialization_defaults_required=True
    )

    schema_id: Literal["psoas.plan/1"] = Field(default=PLAN_SCHEMA, alias="schema")
    phase: ProgramPhase = ProgramPhase.ACTIVE
    safety: SafetyResult
    factors: list[Factor]
    items: list[PlanItem]

    def to_document(self) -> dict[str, Any]:
        """The plan as contract JSON."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return document


@dataclass
class _Draft:
    technique: Technique
    why: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    weight: float = 0.0
    tool_options: list[ToolId] = field(default_factory=list)
    schedule: Schedule | None = None
    """Set only where the program's phase changes the technique's own schedule."""


def build_plan(
    intake: Intake,
    assessment: Assessment,
    knowledge: KnowledgeBase,
    phase: ProgramPhase = ProgramPhase.ACTIVE,
) -> Plan:
    """Build the program for an assessed intake.

    In the maintenance phase (chosen by the progress rules, never by the plan
    itself) release becomes a weekly habit and the maintenance guide is added.
    """
    planner = _Planner(knowledge, assessment.safety)
    safety = assessment.safety
    level = safety.level
    physical = level in (SafetyLevel.CLEAR, SafetyLevel.CAUTION)
    if level is SafetyLevel.URGENT:
        planner.add_referral("seek_care_now", SafetyLevel.URGENT)
    elif level is SafetyLevel.REFER:
        planner.add_referral("see_a_clinician", SafetyLevel.REFER)
        planner.add_open_questions(intake)
        planner.add_education(assessment.factors)
    elif safety.awaits_urgent_answers:
        planner.add_open_questions(intake)
        planner.add_education(assessment.factors)
        physical = False
    else:
        planner.add_self_care(intake, assessment.factors)
        planner.add_stand_ins()
        planner.add_offered_with()
        planner.add_advice()
        if safety.unanswered:
            planner.add_open_questions(intake, urgent_only=False)
        if not planner.items():
            planner.add_general_care(assessment.factors)
        if phase is ProgramPhase.MAINTENANCE:
            planner.maintain()
    return Plan(
        phase=phase if physical else ProgramPhase.ACTIVE,
        safety=assessment.safety,
        factors=assessment.factors,
        items=planner.items(),
    )


class _Planner:
    def __init__(self, knowledge: KnowledgeBase, safety: SafetyResult) -> None:
        self.knowledge = knowledge
        self.safety = safety
        self.techniques = {technique.id: technique for technique in knowledge.techniques}
        self.causes = {cause.id: cause for cause in knowledge.causes}
        self.drafts: dict[str, _Draft] = {}

    def add(self, technique_id: str, why: str, reason: str, weight: float = 0.0) -> _Draft:
        """Add a technique for one reason; a second reason for it joins the first."""
        draft = self.drafts.setdefault(technique_id, _Draft(self.techniques[technique_id]))
        if why not in draft.why:
            draft.why.append(why)
            draft.reasons.append(reason)
            draft.weight += weight
        return draft

    def add_referral(self, technique_id: str, level: SafetyLevel) -> None:
        for reason in self.safety.reasons:
            if reason.level is level:
                self.add(technique_id, reason.flag, reason.message)

    def add_open_questions(self, intake: Intake, *, urgent_only: bool = True) -> None:
        """The questions still open (those that could mean care now, or all), each with why."""
        if urgent_only:
            questions = open_questions(intake, self.knowledge, level=SafetyLevel.URGENT)
            why = DerivedConditionId.UNANSWERED_URGENT_QUESTIONS
        else:
            questions = self.safety.unanswered
            why = DerivedConditionId.UNANSWERED_QUESTIONS
        if not questions:
            return
        draft = self.add(ANSWER_THE_QUESTIONS, why, self.knowledge.rule(why).message)
        for question in questions:
            found = self.knowledge.question(question)
            draft.reasons.append(f"{found.text} {found.why}")

    def add_general_care(self, factors: list[Factor]) -> None:
        """What suits almost everyone, when no cause stands out (or all else is ruled out)."""
        for technique_id in ("diaphragmatic_breathing", "half_kneeling_psoas_stretch", "walking"):
            self.add(technique_id, *self._general_why(factors))
        self.add("psoas_basics", *self._general_why(factors))

    def add_stand_ins(self) -> None:
        """Where a chosen technique is ruled out, the one that stands in for it, saying why."""
        for technique in self.knowledge.techniques:
            replaced = [
                self.drafts[other]
                for other in technique.stands_in_for
                if other in self.drafts and not self._allowed(self.drafts[other].technique)
            ]
            if not replaced or not self._allowed(technique) or technique.id in self.drafts:
                continue
            stand_in = _Draft(technique)
            for draft in replaced:
                for why, reason in zip(draft.why, draft.reasons, strict=False):
                    if why not in stand_in.why:
                        stand_in.why.append(why)
                        stand_in.reasons.append(reason)
                stand_in.weight = max(stand_in.weight, draft.weight)
            names = ", ".join(draft.technique.name.lower() for draft in replaced)
            stand_in.reasons.append(f"Offered instead of: {names}, left out for your safety.")
            self.drafts[technique.id] = stand_in

    def add_offered_with(self) -> None:
        """What suits a condition found (the side-lying stretch in pregnancy), with its why."""
        found = {reason.flag: reason for reason in self.safety.reasons}
        for technique in self.knowledge.techniques:
            for condition in technique.offered_with:
                if condition in found and self._allowed(technique):
                    self.add(technique.id, condition, found[condition].message)

    def add_advice(self) -> None:
        """A caution that asks for a clinician's view: a routine (not urgent) referral."""
        for reason in self.safety.reasons:
            if reason.level is SafetyLevel.CAUTION and reason.action is CareAction.SEE_CLINICIAN:
                self.add(CHECK_WITH_A_CLINICIAN, reason.flag, reason.message)

    def add_education(self, factors: list[Factor]) -> None:
        self.add("psoas_basics", *self._general_why(factors))
        for factor in factors:
            if factor.active and factor.id in (FactorId.PROLONGED_SITTING, FactorId.POOR_POSTURE):
                self.add("sitting_and_posture_basics", factor.id, self._reason(factor))

    def add_self_care(self, intake: Intake, factors: list[Factor]) -> None:
        active = [factor for factor in factors if factor.active]
        for factor in active:
            for technique_id in self.causes[factor.id].addressed_by:
                technique = self.techniques[technique_id]
                if technique.kind in _HANDLED_SEPARATELY:
                    continue
                if technique.for_standing_desk and intake.lifestyle.standing_desk is not True:
                    continue  # advice on using a standing desk, only for those who have one
                self.add(technique_id, factor.id, self._reason(factor), factor.score)
        if not active:
            self.add_general_care(factors)
        if self.safety.self_release_allowed:
            self._add_self_release(intake, active, factors)

    def _add_self_release(
        self, intake: Intake, active: list[Factor], factors: list[Factor]
    ) -> None:
        reasons: list[tuple[str, str]] = [(factor.id, self._reason(factor)) for factor in active]
        reasons = reasons or [self._general_why(factors)]
        owned = [tool for tool in tool_preference(self.safety) if tool in intake.owned_tools()]
        tools = {tool.id: tool for tool in self.knowledge.tools}
        if not owned:
            for why, reason in reasons:
                draft = self.add("choosing_a_release_tool", why, reason)
            draft.tool_options = list(TOOL_PREFERENCE)
            draft.reasons.append("You have no release tool yet: this compares the options.")
            return
        chosen = tools[owned[0]]
        for why, reason in reasons:
            draft = self.add(chosen.technique, why, reason)
            self.add("release_preparation", why, reason)
            self.add("after_care", why, reason)
        draft.reasons.append(f"It uses your {chosen.name}.")

    def maintain(self) -> None:
        reason = (
            "Maintenance: your pain has improved by a meaningful amount and you kept to the "
            "program, so release becomes a weekly habit to hold on to the gains."
        )
        for draft in self.drafts.values():
            if draft.technique.kind is TechniqueKind.SELF_RELEASE:
                draft.why.append(MAINTENANCE)
                draft.reasons.append(reason)
                draft.schedule = MAINTENANCE_RELEASE
        self.add("long_term_maintenance", MAINTENANCE, reason)

    def items(self) -> list[PlanItem]:
        kept = [draft for draft in self.drafts.values() if self._allowed(draft.technique)]
        kept.sort(key=lambda draft: (ITEM_ORDER.index(_kind(draft.technique)), -draft.weight))
        counts: dict[PlanItemKind, int] = {}
        items = []
        for draft in kept:
            kind = _kind(draft.technique)
            counts[kind] = counts.get(kind, 0) + 1
            if counts[kind] <= MOST_PER_KIND.get(kind, len(kept)):
                items.append(_item(draft))
        return items

    def _allowed(self, technique: Technique) -> bool:
        return permitted(technique, self.safety)

    def _reason(self, factor: Factor) -> str:
        return f"{self.causes[factor.id].name}: {factor.explanation}"

    def _general_why(self, factors: list[Factor]) -> tuple[str, str]:
        active = [factor for factor in factors if factor.active]
        if active:
            return active[0].id, self._reason(active[0])
        return GENERAL_CARE, "General care: no single cause stands out in your answers."


def _kind(technique: Technique) -> PlanItemKind:
    return PlanItemKind(technique.kind.value)


def _item(draft: _Draft) -> PlanItem:
    technique = draft.technique
    return PlanItem(
        kind=_kind(technique),
        technique=technique.id,
        title=technique.name,
        dose=technique.dose.model_dump(exclude_none=True, exclude_defaults=False),
        frequency=(
            technique.frequency if draft.schedule is None else "once a week, to keep the gains"
        ),
        schedule=draft.schedule or technique.schedule,
        why=draft.why,
        reasons=draft.reasons,
        tool=technique.tool,
        tool_options=draft.tool_options,
    )
