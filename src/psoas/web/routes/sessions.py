"""Guided sessions in the browser: preview, open (behind the safety gate), checkpoints, ratings.

The browser runs the timeline itself and posts its position at every step
boundary and every few seconds; a reload or another device asks for the
session and carries on at the stored step with the time that was left.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from psoas.content.vocabulary import ToolId
from psoas.core.session_records import SessionSummary, parse_aftermath, parse_checkpoint
from psoas.core.timeline import SessionKind, Timeline
from psoas.core.validation import validate_document
from psoas.services import sessions
from psoas.web.api_models import AftermathDocument, SessionDocument, json_body
from psoas.web.deps import DatabaseDep, JsonBody, PersonDep, SessionId
from psoas.web.problems import ALWAYS, WITH_BODY, error_responses
from psoas.web.session_requests import SessionRequest

router = APIRouter(tags=["sessions"], responses=error_responses(*ALWAYS))

ONE_SESSION = (404, 422)
"""A session id that is out of range (422) or names no session (404)."""


@router.get("/sessions/preview", responses=error_responses(422))
def preview(
    kind: SessionKind = SessionKind.SELF_RELEASE,
    minutes: Annotated[int, Query(ge=10, le=45)] = 20,
    tool: ToolId | None = None,
) -> Timeline:
    """The timeline (``psoas.session/1``) a session of this kind and length follows."""
    return sessions.preview(kind=kind, minutes=minutes, tool=tool)


@router.post(
    "/sessions",
    status_code=201,
    response_model=SessionDocument,
    openapi_extra=json_body("SessionRequest"),
    responses=error_responses(*WITH_BODY, 409),
)
def open_session(body: JsonBody, database: DatabaseDep, person: PersonDep) -> dict[str, Any]:
    """Start a session: refused (409) unless the newest safety screen allows release."""
    request = validate_document(SessionRequest, body, source="session request")
    record = sessions.open_session(
        database,
        person=person,
        kind=request.kind,
        minutes=request.minutes,
        tool=request.tool,
        before=request.before if request.before and request.before.given() else None,
    )
    return record.to_document()


@router.get("/sessions", responses=error_responses(404))
def list_sessions(database: DatabaseDep, person: PersonDep) -> list[SessionSummary]:
    """Every session, oldest first, with the change in ratings."""
    return list(sessions.list_sessions(database, person=person))


@router.get(
    "/sessions/{session_id}",
    response_model=SessionDocument,
    responses=error_responses(*ONE_SESSION),
)
def session_record(session_id: SessionId, database: DatabaseDep) -> dict[str, Any]:
    """One session whole: timeline, where it is, ratings and time in each step."""
    return sessions.session_record(database, session_id=session_id).to_document()


@router.post(
    "/sessions/{session_id}/resume",
    response_model=SessionDocument,
    responses=error_responses(*ONE_SESSION, 403, 409, 413),
)
def resume(session_id: SessionId, database: DatabaseDep) -> dict[str, Any]:
    """Carry on an unfinished session: the safety screen is checked again first."""
    return sessions.reopen_session(database, session_id=session_id).to_document()


@router.post(
    "/sessions/{session_id}/checkpoints",
    status_code=204,
    response_class=Response,
    openapi_extra=json_body("Checkpoint"),
    responses=error_responses(*ONE_SESSION, *WITH_BODY, 409),
)
def checkpoint(session_id: SessionId, body: JsonBody, database: DatabaseDep) -> Response:
    """Store where the browser is: step, seconds into it, time spent in every step."""
    found = parse_checkpoint(body, source="checkpoint")
    sessions.save_checkpoint(database, session_id=session_id, checkpoint=found)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/aftermath",
    response_model=AftermathDocument,
    openapi_extra=json_body("Aftermath"),
    responses=error_responses(*ONE_SESSION, *WITH_BODY),
)
def aftermath(session_id: SessionId, body: JsonBody, database: DatabaseDep) -> dict[str, Any]:
    """Keep the ratings after the session, what was felt and what went wrong.

    The answer is the session record plus ``release``: whether self-release may go
    on, and why not (anything that went wrong pauses it; some things mean seek care).
    """
    found = parse_aftermath(body, source="aftermath")
    status = sessions.record_aftermath(
        database, session_id=session_id, aftermath=found, today=date.today()
    )
    document = sessions.session_record(database, session_id=session_id).to_document()
    return {**document, "release": status.model_dump(mode="json")}
