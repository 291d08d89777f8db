"""The cause profile: which of the six causes most likely tighten this person's psoas.

Each factor is scored 0..1 from the answers that bear on it, and explained
in the person's own answers ("you sit about 10 hours a day"), so they can
see why it ranks where it does and correct an answer that is wrong. The
weights are a transparent heuristic for ranking, not a validated instrument:
the profile guides which care comes first and is never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from psoas.content.vocabulary import FactorId
from psoas.core.intake import ActivityKind, InjuryKind, Intake

ACTIVE_THRESHOLD = 0.25
"""A factor scoring at least this much shapes the plan."""


class Factor(BaseModel):
    """One contributing cause, scored and explained."""

    model_config = ConfigDict(frozen=True)

    id: FactorId
    score: float = Field(ge=0, le=1)
    explanation: str

    @property
    def active(self) -> bool:
        """Whether the factor is strong enough to shape the plan."""
        return self.score >= ACTIVE_THRESHOLD


_Evidence = tuple[float, list[str]]


def profile(intake: Intake) -> list[Factor]:
    """Score every cause the answers point to, strongest first (ties in contract order)."""
    factors = []
    for factor_id, scorer in _SCORERS.items():
        score, evidence = scorer(intake)
        score = round(min(max(score, 0.0), 1.0), 2)
        if score > 0:
            factors.append(Factor(id=factor_id, score=score, explanation=_sentence(evidence)))
    return sorted(factors, key=lambda factor: -factor.score)


def _prolonged_sitting(intake: Intake) -> _Evidence:
    lifestyle, evidence = intake.lifestyle, []
    score = 0.0
    hours = lifestyle.sitting_hours_per_day
    if hours is not None:
        # 4 hours a day is ordinary; 12 or more keeps the hip flexed most of the waking day.
        score = (hours - 4) / 8
        evidence.append(f"you sit about {_hours(hours)} a day")
    if intake.symptoms.worse_after_sitting and score > 0:
        score += 0.15
        evidence.append("your pain is worse after sitting")
    if lifestyle.standing_desk and score > 0:
        score -= 0.15
        evidence.append("a standing desk already breaks some of that up")
    return score, evidence


_HIP_FLEXION_SPORTS = {
    ActivityKind.RUNNING: ("run", 1.0),
    ActivityKind.CYCLING: ("cycle", 1.0),
    ActivityKind.FOOTBALL: ("play football", 1.0),
    ActivityKind.DANCE: ("dance", 0.9),
    ActivityKind.ROWING: ("row", 0.9),
    ActivityKind.OTHER: ("do another hip-flexing sport", 0.6),
}


def _repetitive_hip_flexion(intake: Intake) -> _Evidence:
    load, evidence = 0.0, []
    for activity in intake.lifestyle.activities or ():
        verb, weight = _HIP_FLEXION_SPORTS[activity.kind]
        load += weight * activity.sessions_per_week
        if activity.sessions_per_week:
            evidence.append(f"you {verb} {_times(activity.sessions_per_week)} a week")
    # Six sessions a week of hip-flexion sport counts as a full load.
    return load / 6, evidence


def _poor_posture(intake: Intake) -> _Evidence:
    score, evidence = 0.0, []
    if intake.posture.anterior_pelvic_tilt:
        score += 0.55
        evidence.append("your pelvis tips forward (anterior pelvic tilt)")
    if intake.posture.exaggerated_lumbar_curve:
        score += 0.45
        evidence.append("your lower back has a deep inward curve")
    return score, evidence


def _stress(intake: Intake) -> _Evidence:
    score, evidence = 0.0, []
    stress = intake.lifestyle.stress
    if stress is not None:
        # Stress up to 3 of 10 is everyday; above that it adds guarding and shallow breathing.
        score = max(stress - 3, 0) / 6
        evidence.append(f"you rate your stress {stress} out of 10")
    if intake.symptoms.shallow_breathing:
        score += 0.2
        evidence.append("you notice shallow breathing")
    if intake.symptoms.muscle_spasms and score > 0:
        score += 0.1
        evidence.append("you have muscle spasms")
    return score, evidence


def _muscle_imbalance(intake: Intake) -> _Evidence:
    score, evidence = 0.0, []
    if intake.strength.weak_core:
        score += 0.5
        evidence.append("your core is weak")
    if intake.strength.weak_glutes:
        score += 0.5
        evidence.append("your glutes are weak")
    return score, evidence


_INJURY_WORDS = {
    InjuryKind.LOW_BACK_STRAIN: ("a low back strain", 0.6),
    InjuryKind.HIP_INJURY: ("a hip injury", 0.6),
    InjuryKind.OTHER: ("another injury", 0.3),
}


def _previous_injury(intake: Intake) -> _Evidence:
    score, evidence = 0.0, []
    for injury in intake.history.injuries or ():
        words, weight = _INJURY_WORDS[injury]
        score += weight
        evidence.append(f"you have had {words}")
    for surgery in intake.history.surgeries or ():
        score += 0.3
        evidence.append(f"you had {surgery.region.value} surgery {_weeks(surgery.weeks_ago)}")
    return score, evidence


_SCORERS: dict[FactorId, Callable[[Intake], _Evidence]] = {
    FactorId.PROLONGED_SITTING: _prolonged_sitting,
    FactorId.REPETITIVE_HIP_FLEXION: _repetitive_hip_flexion,
    FactorId.POOR_POSTURE: _poor_posture,
    FactorId.STRESS: _stress,
    FactorId.MUSCLE_IMBALANCE: _muscle_imbalance,
    FactorId.PREVIOUS_INJURY: _previous_injury,
}


def _sentence(evidence: list[str]) -> str:
    if len(evidence) > 1:
        text = ", ".join(evidence[:-1]) + " and " + evidence[-1]
    else:
        text = evidence[0]
    return text[0].upper() + text[1:] + "."


def _hours(hours: float) -> str:
    shown = f"{hours:g}" if hours != int(hours) else str(int(hours))
    return "1 hour" if shown == "1" else f"{shown} hours"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _weeks(weeks: int) -> str:
    if weeks == 0:
        return "this week"
    if weeks < 104:
        return "1 week ago" if weeks == 1 else f"{weeks} weeks ago"
    return f"about {weeks // 52} years ago"
