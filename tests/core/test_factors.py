"""The cause profile: hand-checked scores and explanations that quote the person's answers."""

from __future__ import annotations

from psoas.content.vocabulary import FactorId
from psoas.core.factors import profile
from psoas.core.intake import parse_intake
from tests.factories import intake


def _profile(**sections: object) -> dict[FactorId, tuple[float, str]]:
    return {f.id: (f.score, f.explanation) for f in profile(parse_intake(intake(**sections)))}


def test_sitting_is_scored_from_hours_and_quoted() -> None:
    factors = _profile(
        lifestyle={"sitting_hours_per_day": 10}, symptoms={"worse_after_sitting": True}
    )
    # (10 - 4) / 8 = 0.75, plus 0.15 for pain worse after sitting.
    assert factors[FactorId.PROLONGED_SITTING] == (
        0.9,
        "You sit about 10 hours a day and your pain is worse after sitting.",
    )


def test_a_standing_desk_lowers_the_sitting_score() -> None:
    factors = _profile(lifestyle={"sitting_hours_per_day": 8, "standing_desk": True})
    assert factors[FactorId.PROLONGED_SITTING][0] == 0.35  # 0.5 - 0.15


def test_hip_flexion_sports_add_up_per_week() -> None:
    activities = [
        {"kind": "running", "sessions_per_week": 4},
        {"kind": "cycling", "sessions_per_week": 2},
    ]
    factors = _profile(lifestyle={"activities": activities})
    assert factors[FactorId.REPETITIVE_HIP_FLEXION] == (
        1.0,
        "You run 4 times a week and you cycle twice a week.",
    )


def test_stress_counts_above_everyday_levels() -> None:
    assert FactorId.STRESS not in _profile(lifestyle={"stress": 3})
    score, explanation = _profile(lifestyle={"stress": 9}, symptoms={"shallow_breathing": True})[
        FactorId.STRESS
    ]
    assert score == 1.0
    assert explanation == "You rate your stress 9 out of 10 and you notice shallow breathing."


def test_posture_imbalance_and_injury() -> None:
    factors = _profile(
        posture={"anterior_pelvic_tilt": True},
        strength={"weak_core": True, "weak_glutes": True},
        history={"injuries": ["hip_injury"], "surgeries": [{"region": "hip", "weeks_ago": 60}]},
    )
    assert factors[FactorId.POOR_POSTURE][0] == 0.55
    assert factors[FactorId.MUSCLE_IMBALANCE] == (
        1.0,
        "Your core is weak and your glutes are weak.",
    )
    assert factors[FactorId.PREVIOUS_INJURY] == (
        0.9,
        "You have had a hip injury and you had hip surgery 60 weeks ago.",
    )


def test_strongest_first_and_nothing_without_evidence() -> None:
    ranked = profile(
        parse_intake(
            intake(
                lifestyle={"sitting_hours_per_day": 6, "stress": 9}, strength={"weak_core": True}
            )
        )
    )
    assert [f.id for f in ranked] == [
        FactorId.STRESS,
        FactorId.MUSCLE_IMBALANCE,
        FactorId.PROLONGED_SITTING,
    ]
    assert profile(parse_intake(intake())) == []
