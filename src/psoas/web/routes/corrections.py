"""Correct, delete and undo check-ins, measurements and sessions; the trail of changes.

Every id is looked up with the person's: another person's id, or none, is a 404, and
nothing changes. The progress rules run after the write on the follow-up worker, as
after a check-in.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path

from psoas.content.words import say
from psoas.core.records import RecordKind
from psoas.core.validation import validate_document
from psoas.services import corrections
from psoas.services.corrections import ChangeOutcome
from psoas.web.api_models import (
    CORRECTIONS,
    ChangeDone,
    Deletion,
    TrailEntry,
    UndoRequest,
    json_body,
)
from psoas.web.deps import LARGEST_ID, DatabaseDep, FollowUpsDep, JsonBody, PersonDep
from psoas.web.problems import ALWAYS, WITH_BODY, error_responses

router = APIRouter(tags=["history"], responses=error_responses(*ALWAYS))

PATHS = {
    RecordKind.CHECK_IN: "/history/check-ins/{record_id}",
    RecordKind.MEASUREMENT: "/history/measures/{record_id}",
    RecordKind.SESSION: "/history/sessions/{record_id}",
}
"""Under /history: the records as the history lists them (/sessions/preview stays apart)."""
CHANGE = error_responses(*WITH_BODY, 404, 409)


RecordId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="Its id, as the history lists it.")]


def _correct_route(kind: RecordKind) -> None:
    name = corrections.kind_name(kind)

    def correct(
        record_id: RecordId,
        body: JsonBody,
        database: DatabaseDep,
        person: PersonDep,
        followups: FollowUpsDep,
    ) -> dict[str, Any]:
        """Correct it: what it replaced is kept in the trail, with when and the reason."""
        given = validate_document(CORRECTIONS[kind.value], body, source="correction")
        sent = given.model_dump(mode="json", exclude_unset=True, by_alias=True)
        outcome = corrections.correct(
            database,
            person=person,
            kind=kind,
            record_id=record_id,
            changes=sent["changes"],
            reason=sent.get("reason"),
            today=date.today(),
        )
        followups.after_write(person)
        return _done(outcome)

    def delete(
        record_id: RecordId,
        body: JsonBody,
        database: DatabaseDep,
        person: PersonDep,
        followups: FollowUpsDep,
    ) -> dict[str, Any]:
        """Delete it: it is kept in the trail, and an undo brings it back."""
        given = validate_document(Deletion, body, source="deletion")
        outcome = corrections.delete(
            database,
            person=person,
            kind=kind,
            record_id=record_id,
            reason=given.reason,
            today=date.today(),
        )
        followups.after_write(person)
        return _done(outcome)

    router.patch(
        PATHS[kind],
        response_model=ChangeDone,
        openapi_extra=json_body(CORRECTIONS[kind.value].__name__),
        responses=CHANGE,
        operation_id=f"correct_{kind.value}",
        summary=f"Correct a {name}",
    )(correct)
    router.delete(
        PATHS[kind],
        response_model=ChangeDone,
        openapi_extra=json_body("Deletion"),
        responses=CHANGE,
        operation_id=f"delete_{kind.value}",
        summary=f"Delete a {name}",
    )(delete)


for _kind in PATHS:
    _correct_route(_kind)


@router.post(
    "/history/undo",
    response_model=ChangeDone,
    openapi_extra=json_body("UndoRequest"),
    responses=CHANGE,
)
def undo(
    body: JsonBody, database: DatabaseDep, person: PersonDep, followups: FollowUpsDep
) -> dict[str, Any]:
    """Undo the newest correction or deletion not undone yet (400: there is none)."""
    validate_document(UndoRequest, body, source="undo")
    outcome = corrections.undo(database, person=person, today=date.today())
    followups.after_write(person)
    return _done(outcome)


@router.get("/history/trail", responses=error_responses(404))
def trail(database: DatabaseDep, person: PersonDep) -> list[TrailEntry]:
    """Every correction, deletion and undo of the person's records, oldest first."""
    return [
        TrailEntry(
            id=change.id,
            kind=change.kind.value,
            record_id=change.record_id,
            action=change.action.value,
            changed_at=change.changed_at.isoformat(),
            reason=change.reason,
            replaced=change.replaced,
            result=change.result,
            undoes=change.undoes,
            description=corrections.describe(change),
        )
        for change in corrections.trail(database, person=person)
    ]


def _done(outcome: ChangeOutcome) -> dict[str, Any]:
    return {
        "change": outcome.change_id,
        "kind": outcome.kind.value,
        "id": outcome.record_id,
        "action": outcome.action.value,
        "record": outcome.record,
        "message": message(outcome),
        "release_allowed": outcome.release_allowed,
        "holds": outcome.holds,
        "paused": outcome.paused,
    }


def message(outcome: ChangeOutcome) -> str:
    """What happened, in the web's words (no command to type)."""
    kind = corrections.kind_name(outcome.kind)
    if outcome.undid is not None:
        action = say(f"history.action_{outcome.undid.value}")
        return say("history.restored", kind=kind, id=outcome.record_id, action=action)
    if outcome.action.value == "deleted":
        return say("history.deleted_web", kind=kind, id=outcome.record_id)
    said = say("history.corrected", kind=kind, id=outcome.record_id)
    if outcome.withdrawn and outcome.release_allowed:
        said += " " + say("history.withdrawn")
    elif outcome.withdrawn and outcome.release_allowed is False:
        said += " " + say("history.withdrawn_still_held", reasons=" ".join(outcome.holds))
    return said
