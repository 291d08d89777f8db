"""The fixed words of the domain: the ids that data files, rules and contracts share.

The values are part of the public contracts (``docs/schemas/``): they
appear in intake files, assessment and plan JSON, and knowledge-base YAML.
Adding a member is safe; renaming or removing one is a contract change.
"""

from enum import StrEnum


class FactorId(StrEnum):
    """A cause that tightens the psoas, as scored in the cause profile."""

    PROLONGED_SITTING = "prolonged_sitting"
    REPETITIVE_HIP_FLEXION = "repetitive_hip_flexion"
    POOR_POSTURE = "poor_posture"
    STRESS = "stress"
    MUSCLE_IMBALANCE = "muscle_imbalance"
    PREVIOUS_INJURY = "previous_injury"


class RedFlagId(StrEnum):
    """A red-flag question of the intake's safety screen."""

    ABDOMINAL_AORTIC_ANEURYSM = "abdominal_aortic_aneurysm"
    PULSATILE_ABDOMINAL_MASS = "pulsatile_abdominal_mass"
    SUDDEN_SEVERE_ABDOMINAL_OR_BACK_PAIN = "sudden_severe_abdominal_or_back_pain"
    HERNIA = "hernia"
    BOWEL_OR_BLADDER_CHANGE = "bowel_or_bladder_change"
    SADDLE_NUMBNESS = "saddle_numbness"
    PROGRESSIVE_LEG_WEAKNESS = "progressive_leg_weakness"
    FEVER_OR_INFECTION = "fever_or_infection"
    UNEXPLAINED_WEIGHT_LOSS = "unexplained_weight_loss"
    CANCER_HISTORY = "cancer_history"
    ANTICOAGULANTS_OR_BLEEDING_DISORDER = "anticoagulants_or_bleeding_disorder"
    RECENT_TRAUMA = "recent_trauma"
    NIGHT_PAIN_AT_REST = "night_pain_at_rest"


class DerivedConditionId(StrEnum):
    """A safety-relevant condition read from answers other than the red flags."""

    PREGNANT = "pregnant"
    RECENT_TRUNK_SURGERY = "recent_trunk_surgery"
    """Abdominal, pelvic or spinal surgery in the last 12 weeks."""
    RECENT_HIP_SURGERY = "recent_hip_surgery"
    """Hip surgery in the last 12 weeks."""
    UNANSWERED_QUESTIONS = "unanswered_questions"
    """One or more red-flag questions left unanswered."""


ConditionId = RedFlagId | DerivedConditionId
"""Anything that can exclude a technique or appear as a safety reason."""


class SafetyLevel(StrEnum):
    """Outcome of the safety screen, from least to most serious."""

    CLEAR = "clear"
    CAUTION = "caution"
    REFER = "refer"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Position in the order clear < caution < refer < urgent."""
        return _LEVEL_ORDER.index(self)


_LEVEL_ORDER = (SafetyLevel.CLEAR, SafetyLevel.CAUTION, SafetyLevel.REFER, SafetyLevel.URGENT)


class CareAction(StrEnum):
    """What a person should do about a safety reason."""

    SEEK_CARE_NOW = "seek_care_now"
    SEE_CLINICIAN = "see_clinician"
    MODIFY = "modify"


class ToolId(StrEnum):
    """A self-release tool a person may own."""

    PSO_RITE = "pso_rite"
    QL_CLAW = "ql_claw"
    FOAM_ROLLER = "foam_roller"
    MASSAGE_BALL = "massage_ball"


class TechniqueKind(StrEnum):
    """What a technique is for; plan items reuse these as their ``kind``."""

    PREPARATION = "preparation"
    SELF_RELEASE = "self_release"
    MANUAL_RELEASE = "manual_release"
    STRETCH = "stretch"
    STRENGTHEN = "strengthen"
    ACTIVITY = "activity"
    MOVEMENT_BREAK = "movement_break"
    BREATHING = "breathing"
    PROFESSIONAL_REFERRAL = "professional_referral"
    EDUCATION = "education"


class Cadence(StrEnum):
    """How often a technique is meant to be done, in a form that can be counted and scheduled."""

    DAILY = "daily"
    WEEKLY = "weekly"
    """``times_per_week`` says how many."""
    HOURLY_WHILE_SITTING = "hourly_while_sitting"
    WITH_RELEASE = "with_release"
    """Done as part of every release session, not on its own."""
    ONCE = "once"


class MetricId(StrEnum):
    """What progress is followed on: each one a series of dated values."""

    LOW_BACK_PAIN = "low_back_pain"
    HIP_PAIN = "hip_pain"
    PSFS = "psfs"
    THOMAS_HIP_ANGLE_LEFT = "thomas_hip_angle_left"
    THOMAS_HIP_ANGLE_RIGHT = "thomas_hip_angle_right"
    THOMAS_KNEE_ANGLE_LEFT = "thomas_knee_angle_left"
    THOMAS_KNEE_ANGLE_RIGHT = "thomas_knee_angle_right"
    STRESS = "stress"
    BREATHING_EASE = "breathing_ease"
    SITTING_HOURS = "sitting_hours"
    GLOBAL_RATING_OF_CHANGE = "global_rating_of_change"
