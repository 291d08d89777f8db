"""The safety screen: may this person do psoas self-care, and if not, what should they do?

Conservative by design, and never fooled by a missing answer:

- Every condition the screen knows is read from the intake as **yes**, **no** or
  **open** (three-valued logic: an unanswered question is "possibly yes"). A
  condition built from several answers (say, blood thinners *and* new groin pain)
  is open while it could still come out yes.
- The level is the most serious condition found (yes). Self-release is allowed
  only at ``clear`` or ``caution``, when no condition found blocks it, and when
  no open condition could block it: unknown is never "no".
- An open condition that would be ``urgent`` stops everything physical until the
  questions behind it are answered.
- An open ``caution`` condition changes the plan as if it were present (its
  techniques are left out); an open ``refer`` one keeps release off.
- The absolute contraindications below block self-release in code as well as in
  the knowledge base, so no edit to the data files can switch it back on for them.

The numbers (ages, pain scores, the surgery window) come from the knowledge
base's ``thresholds.yaml``, each with its source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from psoas.content.models import KnowledgeBase, SafetyRule
from psoas.content.vocabulary import (
    AORTIC_RISK_FACTORS,
    SCREENED_CONDITIONS,
    CareAction,
    ConditionId,
    DerivedConditionId,
    MedicalConditionId,
    QuestionId,
    RedFlagId,
    SafetyLevel,
    ThresholdId,
    VascularRiskId,
)
from psoas.core.intake import Intake, SurgeryRegion

Derived = DerivedConditionId
Medical = MedicalConditionId

ABSOLUTE_CONTRAINDICATIONS: frozenset[ConditionId] = frozenset(
    {
        Derived.PREGNANT,
        Derived.RECENT_BIRTH,
        RedFlagId.HERNIA,
        RedFlagId.ABDOMINAL_AORTIC_ANEURYSM,
        RedFlagId.PULSATILE_ABDOMINAL_MASS,
        RedFlagId.ANTICOAGULANTS_OR_BLEEDING_DISORDER,
        Derived.RECENT_TRUNK_SURGERY,
        Derived.RECENT_HIP_SURGERY,
        Derived.RECENT_OTHER_SURGERY,
        Derived.AORTIC_RISK,
        Derived.SYMPTOMATIC_ANEURYSM,
        Derived.POSSIBLE_PSOAS_BLEED,
        Derived.SEVERE_PAIN_NOW,
        VascularRiskId.CONNECTIVE_TISSUE_DISORDER,
        Medical.AORTIC_GRAFT_STENT_OR_DISSECTION,
        Medical.DEEP_VEIN_THROMBOSIS,
        Medical.KIDNEY_OR_PANCREAS_TRANSPLANT,
        Medical.POLYCYSTIC_KIDNEYS,
        Medical.KIDNEY_STONE_OR_INFECTION,
        Medical.BOWEL_INFLAMMATION,
        Medical.UNEXPLAINED_ABDOMINAL_PAIN,
        Medical.LIVER_DISEASE_VARICES_OR_ASCITES,
        Medical.ABDOMINAL_DEVICE,
        Medical.OVARIAN_CYST_OR_ENDOMETRIOSIS,
    }
)
"""Conditions under which sustained abdominal pressure is never offered, whatever the data says."""

SELF_CARE_LEVELS = frozenset({SafetyLevel.CLEAR, SafetyLevel.CAUTION})

TRUNK_REGIONS = frozenset({SurgeryRegion.ABDOMINAL, SurgeryRegion.PELVIC, SurgeryRegion.SPINAL})


class SafetyReason(BaseModel):
    """One finding of the screen, with what it means and what to do."""

    model_config = ConfigDict(frozen=True)

    flag: str
    """A red-flag id, a condition id or a derived condition id."""
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
    """Stretching and strengthening; false at refer and urgent, and while an urgent-level
    question is unanswered."""
    unanswered: list[QuestionId]
    """Questions left unanswered that the screen needed (red-flag ids are question ids)."""
    reasons: list[SafetyReason]
    uncertain: list[str] = []
    """Conditions an unanswered question leaves open: the plan leaves out what they would."""

    @property
    def conditions(self) -> frozenset[str]:
        """Every condition found or left open, for filtering techniques."""
        return frozenset(reason.flag for reason in self.reasons) | frozenset(self.uncertain)

    @property
    def awaits_urgent_answers(self) -> bool:
        """Whether an unanswered question could mean care is needed now."""
        return Derived.UNANSWERED_URGENT_QUESTIONS in self.conditions


@dataclass(frozen=True)
class Finding:
    """A condition read from the answers: yes (True), no (False) or open (None).

    ``open`` holds the unanswered questions that could still make it yes.
    """

    state: bool | None
    open: frozenset[QuestionId] = frozenset()


NO = Finding(False)
YES = Finding(True)


def all_of(*findings: Finding) -> Finding:
    """Yes when every part is yes; no as soon as one is no; otherwise open."""
    if any(finding.state is False for finding in findings):
        return NO
    if all(finding.state is True for finding in findings):
        return YES
    return Finding(None, _open_of(findings))


def any_of(*findings: Finding) -> Finding:
    """Yes as soon as one part is yes; no when every part is no; otherwise open."""
    if any(finding.state is True for finding in findings):
        return YES
    if all(finding.state is False for finding in findings):
        return NO
    return Finding(None, _open_of(findings))


def _open_of(findings: Iterable[Finding]) -> frozenset[QuestionId]:
    return frozenset().union(*(finding.open for finding in findings if finding.state is None))


class _Reader:
    """Reads findings from one intake, with the knowledge base's thresholds."""

    def __init__(self, intake: Intake, knowledge: KnowledgeBase) -> None:
        self.intake = intake
        self.knowledge = knowledge

    def yes(self, question: QuestionId) -> Finding:
        answer = self.intake.answer(question)
        return Finding(None, frozenset({question})) if answer is None else Finding(bool(answer))

    def at_least(self, question: QuestionId, threshold: ThresholdId | float) -> Finding:
        answer = self.intake.answer(question)
        if answer is None:
            return Finding(None, frozenset({question}))
        limit = self.knowledge.threshold(threshold) if isinstance(threshold, str) else threshold
        return Finding(answer >= limit)

    def below(self, question: QuestionId, threshold: ThresholdId) -> Finding:
        answer = self.intake.answer(question)
        if answer is None:
            return Finding(None, frozenset({question}))
        return Finding(answer < self.knowledge.threshold(threshold))

    def not_shown_safe(self, question: QuestionId) -> Finding:
        """A protective answer: only an explicit yes protects; unknown does not."""
        return Finding(self.intake.answer(question) is not True)

    def recent_surgery(self, regions: frozenset[SurgeryRegion]) -> Finding:
        history = self.intake.history
        answer = history.recent_surgery_answer()
        listed = history.recent_regions()
        if listed & regions:
            return YES
        if answer is False or listed:
            return NO  # no operation, or the recent ones listed are elsewhere
        if answer is True:  # "yes", but not where: every region stays open
            return Finding(None, frozenset({QuestionId.RECENT_SURGERY_WHERE}))
        return Finding(None, frozenset({QuestionId.RECENT_SURGERY}))


def _derived(read: _Reader) -> dict[ConditionId, Finding]:
    q = QuestionId
    pain_anywhere = any_of(
        read.at_least(q.LOW_BACK_PAIN, 1),
        read.at_least(q.HIP_PAIN, 1),
        read.yes(q.GROIN_OR_HIP_REFERRAL),
        read.yes(q.UNEXPLAINED_ABDOMINAL_PAIN),
        read.yes(q.THORACIC_PAIN),
        read.yes(q.SUDDEN_SEVERE_ABDOMINAL_OR_BACK_PAIN),
    )
    aortic_factors = any_of(*(read.yes(QuestionId(f.value)) for f in AORTIC_RISK_FACTORS))
    return {
        Derived.PREGNANT: read.yes(q.PREGNANT),
        Derived.RECENT_BIRTH: read.yes(q.RECENT_BIRTH),
        Derived.RECENT_TRUNK_SURGERY: read.recent_surgery(TRUNK_REGIONS),
        Derived.RECENT_HIP_SURGERY: read.recent_surgery(frozenset({SurgeryRegion.HIP})),
        Derived.RECENT_OTHER_SURGERY: read.recent_surgery(frozenset({SurgeryRegion.OTHER})),
        Derived.SEVERE_PAIN_NOW: any_of(
            read.at_least(q.LOW_BACK_PAIN, ThresholdId.PAIN_PAUSE_SCORE),
            read.at_least(q.HIP_PAIN, ThresholdId.PAIN_PAUSE_SCORE),
        ),
        Derived.AORTIC_RISK: all_of(
            read.not_shown_safe(q.NORMAL_AORTA_SCAN),
            any_of(
                read.at_least(q.AGE, ThresholdId.AORTIC_AGE_ANY),
                all_of(read.at_least(q.AGE, ThresholdId.AORTIC_AGE_WITH_RISK), aortic_factors),
            ),
        ),
        Derived.SYMPTOMATIC_ANEURYSM: all_of(
            any_of(read.yes(q.ABDOMINAL_AORTIC_ANEURYSM), read.yes(q.PULSATILE_ABDOMINAL_MASS)),
            pain_anywhere,
        ),
        Derived.POSSIBLE_PSOAS_BLEED: all_of(
            read.yes(q.ANTICOAGULANTS_OR_BLEEDING_DISORDER),
            read.yes(q.NEW_GROIN_OR_THIGH_SYMPTOMS),
        ),
        Derived.FEVER_WITH_SEVERE_PAIN: all_of(
            read.yes(q.FEVER_OR_INFECTION),
            read.at_least(q.LOW_BACK_PAIN, ThresholdId.SEVERE_PAIN_WITH_FEVER),
        ),
        Derived.YOUNG_HIP_PAIN: all_of(
            read.below(q.AGE, ThresholdId.ADULT_AGE),
            any_of(read.at_least(q.HIP_PAIN, 1), read.yes(q.GROIN_OR_HIP_REFERRAL)),
        ),
        Derived.NIGHT_PAIN_WITH_RISK: all_of(
            read.yes(q.NIGHT_PAIN_AT_REST),
            any_of(
                read.at_least(q.AGE, ThresholdId.NIGHT_PAIN_AGE),
                read.yes(q.UNEXPLAINED_WEIGHT_LOSS),
                read.yes(q.CANCER_HISTORY),
            ),
        ),
        Derived.FRAGILITY_FRACTURE_RISK: all_of(
            any_of(read.yes(q.OSTEOPOROSIS), read.yes(q.LONG_TERM_STEROIDS)),
            read.yes(q.RECENT_TRAUMA),
        ),
    }


_ANSWERED_ONCE: tuple[ConditionId, ...] = (
    *RedFlagId,
    *MedicalConditionId,
    VascularRiskId.CONNECTIVE_TISSUE_DISORDER,
)
"""Conditions that are one yes/no question each."""


def findings(intake: Intake, knowledge: KnowledgeBase) -> dict[ConditionId, Finding]:
    """Every condition the screen knows (but the two summaries), read from the intake."""
    read = _Reader(intake, knowledge)
    found: dict[ConditionId, Finding] = {
        condition: read.yes(QuestionId(condition.value)) for condition in _ANSWERED_ONCE
    }
    found.update(_derived(read))
    return found


def conditions_present(intake: Intake, knowledge: KnowledgeBase) -> list[ConditionId]:
    """The conditions found (answered so that they are yes), in the knowledge base's order."""
    found = findings(intake, knowledge)
    return [c for c in SCREENED_CONDITIONS if c in found and found[c].state is True]


def open_questions(
    intake: Intake, knowledge: KnowledgeBase, *, level: SafetyLevel
) -> list[QuestionId]:
    """The unanswered questions that could still bring a condition of ``level``."""
    questions: set[QuestionId] = set()
    for condition, finding in findings(intake, knowledge).items():
        if finding.state is None and knowledge.rule(condition).level is level:
            questions |= finding.open
    return [question for question in QuestionId if question in questions]


def screen(intake: Intake, knowledge: KnowledgeBase) -> SafetyResult:
    """Run the safety screen over an intake."""
    rules: dict[str, SafetyRule] = {rule.id: rule for rule in knowledge.safety_rules}
    found = findings(intake, knowledge)
    present: list[ConditionId] = [c for c, f in found.items() if f.state is True]
    undecided = [c for c, f in found.items() if f.state is None]
    blocking_open = [c for c in undecided if _blocks(rules[c], c)]
    urgent_open = [c for c in undecided if rules[c].level is SafetyLevel.URGENT]
    if urgent_open:  # says more than "unanswered questions", and keeps release off too
        present.append(Derived.UNANSWERED_URGENT_QUESTIONS)
    elif blocking_open:
        present.append(Derived.UNANSWERED_QUESTIONS)
    applied = [rules[condition] for condition in present]
    level = max((rule.level for rule in applied), key=lambda lvl: lvl.rank, default=None)
    level = level or SafetyLevel.CLEAR
    open_questions = frozenset().union(*(found[c].open for c in undecided))
    return SafetyResult(
        level=level,
        self_release_allowed=(
            level in SELF_CARE_LEVELS
            and not blocking_open  # in code: unknown is never "no", whatever the data says
            and not any(_blocks(rules[c], c) for c in present)
        ),
        stretching_allowed=level in SELF_CARE_LEVELS and not urgent_open,
        unanswered=[question for question in QuestionId if question in open_questions],
        reasons=[_reason(rule) for rule in _most_serious_first(applied)],
        uncertain=[
            str(condition)
            for condition in SCREENED_CONDITIONS
            if condition in undecided and rules[condition].level is SafetyLevel.CAUTION
        ],
    )


def _blocks(rule: SafetyRule, condition: str) -> bool:
    return rule.blocks_self_release or condition in ABSOLUTE_CONTRAINDICATIONS


def _most_serious_first(rules: list[SafetyRule]) -> list[SafetyRule]:
    order = {condition: n for n, condition in enumerate(SCREENED_CONDITIONS)}
    return sorted(rules, key=lambda rule: (-rule.level.rank, order[rule.id]))


def _reason(rule: SafetyRule) -> SafetyReason:
    return SafetyReason(flag=rule.id, level=rule.level, action=rule.action, message=rule.message)
