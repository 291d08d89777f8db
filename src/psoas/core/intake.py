"""The intake contract (``psoas.intake/1``): what a person tells psoas about themselves.

Validation is strict because a typo in a safety answer must never pass as
"no": unknown fields, wrong types and out-of-range values are all rejected.
Anything left out is *unknown*, never *no*; the safety screen treats every
unanswered question as possibly "yes" (see :mod:`psoas.core.safety`).

Fields added after the first release (``person.recent_birth``,
``history.recent_surgery``, the newer ``red_flags``, and the ``vascular_risk``
and ``conditions`` sections) are additive: an older document is still valid,
and its missing answers simply count as not answered.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from psoas.content.vocabulary import (
    MedicalConditionId,
    QuestionId,
    RedFlagId,
    ToolId,
    VascularRiskId,
)
from psoas.content.words import say
from psoas.core.bounds import (
    CONTRACT_CONFIG,
    MAX_LIST,
    WHOLE,
    Rating,
    distinct_or_none_alone,
)
from psoas.core.validation import validate_document

INTAKE_SCHEMA = "psoas.intake/1"

SURGERY_WINDOW_WEEKS = 12
"""What "recent" means for an operation or a birth: part of the contract's wording.

``history.recent_surgery`` asks about "the last 12 weeks". The knowledge base's
``surgery_window_weeks`` threshold carries its source; a test keeps the two equal.
"""


class ActivityKind(StrEnum):
    """A sport that flexes the hip over and over."""

    RUNNING = "running"
    CYCLING = "cycling"
    FOOTBALL = "football"
    DANCE = "dance"
    ROWING = "rowing"
    OTHER = "other"


class InjuryKind(StrEnum):
    """An old injury that can leave the psoas guarding."""

    LOW_BACK_STRAIN = "low_back_strain"
    HIP_INJURY = "hip_injury"
    OTHER = "other"


class SurgeryRegion(StrEnum):
    """Where an operation was."""

    ABDOMINAL = "abdominal"
    PELVIC = "pelvic"
    SPINAL = "spinal"
    HIP = "hip"
    OTHER = "other"


class ToolChoice(StrEnum):
    """An answer to "which tools do you own": a tool, or ``none``."""

    PSO_RITE = "pso_rite"
    QL_CLAW = "ql_claw"
    FOAM_ROLLER = "foam_roller"
    MASSAGE_BALL = "massage_ball"
    NONE = "none"


# Strict models refuse plain strings for enums; these fields accept the enum's values.
ActivityKindField = Annotated[ActivityKind, Field(strict=False)]
InjuryKindField = Annotated[InjuryKind, Field(strict=False)]
SurgeryRegionField = Annotated[SurgeryRegion, Field(strict=False)]
ToolChoiceField = Annotated[ToolChoice, Field(strict=False)]


class _Section(BaseModel):
    model_config = CONTRACT_CONFIG


class Person(_Section):
    """Who the person is, as far as safety and dosing need it."""

    age: Annotated[int, Field(ge=12, le=110), WHOLE] | None = None
    pregnant: bool | None = None
    """Pregnant, or could be."""
    recent_birth: bool | None = None
    """Gave birth in the last 12 weeks."""


class Activity(_Section):
    """One repetitive hip-flexion sport and how often it is done."""

    kind: ActivityKindField
    sessions_per_week: Annotated[int, Field(ge=0, le=21), WHOLE]


class Lifestyle(_Section):
    """Daily habits that load the psoas."""

    sitting_hours_per_day: Annotated[float, Field(ge=0, le=24)] | None = None
    standing_desk: bool | None = None
    activities: Annotated[list[Activity], Field(max_length=MAX_LIST)] | None = None
    stress: Rating | None = None


class Posture(_Section):
    """What the person (or their practitioner) has noticed about their posture."""

    anterior_pelvic_tilt: bool | None = None
    exaggerated_lumbar_curve: bool | None = None


class Strength(_Section):
    """Known weakness of the muscles that share the psoas's work."""

    weak_core: bool | None = None
    weak_glutes: bool | None = None


class Surgery(_Section):
    """An operation and how long ago it was."""

    region: SurgeryRegionField
    weeks_ago: Annotated[int, Field(ge=0, le=5200), WHOLE]


class History(_Section):
    """Old injuries and operations.

    ``recent_surgery`` answers "any operation in the last 12 weeks?"; when it is left
    out, a ``surgeries`` list (even an empty one) answers it. ``surgeries`` then says
    where and when each operation was.
    """

    injuries: Annotated[list[InjuryKindField], Field(max_length=MAX_LIST)] | None = None
    surgeries: Annotated[list[Surgery], Field(max_length=MAX_LIST)] | None = None
    recent_surgery: bool | None = None

    @model_validator(mode="after")
    def _recent_surgery_agrees_with_the_list(self) -> History:
        listed = [s for s in self.surgeries or () if s.weeks_ago < SURGERY_WINDOW_WEEKS]
        if self.recent_surgery is False and listed:
            raise ValueError(
                f"recent_surgery is false, but surgeries lists an operation "
                f"{say('common.weeks', count=listed[0].weeks_ago)} ago "
                f"(within {SURGERY_WINDOW_WEEKS} weeks)"
            )
        return self

    def recent_surgery_answer(self) -> bool | None:
        """Whether there was an operation in the last 12 weeks: True, False, or None (unknown)."""
        if any(s.weeks_ago < SURGERY_WINDOW_WEEKS for s in self.surgeries or ()):
            return True
        if self.recent_surgery is not None:
            return self.recent_surgery
        return False if self.surgeries is not None else None

    def recent_regions(self) -> set[SurgeryRegion]:
        """Where the operations of the last 12 weeks were (as listed)."""
        return {s.region for s in self.surgeries or () if s.weeks_ago < SURGERY_WINDOW_WEEKS}


class Symptoms(_Section):
    """How the person feels now."""

    low_back_pain: Rating | None = None
    hip_pain: Rating | None = None
    hip_stiffness: bool | None = None
    groin_or_hip_referral: bool | None = None
    muscle_spasms: bool | None = None
    shallow_breathing: bool | None = None
    worse_after_sitting: bool | None = None


class RedFlags(_Section):
    """The red-flag questions; each is true, false, or left out (not answered)."""

    abdominal_aortic_aneurysm: bool | None = None
    pulsatile_abdominal_mass: bool | None = None
    sudden_severe_abdominal_or_back_pain: bool | None = None
    hernia: bool | None = None
    bowel_or_bladder_change: bool | None = None
    saddle_numbness: bool | None = None
    progressive_leg_weakness: bool | None = None
    fever_or_infection: bool | None = None
    unexplained_weight_loss: bool | None = None
    cancer_history: bool | None = None
    anticoagulants_or_bleeding_disorder: bool | None = None
    recent_trauma: bool | None = None
    night_pain_at_rest: bool | None = None
    both_legs_symptoms: bool | None = None
    new_sexual_dysfunction: bool | None = None
    new_groin_or_thigh_symptoms: bool | None = None
    """New groin pain, or new numbness or weakness in the front of the thigh."""
    thoracic_pain: bool | None = None
    injected_drug_use: bool | None = None
    immunosuppressed: bool | None = None
    long_term_steroids: bool | None = None
    inflammatory_back_pain: bool | None = None

    def answer(self, flag: RedFlagId) -> bool | None:
        """The answer to one question: True, False, or None when not answered."""
        value: bool | None = getattr(self, flag.value)
        return value


class VascularRisk(_Section):
    """What makes a widened main artery in the belly (the aorta) more likely, or rules it out.

    Each is true, false, or left out (not answered).
    """

    smoker: bool | None = None
    """Smokes now, or smoked before."""
    family_aortic_aneurysm: bool | None = None
    heart_or_artery_disease: bool | None = None
    connective_tissue_disorder: bool | None = None
    """Marfan or Ehlers-Danlos syndrome."""
    normal_aorta_scan: bool | None = None
    """A scan showed a normal aorta."""


class Conditions(_Section):
    """Health conditions that rule out deep pressure on the belly or change the plan.

    Each is true, false, or left out (not answered).
    """

    aortic_graft_stent_or_dissection: bool | None = None
    deep_vein_thrombosis: bool | None = None
    """Now or in the last 3 months."""
    kidney_or_pancreas_transplant: bool | None = None
    polycystic_kidneys: bool | None = None
    kidney_stone_or_infection: bool | None = None
    """Now."""
    bowel_inflammation: bool | None = None
    """An inflammatory bowel flare or diverticulitis, now."""
    unexplained_abdominal_pain: bool | None = None
    liver_disease_varices_or_ascites: bool | None = None
    abdominal_device: bool | None = None
    """A stoma, feeding tube, dialysis catheter, shunt or implanted pump."""
    ovarian_cyst_or_endometriosis: bool | None = None
    uncontrolled_high_blood_pressure: bool | None = None
    osteoporosis: bool | None = None
    spinal_stenosis_or_spondylolisthesis: bool | None = None
    reduced_sensation: bool | None = None


class Intake(_Section):
    """A whole intake document."""

    model_config = ConfigDict(populate_by_name=True)

    schema_id: Literal["psoas.intake/1"] = Field(alias="schema")
    person: Person = Person()
    lifestyle: Lifestyle = Lifestyle()
    posture: Posture = Posture()
    strength: Strength = Strength()
    history: History = History()
    symptoms: Symptoms = Symptoms()
    red_flags: RedFlags = RedFlags()
    vascular_risk: VascularRisk = VascularRisk()
    conditions: Conditions = Conditions()
    tools: (
        Annotated[
            list[ToolChoiceField],
            Field(max_length=MAX_LIST),
            distinct_or_none_alone(ToolChoice),
        ]
        | None
    ) = None

    @field_validator("tools")
    @classmethod
    def _none_stands_alone(cls, tools: list[ToolChoice] | None) -> list[ToolChoice] | None:
        if tools is None:
            return None
        if ToolChoice.NONE in tools and len(tools) > 1:
            raise ValueError("'none' cannot be listed together with a tool")
        if len(set(tools)) != len(tools):
            raise ValueError("each tool may be listed once")
        return tools

    def owned_tools(self) -> list[ToolId]:
        """The release tools the person owns, in the order they listed them."""
        return [ToolId(choice.value) for choice in self.tools or () if choice != ToolChoice.NONE]

    def answer(self, question: QuestionId) -> bool | int | None:
        """The answer to one question the screen reads: a value, or None when not answered."""
        if question is QuestionId.RECENT_SURGERY:
            return self.history.recent_surgery_answer()
        if question is QuestionId.RECENT_SURGERY_WHERE:
            return True if self.history.recent_regions() else None
        section, name = QUESTION_FIELDS[question]
        value: bool | int | None = getattr(getattr(self, section), name)
        return value

    def to_document(self) -> dict[str, Any]:
        """The intake as contract JSON: only what was answered, with its schema name."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {key: value for key, value in document.items() if value != {}}


def _question_fields() -> dict[QuestionId, tuple[str, str]]:
    fields: dict[QuestionId, tuple[str, str]] = {
        QuestionId.AGE: ("person", "age"),
        QuestionId.PREGNANT: ("person", "pregnant"),
        QuestionId.RECENT_BIRTH: ("person", "recent_birth"),
        QuestionId.RECENT_SURGERY: ("history", "recent_surgery"),
        QuestionId.RECENT_SURGERY_WHERE: ("history", "surgeries"),
        QuestionId.LOW_BACK_PAIN: ("symptoms", "low_back_pain"),
        QuestionId.HIP_PAIN: ("symptoms", "hip_pain"),
        QuestionId.GROIN_OR_HIP_REFERRAL: ("symptoms", "groin_or_hip_referral"),
    }
    for ids, section in (
        (RedFlagId, "red_flags"),
        (VascularRiskId, "vascular_risk"),
        (MedicalConditionId, "conditions"),
    ):
        for member in ids:
            fields[QuestionId(member.value)] = (section, member.value)
    return fields


QUESTION_FIELDS: dict[QuestionId, tuple[str, str]] = _question_fields()
"""Where each question the screen reads is answered in the contract: (section, field)."""


def parse_intake(data: object, *, source: str = "intake") -> Intake:
    """Validate plain data (parsed JSON or YAML) as an intake, naming every bad field."""
    return validate_document(Intake, data, source=source)
