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
    """A red-flag question of the intake's safety screen (``red_flags`` in the contract)."""

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
    BOTH_LEGS_SYMPTOMS = "both_legs_symptoms"
    NEW_SEXUAL_DYSFUNCTION = "new_sexual_dysfunction"
    NEW_GROIN_OR_THIGH_SYMPTOMS = "new_groin_or_thigh_symptoms"
    THORACIC_PAIN = "thoracic_pain"
    INJECTED_DRUG_USE = "injected_drug_use"
    IMMUNOSUPPRESSED = "immunosuppressed"
    LONG_TERM_STEROIDS = "long_term_steroids"
    INFLAMMATORY_BACK_PAIN = "inflammatory_back_pain"


class MedicalConditionId(StrEnum):
    """A health condition that matters for deep pressure on the belly (``conditions``)."""

    AORTIC_GRAFT_STENT_OR_DISSECTION = "aortic_graft_stent_or_dissection"
    DEEP_VEIN_THROMBOSIS = "deep_vein_thrombosis"
    KIDNEY_OR_PANCREAS_TRANSPLANT = "kidney_or_pancreas_transplant"
    POLYCYSTIC_KIDNEYS = "polycystic_kidneys"
    KIDNEY_STONE_OR_INFECTION = "kidney_stone_or_infection"
    BOWEL_INFLAMMATION = "bowel_inflammation"
    """An inflammatory bowel flare (Crohn's disease, ulcerative colitis) or diverticulitis now."""
    UNEXPLAINED_ABDOMINAL_PAIN = "unexplained_abdominal_pain"
    LIVER_DISEASE_VARICES_OR_ASCITES = "liver_disease_varices_or_ascites"
    ABDOMINAL_DEVICE = "abdominal_device"
    """A stoma, feeding tube, dialysis catheter, shunt or implanted pump."""
    OVARIAN_CYST_OR_ENDOMETRIOSIS = "ovarian_cyst_or_endometriosis"
    UNCONTROLLED_HIGH_BLOOD_PRESSURE = "uncontrolled_high_blood_pressure"
    OSTEOPOROSIS = "osteoporosis"
    SPINAL_STENOSIS_OR_SPONDYLOLISTHESIS = "spinal_stenosis_or_spondylolisthesis"
    REDUCED_SENSATION = "reduced_sensation"


class VascularRiskId(StrEnum):
    """A question about the main artery in the belly (``vascular_risk``)."""

    SMOKER = "smoker"
    """Smokes now, or smoked before."""
    FAMILY_AORTIC_ANEURYSM = "family_aortic_aneurysm"
    HEART_OR_ARTERY_DISEASE = "heart_or_artery_disease"
    CONNECTIVE_TISSUE_DISORDER = "connective_tissue_disorder"
    """Marfan or Ehlers-Danlos syndrome."""
    NORMAL_AORTA_SCAN = "normal_aorta_scan"
    """A scan that showed a normal aorta: the one answer that lowers a risk."""


AORTIC_RISK_FACTORS = (
    VascularRiskId.SMOKER,
    VascularRiskId.FAMILY_AORTIC_ANEURYSM,
    VascularRiskId.HEART_OR_ARTERY_DISEASE,
)
"""The answers that, from 50, keep pressure off the aorta unless a scan showed it normal.

Marfan and Ehlers-Danlos syndromes are a risk too, but rule release out at any age
whatever a scan showed (their own rule), so they are not counted here.
"""


class DerivedConditionId(StrEnum):
    """A safety-relevant condition read from answers other than a single yes/no question."""

    PREGNANT = "pregnant"
    RECENT_BIRTH = "recent_birth"
    """Gave birth in the last 12 weeks."""
    RECENT_TRUNK_SURGERY = "recent_trunk_surgery"
    """Abdominal, pelvic or spinal surgery in the last 12 weeks."""
    RECENT_HIP_SURGERY = "recent_hip_surgery"
    """Hip surgery in the last 12 weeks."""
    RECENT_OTHER_SURGERY = "recent_other_surgery"
    """Surgery somewhere else (region ``other``) in the last 12 weeks."""
    SEVERE_PAIN_NOW = "severe_pain_now"
    """Low back or hip pain of 8 or more in the answers."""
    AORTIC_RISK = "aortic_risk"
    """Old enough, with or without risk factors, that pressure over the aorta is not advised."""
    SYMPTOMATIC_ANEURYSM = "symptomatic_aneurysm"
    """A known aneurysm or a pulsing lump together with back, belly or groin pain."""
    POSSIBLE_PSOAS_BLEED = "possible_psoas_bleed"
    """Blood thinners together with new groin pain or thigh numbness or weakness."""
    FEVER_WITH_SEVERE_PAIN = "fever_with_severe_pain"
    YOUNG_HIP_PAIN = "young_hip_pain"
    """Under 18 with hip or groin pain."""
    NIGHT_PAIN_WITH_RISK = "night_pain_with_risk"
    """Night pain together with age, weight loss or a cancer history."""
    FRAGILITY_FRACTURE_RISK = "fragility_fracture_risk"
    """Osteoporosis (or long steroid use) together with a fall or blow."""
    UNANSWERED_QUESTIONS = "unanswered_questions"
    """Questions left unanswered that could rule self-release out."""
    UNANSWERED_URGENT_QUESTIONS = "unanswered_urgent_questions"
    """Questions left unanswered that could mean care is needed now."""


ConditionId = RedFlagId | MedicalConditionId | VascularRiskId | DerivedConditionId
"""Anything that can exclude a technique or appear as a safety reason."""

SCREENED_CONDITIONS: tuple[ConditionId, ...] = (
    *RedFlagId,
    *MedicalConditionId,
    VascularRiskId.CONNECTIVE_TISSUE_DISORDER,
    *DerivedConditionId,
)
"""Every condition the screen can find: each has a rule in ``safety_rules.yaml``."""


class QuestionId(StrEnum):
    """A question of the intake that the safety screen reads (``unanswered`` lists these).

    Each names one field of the intake contract; ``content/questions.yaml`` says
    which, and asks it in plain words.
    """

    AGE = "age"
    PREGNANT = "pregnant"
    RECENT_BIRTH = "recent_birth"
    RECENT_SURGERY = "recent_surgery"
    RECENT_SURGERY_WHERE = "recent_surgery_where"
    """Where and when a recent operation was, after a yes to ``recent_surgery``."""
    LOW_BACK_PAIN = "low_back_pain"
    HIP_PAIN = "hip_pain"
    GROIN_OR_HIP_REFERRAL = "groin_or_hip_referral"
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
    BOTH_LEGS_SYMPTOMS = "both_legs_symptoms"
    NEW_SEXUAL_DYSFUNCTION = "new_sexual_dysfunction"
    NEW_GROIN_OR_THIGH_SYMPTOMS = "new_groin_or_thigh_symptoms"
    THORACIC_PAIN = "thoracic_pain"
    INJECTED_DRUG_USE = "injected_drug_use"
    IMMUNOSUPPRESSED = "immunosuppressed"
    LONG_TERM_STEROIDS = "long_term_steroids"
    INFLAMMATORY_BACK_PAIN = "inflammatory_back_pain"
    SMOKER = "smoker"
    FAMILY_AORTIC_ANEURYSM = "family_aortic_aneurysm"
    HEART_OR_ARTERY_DISEASE = "heart_or_artery_disease"
    CONNECTIVE_TISSUE_DISORDER = "connective_tissue_disorder"
    NORMAL_AORTA_SCAN = "normal_aorta_scan"
    AORTIC_GRAFT_STENT_OR_DISSECTION = "aortic_graft_stent_or_dissection"
    DEEP_VEIN_THROMBOSIS = "deep_vein_thrombosis"
    KIDNEY_OR_PANCREAS_TRANSPLANT = "kidney_or_pancreas_transplant"
    POLYCYSTIC_KIDNEYS = "polycystic_kidneys"
    KIDNEY_STONE_OR_INFECTION = "kidney_stone_or_infection"
    BOWEL_INFLAMMATION = "bowel_inflammation"
    UNEXPLAINED_ABDOMINAL_PAIN = "unexplained_abdominal_pain"
    LIVER_DISEASE_VARICES_OR_ASCITES = "liver_disease_varices_or_ascites"
    ABDOMINAL_DEVICE = "abdominal_device"
    OVARIAN_CYST_OR_ENDOMETRIOSIS = "ovarian_cyst_or_endometriosis"
    UNCONTROLLED_HIGH_BLOOD_PRESSURE = "uncontrolled_high_blood_pressure"
    OSTEOPOROSIS = "osteoporosis"
    SPINAL_STENOSIS_OR_SPONDYLOLISTHESIS = "spinal_stenosis_or_spondylolisthesis"
    REDUCED_SENSATION = "reduced_sensation"


class ThresholdId(StrEnum):
    """A number a safety or progress rule turns on; each is sourced in ``thresholds.yaml``."""

    SURGERY_WINDOW_WEEKS = "surgery_window_weeks"
    AORTIC_AGE_ANY = "aortic_age_any"
    AORTIC_AGE_WITH_RISK = "aortic_age_with_risk"
    SEVERE_PAIN_WITH_FEVER = "severe_pain_with_fever"
    ADULT_AGE = "adult_age"
    NIGHT_PAIN_AGE = "night_pain_age"
    PAIN_PAUSE_SCORE = "pain_pause_score"
    PAIN_RISE_POINTS = "pain_rise_points"
    SCREEN_VALID_WEEKS = "screen_valid_weeks"
    MAINTENANCE_WEEKS = "maintenance_weeks"
    MAINTENANCE_ADHERENCE = "maintenance_adherence"
    GLOBAL_RATING_WORSE = "global_rating_worse"
    NO_IMPROVEMENT_WEEKS = "no_improvement_weeks"
    BASELINE_SPAN_DAYS = "baseline_span_days"
    WARNING_SIGN_RECENT_DAYS = "warning_sign_recent_days"
    STEADY_TREND_POINTS = "steady_trend_points"
    BACKFILL_CONFIRM_DAYS = "backfill_confirm_days"


class AdverseEventId(StrEnum):
    """Something that went wrong during or after a release session."""

    PULSE_UNDER_TOOL = "pulse_under_tool"
    BLOOD_IN_URINE = "blood_in_urine"
    LEG_TINGLING_NUMBNESS_OR_WEAKNESS = "leg_tingling_numbness_or_weakness"
    FAINT_OR_DIZZY = "faint_or_dizzy"
    BRUISING = "bruising"
    PAIN_WORSE = "pain_worse"


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
