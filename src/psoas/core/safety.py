"""The safety screen: may this person do psoas self-care, and if not, what should they do?

Conservative by design. The level is the most serious of the reasons found;
an unanswered red-flag question blocks self-release; and the contract's
absolute contraindications block it in code as well as in the knowledge base,
so no edit to the data files can ever switch self-release back on for them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from psoas.content.models import KnowledgeBase, SafetyRule
from psoas.content.vocabulary import (
    CareAction,
    ConditionId,
    DerivedConditionId,
    RedFlagId,
    SafetyLevel,
)
from psoas.core.intake import Intake, SurgeryRegion

ABSOLUTE_CONTRAINDICATIONS: frozenset[ConditionId] = frozenset(
    {
        DerivedConditionId.PREGNANT,
        RedFlagId.HERNIA,
        RedFlagId.ABDOMINAL_AORTIC_ANEURYSM,
        RedFlagId.PULSATILE_ABDOMINAL_MASS,
        DerivedConditionId.RECENT_TRUNK_SURGERY,
    }
)
"""Conditions under which sustained abdominal pressure is never offered (the contract's list)."""

SELF_CARE_LEVELS = frozenset({SafetyLevel.CLEAR, SafetyLevel.CAUTION})


class SafetyReason(BaseModel):
    """One finding of the screen, with what it means and what to do."""

    model_config = ConfigDict(frozen=True)

    flag: str
    """A red-flag id or a derived condition id."""
    level: SafetyLevel
    action: CareAction
    message: str


class SafetyResult(BaseModel):
    """The outcome of the screen, as the assessment contract prints it."""

    model_config = ConfigDict(frozen=True)

    level: SafetyLevel
    self_release_allowed: bool
    """Sustained pressure on the abdomen, by tool or by hand."""
    stretching_allowed: bool
    unanswered: list[RedFlagId]
    reasons: list[SafetyReason]

    @property
    def conditions(self) -> frozenset[str]:
        """Every condition id found, for filtering techniques."""
        return frozenset(reason.flag for reason in self.reasons)


def conditions_present(intake: Intake) -> list[ConditionId]:
    """Red flags answered yes, then conditions read from other answers, in a stable order."""
    found: list[ConditionId] = list(intake.present_red_flags())
    if intake.person.pregnant is True:
        found.append(DerivedConditionId.PREGNANT)
    if intake.recent_surgery(SurgeryRegion.ABDOMINAL, SurgeryRegion.PELVIC, SurgeryRegion.SPINAL):
        found.append(DerivedConditionId.RECENT_TRUNK_SURGERY)
    if intake.recent_surgery(SurgeryRegion.HIP):
        found.append(DerivedConditionId.RECENT_HIP_SURGERY)
    if intake.unanswered_red_flags():
        found.append(DerivedConditionId.UNANSWERED_QUESTIONS)
    return found


def screen(intake: Intake, knowledge: KnowledgeBase) -> SafetyResult:
    """Run the safety screen over an intake."""
    rules = {rule.id: rule for rule in knowledge.safety_rules}
    found = conditions_present(intake)
    applied = [rules[condition] for condition in found]
    level = max((rule.level for rule in applied), key=lambda lvl: lvl.rank, default=None)
    level = level or SafetyLevel.CLEAR
    unanswered = intake.unanswered_red_flags()
    return SafetyResult(
        level=level,
        self_release_allowed=_self_release_allowed(level, found, applied),
        stretching_allowed=level in SELF_CARE_LEVELS,
        unanswered=unanswered,
        reasons=[_reason(rule, unanswered) for rule in _most_serious_first(applied)],
    )


def _self_release_allowed(
    level: SafetyLevel, found: list[ConditionId], applied: list[SafetyRule]
) -> bool:
    if level not in SELF_CARE_LEVELS:
        return False
    if any(condition in ABSOLUTE_CONTRAINDICATIONS for condition in found):
        return False
    if DerivedConditionId.UNANSWERED_QUESTIONS in found:
        return False
    return not any(rule.blocks_self_release for rule in applied)


def _most_serious_first(rules: list[SafetyRule]) -> list[SafetyRule]:
    return sorted(rules, key=lambda rule: -rule.level.rank)  # sorted() is stable


def _reason(rule: SafetyRule, unanswered: list[RedFlagId]) -> SafetyReason:
    message = rule.message
    if rule.id == DerivedConditionId.UNANSWERED_QUESTIONS:
        listed = ", ".join(flag.value for flag in unanswered)
        message = f"{message} Not answered: {listed}."
    return SafetyReason(flag=rule.id, level=rule.level, action=rule.action, message=message)
