"""What is measured over time: full measurements (``psoas.measures/1``) and daily check-ins.

A measurement is a reassessment: pain, the Modified Thomas test for each
side, the Patient-Specific Functional Scale, stress, breathing, sitting,
posture and a global rating of change, all optional but at least one given.
A check-in (``psoas.checkin/1``) is the half-minute daily log: pain, stress,
sitting hours and which plan items were done.

Both reduce to dated values per :class:`MetricId` (:meth:`Measurement.values`),
which is all :mod:`psoas.core.progress` needs to know of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from psoas.content.vocabulary import AdverseEventId, MetricId, RedFlagId
from psoas.core.bounds import (
    CONTRACT_CONFIG,
    DISTINCT,
    MAX_BATCH,
    MAX_LIST,
    NAME_LENGTH,
    NAME_PATTERN,
    WHOLE,
    ContractDate,
    Note,
    Rating,
    TechniqueRef,
)
from psoas.core.validation import validate_document
from psoas.errors import ConflictsWithRecord, FieldProblem, InvalidDocument

MEASURES_SCHEMA: Literal["psoas.measures/1"] = "psoas.measures/1"
CHECK_IN_SCHEMA: Literal["psoas.checkin/1"] = "psoas.checkin/1"

M = TypeVar("M", bound=BaseModel)

BACKFILL = (
    "true confirms that a day more than 60 days back, or before the first intake, is right; "
    "such a day is refused without it"
)

Hours = Annotated[float, Field(ge=0, le=24)]
Activity = Annotated[
    str,
    StringConstraints(min_length=2, max_length=NAME_LENGTH, pattern=NAME_PATTERN),
    AfterValidator(str.strip),  # checked as given (as the schema says), kept without padding
]


class _Strict(BaseModel):
    model_config = CONTRACT_CONFIG


class ThomasSide(_Strict):
    """The Modified Thomas test on one side."""

    hip_angle_deg: Annotated[float, Field(ge=-45, le=60)] | None = None
    """Thigh angle to the horizontal: positive = above it (short one-joint hip flexors)."""
    knee_angle_deg: Annotated[float, Field(ge=0, le=150)] | None = None
    """Knee flexion; a knee that stays straighter than usual suggests short two-joint flexors.

    No cut-off is applied: psoas follows the angle over time (see ``measures.yaml``).
    """
    abduction: bool | None = None
    """Whether the thigh drifted out to the side (a tight tensor fasciae latae / IT band)."""


class Thomas(_Strict):
    """The Modified Thomas test, each side measured on its own."""

    left: ThomasSide | None = None
    right: ThomasSide | None = None


class FunctionItem(_Strict):
    """One activity of the Patient-Specific Functional Scale and how well it can be done."""

    activity: Activity
    score: Rating
    """0 = unable to do it, 10 = as well as before the problem."""


class PosturalSigns(_Strict):
    """What was observed of posture (by the person in a mirror, or by a practitioner)."""

    anterior_pelvic_tilt: bool | None = None
    exaggerated_lumbar_curve: bool | None = None


def _given(*path: str) -> dict[str, Any]:
    """The JSON Schema of "the field at ``path`` is there, and not null"."""
    name, *rest = path
    inner = _given(*rest) if rest else {"not": {"type": "null"}}
    return {"type": "object", "required": [name], "properties": {name: inner}}


def _measures_something_schema(schema: dict[str, Any]) -> None:
    """What :meth:`Measurement._measures_something` refuses, as a schema says it."""
    sides = [
        _given("thomas", side, measure)
        for side in ("left", "right")
        for measure in ("hip_angle_deg", "knee_angle_deg", "abduction")
    ]
    simple = [
        _given(name)
        for name in (
            "low_back_pain",
            "hip_pain",
            "psfs",
            "stress",
            "breathing_ease",
            "sitting_hours",
            "posture",
            "global_rating_of_change",
        )
    ]
    schema["anyOf"] = simple + sides


class Measurement(_Strict):
    """A dated reassessment; every measure optional, at least one given."""

    model_config = ConfigDict(populate_by_name=True, json_schema_extra=_measures_something_schema)

    schema_id: Literal["psoas.measures/1"] = Field(default=MEASURES_SCHEMA, alias="schema")
    taken_on: ContractDate
    low_back_pain: Rating | None = None
    hip_pain: Rating | None = None
    thomas: Thomas | None = None
    psfs: Annotated[list[FunctionItem], DISTINCT] | None = Field(
        default=None, min_length=3, max_length=5
    )
    stress: Rating | None = None
    breathing_ease: Rating | None = None
    sitting_hours: Hours | None = None
    posture: PosturalSigns | None = None
    global_rating_of_change: Annotated[int, Field(ge=-7, le=7), WHOLE] | None = None
    note: Note | None = None
    backfill: bool | None = Field(default=None, description=BACKFILL)
    """True confirms a day more than 60 days back or before the first intake (else refused)."""

    @field_validator("psfs")
    @classmethod
    def _activities_differ(cls, items: list[FunctionItem] | None) -> list[FunctionItem] | None:
        if items is not None:
            names = [item.activity.casefold() for item in items]
            if len(set(names)) != len(names):
                raise ValueError("each activity may be listed once")
        return items

    @model_validator(mode="after")
    def _measures_something(self) -> Measurement:
        if not self.values() and self.posture is None and not self._any_abduction():
            raise ValueError("a measurement needs at least one measure besides the date")
        return self

    def _any_abduction(self) -> bool:
        sides = (self.thomas.left, self.thomas.right) if self.thomas else ()
        return any(side is not None and side.abduction is not None for side in sides)

    @property
    def psfs_score(self) -> float | None:
        """The PSFS score: the mean of the activities' scores."""
        if not self.psfs:
            return None
        return sum(item.score for item in self.psfs) / len(self.psfs)

    def values(self) -> dict[MetricId, float]:
        """Every numeric measure given, by metric."""
        found: dict[MetricId, float | None] = {
            MetricId.LOW_BACK_PAIN: self.low_back_pain,
            MetricId.HIP_PAIN: self.hip_pain,
            MetricId.PSFS: self.psfs_score,
            MetricId.STRESS: self.stress,
            MetricId.BREATHING_EASE: self.breathing_ease,
            MetricId.SITTING_HOURS: self.sitting_hours,
            MetricId.GLOBAL_RATING_OF_CHANGE: self.global_rating_of_change,
        }
        if self.thomas is not None:
            for side, metric_hip, metric_knee in (
                (self.thomas.left, MetricId.THOMAS_HIP_ANGLE_LEFT, MetricId.THOMAS_KNEE_ANGLE_LEFT),
                (
                    self.thomas.right,
                    MetricId.THOMAS_HIP_ANGLE_RIGHT,
                    MetricId.THOMAS_KNEE_ANGLE_RIGHT,
                ),
            ):
                if side is not None:
                    found[metric_hip] = side.hip_angle_deg
                    found[metric_knee] = side.knee_angle_deg
        return {metric: float(value) for metric, value in found.items() if value is not None}

    def to_document(self) -> dict[str, Any]:
        """The measurement as contract JSON, leaving out what was not measured."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return document


class CheckIn(_Strict):
    """One day's log: how it went and what of the plan was done."""

    model_config = ConfigDict(populate_by_name=True)

    schema_id: Literal["psoas.checkin/1"] = Field(default=CHECK_IN_SCHEMA, alias="schema")
    day: ContractDate
    low_back_pain: Rating | None = None
    hip_pain: Rating | None = None
    stress: Rating | None = None
    sitting_hours: Hours | None = None
    done: Annotated[list[TechniqueRef], Field(max_length=MAX_LIST), DISTINCT] = []
    """Technique ids of the plan's items done that day."""
    red_flags: Annotated[
        list[Annotated[RedFlagId, Field(strict=False)]], Field(max_length=MAX_LIST), DISTINCT
    ] = []
    """Warning signs that are new since the last safety screen."""
    adverse_events: Annotated[
        list[Annotated[AdverseEventId, Field(strict=False)]], Field(max_length=MAX_LIST), DISTINCT
    ] = []
    """Problems noticed after a release since the last check-in (blood in the urine, ...)."""
    backfill: bool | None = Field(default=None, description=BACKFILL)
    """True confirms a day more than 60 days back or before the first intake (else refused)."""

    @field_validator("done", "red_flags", "adverse_events")
    @classmethod
    def _once_each(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("each id may be listed once")
        return ids

    def merged_with(self, later: CheckIn) -> CheckIn:
        """A second check-in of the same day added to this one: new ratings win, lists join."""
        lists = {"done", "red_flags", "adverse_events"}
        given = later.model_dump(exclude_defaults=True, exclude=lists)
        joined = {
            name: getattr(self, name)
            + [x for x in getattr(later, name) if x not in getattr(self, name)]
            for name in lists
        }
        return self.model_copy(update={**given, **joined})

    def values(self) -> dict[MetricId, float]:
        """Every numeric measure given, by metric."""
        found = {
            MetricId.LOW_BACK_PAIN: self.low_back_pain,
            MetricId.HIP_PAIN: self.hip_pain,
            MetricId.STRESS: self.stress,
            MetricId.SITTING_HOURS: self.sitting_hours,
        }
        return {metric: float(value) for metric, value in found.items() if value is not None}

    def to_document(self) -> dict[str, Any]:
        """The check-in as contract JSON."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return document


def parse_measurement(data: object, *, source: str = "measurement") -> Measurement:
    """Validate a measurement given as plain data, naming every bad field."""
    return validate_document(Measurement, _with_schema(data, MEASURES_SCHEMA), source=source)


def parse_check_in(data: object, *, source: str = "check-in") -> CheckIn:
    """Validate a check-in given as plain data, naming every bad field."""
    return validate_document(CheckIn, _with_schema(data, CHECK_IN_SCHEMA), source=source)


def parse_measurements(data: object, *, source: str) -> list[Measurement]:
    """One measurement document, or a list of them (a history to import), each named if bad."""
    items = _batch(data, what="measurements", source=source)
    return [parse_measurement(item, source=f"{source}[{n}]") for n, item in enumerate(items)]


def parse_check_ins(data: object, *, source: str) -> list[CheckIn]:
    """One check-in document, or a list of them, each named if bad."""
    items = _batch(data, what="check-ins", source=source)
    return [parse_check_in(item, source=f"{source}[{n}]") for n, item in enumerate(items)]


def _batch(data: object, *, what: str, source: str) -> list[object]:
    """A document as a list of items: at most :data:`MAX_BATCH`, refused whole beyond."""
    if not isinstance(data, list):
        return [data]
    if len(data) > MAX_BATCH:
        problem = FieldProblem(
            "(document)", f"expected at most {MAX_BATCH} {what} at once, got {len(data)}"
        )
        raise InvalidDocument(source, [problem])
    return data


def kept_within_bounds(model: type[M], documents: Iterable[dict[str, Any]]) -> list[M]:
    """Stored documents as models, leaving out any stored before today's bounds held.

    A check-in dated 0001-01-01 or a note holding NUL could be stored once; such a
    record stays in the store (and in history), but progress, charts and reports
    leave it out instead of failing on it for good.
    """
    kept: list[M] = []
    for document in documents:
        try:
            kept.append(model.model_validate(document))
        except ValidationError:
            continue
    return kept


def check_not_in_future(when: date, *, today: date, field: str, source: str) -> None:
    """Refuse a date after ``today``: a typo in the year must not become next year's baseline."""
    if when > today:
        problem = FieldProblem(field, f"is in the future ({when.isoformat()}); today is {today}")
        raise InvalidDocument(source, [problem])


class DayToConfirm(StrEnum):
    """Why a record's day is stored only when the person confirms it."""

    LONG_AGO = "long_ago"
    """More than the knowledge base's ``backfill_confirm_days`` before today."""
    BEFORE_CARE = "before_care"
    """Before the day of the person's first intake."""


def day_to_confirm(
    day: date, *, today: date, start_of_care: date | None, days_back: int
) -> DayToConfirm | None:
    """Whether ``day`` needs the person's confirmation before it is stored, and why.

    A wrong year (1999 for 2026) or a day before care began is more often a typo than a
    diary copied in, and one such record would move a baseline; so either is stored only
    when confirmed. ``start_of_care`` is the first intake's day; one after ``today`` was
    stamped by another clock than today's (a clock set back, a test's fixed day), so it
    is not compared, and only the distance from today counts.
    """
    if day < today - timedelta(days=days_back):
        return DayToConfirm.LONG_AGO
    if start_of_care is not None and start_of_care <= today and day < start_of_care:
        return DayToConfirm.BEFORE_CARE
    return None


def first_day_unconfirmed(*, today: date, start_of_care: date | None, days_back: int) -> date:
    """The earliest day :func:`day_to_confirm` lets through without confirmation.

    What a form needs to know to ask for the confirmation as soon as a day is picked.
    """
    earliest = today - timedelta(days=days_back)
    if start_of_care is not None and start_of_care <= today:
        earliest = max(earliest, start_of_care)
    return earliest


def check_done_in_plan(check_in: CheckIn, plan_techniques: list[str], *, source: str) -> None:
    """Refuse a ``done`` entry that is not an item of the person's plan, naming it."""
    problems = [
        FieldProblem(
            f"done.{index}",
            f"'{technique}' is not in your plan; expected one of: {', '.join(plan_techniques)}"
            if plan_techniques
            else f"'{technique}' cannot be marked done: there is no stored plan yet",
        )
        for index, technique in enumerate(check_in.done)
        if technique not in plan_techniques
    ]
    if problems:
        raise ConflictsWithRecord(source, problems)


def _with_schema(data: object, schema: str) -> object:
    """Accept a document with or without its ``schema`` line; refuse another contract's."""
    if isinstance(data, dict) and "schema" not in data:
        return {"schema": schema, **data}
    return data
