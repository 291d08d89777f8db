"""What the JSON API reads and answers, as pydantic models, so the OpenAPI document is exact.

The contracts' own models (intake, assessment, plan, session timeline,
measurement, check-in, progress) are used as they are; the documents the API
builds around them (a session record with its totals, what a write stored)
are described here. Bodies are still read by the services' strict parsers,
which name every bad field; these models only say what those parsers accept.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from psoas.core.assessment import Assessment
from psoas.core.gates import ReleaseStatus
from psoas.core.intake import Intake
from psoas.core.measures import CheckIn, Measurement
from psoas.core.session_records import Aftermath, Checkpoint, SessionRecord
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


REQUEST_MODELS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (Intake, Measurement, CheckIn, SessionRequest, Checkpoint, Aftermath, ChangeReport)
}
"""Every request body, by the name its schema has in the document's components."""


def json_body(name: str, *, one_or_list: bool = False) -> dict[str, Any]:
    """The ``openapi_extra`` declaring a route's JSON body (read by ``JsonBody``, not FastAPI)."""
    assert name in REQUEST_MODELS, name
    one = {"$ref": f"#/components/schemas/{name}"}
    schema = {"anyOf": [one, {"type": "array", "items": one}]} if one_or_list else one
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}
