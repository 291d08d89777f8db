"""What the JSON API reads and answers, as pydantic models, so the OpenAPI document is exact.

The contracts' own models (intake, assessment, plan, session timeline,
measurement, check-in, progress) are used as they are; the documents the API
builds around them (a session record with its totals, what a write stored)
are described here. Bodies are still read by the services' strict parsers,
which name every bad field; these models only say what those parsers accept.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from psoas.core.assessment import Assessment
from psoas.core.gates import ReleaseStatus
from psoas.core.intake import Intake
from psoas.core.measures import CheckIn, Measurement
from psoas.core.session_records import Aftermath, Checkpoint, Ratings, SessionRecord
from psoas.web.session_requests import SessionRequest


class Health(BaseModel):
    """The server is up."""

    status: Literal["ok"]


class LibraryItem(BaseModel):
    """One knowledge-base entry in a list."""

    id: str
    section: str
    kind: str
    name: str


class LibraryEntry(BaseModel):
    """One knowledge-base entry whole: its section, and the fields entries of that section have."""

    model_config = ConfigDict(extra="allow")

    section: str
    id: str


_RECORD_FIELDS: dict[str, Any] = {
    name: (field.annotation, field) for name, field in SessionRecord.model_fields.items()
}

SessionDocument = create_model(
    "SessionDocument",
    __doc__="A stored session whole, with the running time spent and the change in ratings.",
    spent_seconds=(float, Field(description="Running time actually spent, all steps together.")),
    change=(dict[str, int], Field(description="After minus before, for each rating given twice.")),
    **_RECORD_FIELDS,
)

AftermathDocument = create_model(
    "AftermathDocument",
    __base__=SessionDocument,
    __doc__="The session record after its aftermath, and whether self-release may go on.",
    release=(ReleaseStatus, ...),
)


class _Recorded(BaseModel):
    recorded: int
    """How many records were stored."""
    merged: int
    """How many check-ins were joined with one already stored for their day."""
    rescreen: Assessment | None
    """The new safety screen a new warning sign called for."""
    rescreen_impossible: bool
    """A warning sign was reported, but no intake is stored to screen again."""
    plan_version: int | None
    """The plan version stored after a new screen."""
    paused: list[str]
    """Why self-release is now paused, if it is."""


class MeasuresRecorded(_Recorded):
    """What a write of measurements stored."""

    stored: list[Measurement]


class CheckInsRecorded(_Recorded):
    """What a write of check-ins stored (a second check-in of a day: joined with the first)."""

    stored: list[CheckIn]


class ChangeReport(BaseModel):
    """Saying that something has changed since the safety answers; nothing more is read."""

    model_config = ConfigDict(extra="allow")


def _strict_as(model: type[BaseModel]) -> ConfigDict:
    """The contract's own checks (strict types), without what it adds to its schema."""
    kept = {k: v for k, v in model.model_config.items() if k not in ("json_schema_extra", "title")}
    return ConfigDict(**{**kept, "extra": "forbid"})  # type: ignore[typeddict-item]


def _changes_of(model: type[BaseModel], name: str, *, fixed: str) -> type[BaseModel]:
    """The fields of ``model`` that a correction may give, each optional (null clears it)."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        if field_name in ("schema_id", fixed):
            continue
        kept: Any = info.annotation
        if info.metadata:  # the field's own checks (a range, distinct items)
            kept = Annotated[kept, *info.metadata]
        fields[field_name] = (kept | None, None)
    return create_model(
        name,
        __config__=_strict_as(model),
        __doc__=f"The fields of a {fixed and name[:-7].lower()} to change (null clears one).",
        **fields,
    )


CheckInChanges = _changes_of(CheckIn, "CheckInChanges", fixed="day")
MeasurementChanges = _changes_of(Measurement, "MeasurementChanges", fixed="taken_on")


class SessionChanges(BaseModel):
    """The ratings of a session to change (null clears one)."""

    model_config = ConfigDict(extra="forbid")

    before: Ratings | None = None
    after: Ratings | None = None


def _correction(changes: type[BaseModel], name: str, what: str) -> type[BaseModel]:
    return create_model(
        name,
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"A correction of a {what}: the fields given replace the stored ones, and why.",
        changes=(changes, ...),
        reason=(str | None, Field(default=None, max_length=500)),
    )


CheckInCorrection = _correction(CheckInChanges, "CheckInCorrection", "check-in")
MeasurementCorrection = _correction(MeasurementChanges, "MeasurementCorrection", "measurement")
SessionCorrection = _correction(SessionChanges, "SessionCorrection", "session")
CORRECTIONS = {
    "check_in": CheckInCorrection,
    "measurement": MeasurementCorrection,
    "session": SessionCorrection,
}
"""The body of a correction, by the kind of record corrected."""


class Deletion(BaseModel):
    """A deletion of a check-in, measurement or session (kept in the trail), and why."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


class UndoRequest(BaseModel):
    """Undo the newest correction or deletion not undone yet (nothing else is read)."""

    model_config = ConfigDict(extra="forbid")


class ChangeDone(BaseModel):
    """What a correction, deletion or undo did."""

    change: int
    """The id of the change in the trail."""
    kind: Literal["check_in", "measurement", "session"]
    id: int
    action: Literal["corrected", "deleted", "restored"]
    record: dict[str, Any] | None
    """The record as it is now (null: deleted)."""
    message: str
    """What happened, in words."""
    release_allowed: bool | None
    """After a new screen (a warning sign withdrawn or added): whether release may go ahead."""
    holds: list[str]
    """After a new screen: every reason release may not go ahead."""
    paused: list[str]
    """Why this change paused release, if it did."""


class TrailEntry(BaseModel):
    """One correction, deletion or undo of a record."""

    id: int
    kind: Literal["check_in", "measurement", "session"]
    record_id: int
    action: Literal["corrected", "deleted", "restored"]
    changed_at: str
    reason: str | None
    replaced: dict[str, Any]
    result: dict[str, Any] | None
    undoes: int | None
    description: str


REQUEST_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        Intake,
        Measurement,
        CheckIn,
        SessionRequest,
        Checkpoint,
        Aftermath,
        ChangeReport,
        CheckInCorrection,
        MeasurementCorrection,
        SessionCorrection,
        Deletion,
        UndoRequest,
    )
}
"""Every request body, by the name its schema has in the document's components."""


def json_body(name: str, *, one_or_list: bool = False) -> dict[str, Any]:
    """The ``openapi_extra`` declaring a route's JSON body (read by ``JsonBody``, not FastAPI)."""
    assert name in REQUEST_MODELS, name
    one = {"$ref": f"#/components/schemas/{name}"}
    schema = {"anyOf": [one, {"type": "array", "items": one}]} if one_or_list else one
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}
