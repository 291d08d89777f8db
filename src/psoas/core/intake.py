"""The intake contract (``psoas.intake/1``): what a person tells psoas about themselves.

Validation is strict because a typo in a safety answer must never pass as
"no": unknown fields, wrong types and out-of-range values are all rejected.
Anything left out is *unknown*, never *no*; the safety screen treats an
unanswered red-flag question accordingly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from psoas.content.vocabulary import RedFlagId, ToolId
from psoas.core.validation import validate_document

INTAKE_SCHEMA = "psoas.intake/1"

TRUNK_SURGERY_WINDOW_WEEKS = 12
"""Abdominal, pelvic or spinal surgery this recent rules out self-release."""


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

Rating = Annotated[int, Field(ge=0, le=10)]
"""A 0..10 numeric rating."""


class _Section(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Person(_Section):
    """Who the person is, as far as safety and dosing need it."""

    age: Annotated[int, Field(ge=12, le=110)] | None = None
    pregnant: bool | None = None


class Activity(_Section):
    """One repetitive hip-flexion sport and how often it is done."""

    kind: ActivityKindField
    sessions_per_week: Annotated[int, Field(ge=0, le=21)]


class Lifestyle(_Section):
    """Daily habits that load the psoas."""

    sitting_hours_per_day: Annotated[float, Field(ge=0, le=24)] | None = None
    standing_desk: bool | None = None
    activities: list[Activity] | None = None
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
    weeks_ago: Annotated[int, Field(ge=0, le=5200)]


class History(_Section):
    """Old injuries and operations."""

    injuries: list[InjuryKindField] | None = None
    surgeries: list[Surgery] | None = None


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

    def answer(self, flag: RedFlagId) -> bool | None:
        """The answer to one question: True, False, or None when not answered."""
        value: bool | None = getattr(self, flag.value)
        return value


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
    tools: list[ToolChoiceField] | None = None

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

    def answered(self, flag: RedFlagId) -> bool:
        """Whether this red-flag question was answered (true or false)."""
        return self.red_flags.answer(flag) is not None

    def unanswered_red_flags(self) -> list[RedFlagId]:
        """The red-flag questions left out, in the contract's order."""
        return [flag for flag in RedFlagId if not self.answered(flag)]

    def present_red_flags(self) -> list[RedFlagId]:
        """The red flags answered "yes", in the contract's order."""
        return [flag for flag in RedFlagId if self.red_flags.answer(flag) is True]

    def owned_tools(self) -> list[ToolId]:
        """The release tools the person owns, in the order they listed them."""
        return [ToolId(choice.value) for choice in self.tools or () if choice != ToolChoice.NONE]

    def recent_surgery(self, *regions: SurgeryRegion) -> bool:
        """Whether any surgery in these regions was within the 12-week window."""
        return any(
            surgery.region in regions and surgery.weeks_ago < TRUNK_SURGERY_WINDOW_WEEKS
            for surgery in self.history.surgeries or ()
        )

    def to_document(self) -> dict[str, Any]:
        """The intake as contract JSON: only what was answered, with its schema name."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {key: value for key, value in document.items() if value != {}}


def parse_intake(data: object, *, source: str = "intake") -> Intake:
    """Validate plain data (parsed JSON or YAML) as an intake, naming every bad field."""
    return validate_document(Intake, data, source=source)
