"""Plain records of what is stored, as the faces show them (no database types leak out)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from psoas.core.bounds import CONTRACT_CONFIG, Label
from psoas.core.validation import validate_document


class RecordKind(StrEnum):
    """What a history entry is."""

    INTAKE = "intake"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    SESSION = "session"
    MEASUREMENT = "measurement"
    CHECK_IN = "check_in"
    RELEASE_PAUSE = "release_pause"


class HistoryEntry(BaseModel):
    """One stored record of a person's history."""

    model_config = ConfigDict(frozen=True)

    kind: RecordKind
    id: int
    person: str
    created_at: datetime
    summary: str
    """A short description: the source file, the safety level, the plan version."""


class ChangeAction(StrEnum):
    """What a change did to a check-in, measurement or session."""

    CORRECTED = "corrected"
    DELETED = "deleted"
    RESTORED = "restored"
    """An undo: the record is back as it was before the change undone."""


CHANGEABLE_KINDS = (RecordKind.CHECK_IN, RecordKind.MEASUREMENT, RecordKind.SESSION)
"""The records a person may correct, delete and undo a change of."""


class RecordChange(BaseModel):
    """One entry of the trail: a record as it was, and as the change left it (None: deleted)."""

    model_config = ConfigDict(frozen=True)

    id: int
    kind: RecordKind
    record_id: int
    action: ChangeAction
    changed_at: datetime
    reason: str | None = None
    replaced: dict[str, Any]
    result: dict[str, Any] | None = None
    undoes: int | None = None
    """For an undo, the id of the change it undid."""


class SavedOutcome(BaseModel):
    """What a service stored for one intake, so the face can tell the person."""

    model_config = ConfigDict(frozen=True)

    person: str
    intake_id: int
    intake_is_new: bool
    assessment_id: int
    plan_version: int | None = None
    plan_is_new: bool = False
    resubmitted: bool = False
    """The same answers as a set stored before, not given just now: they lift no pause."""
    first_given: datetime | None = None
    """When these answers were first stored."""


class _PersonRef(BaseModel):
    model_config = CONTRACT_CONFIG

    person: Label


def checked_person_label(label: str, *, source: str = "person") -> str:
    """The label a person's records are kept under: one line, not empty, not too long."""
    return validate_document(_PersonRef, {"person": label}, source=source).person
