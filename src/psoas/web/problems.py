"""The API's one error shape: its model, the status of each error, the response that carries it.

Every refusal the web app sends, from a route, a dependency or a middleware,
is a :class:`ErrorDocument` built here, with the status chosen here:

    UnknownId                                           404
    ConflictsWithRecord                                 409 (fits its contract, not the record)
    InvalidDocument                                     422
    ForeignHost                                         400 (DNS rebinding: not this server's name)
    CrossSiteRequest                                    403
    BodyTooLarge                                        413
    UnreadableFile, other InputError                    400
    SafetyStop                                          409 (understood, refused for safety)
    StoreError, DrawingError                            503 (try again: nothing was changed)
    anything else of psoas                              500

The three refusals of the web's edges are input errors like any other, so the
pages and the API word them the same way.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from psoas.errors import (
    ConflictsWithRecord,
    DrawingError,
    InputError,
    InvalidDocument,
    PsoasError,
    SafetyStop,
    StoreError,
    UnknownId,
    UnreadableFile,
)


class ForeignHost(InputError):
    """The request names a host this server does not answer to (a DNS-rebinding attempt)."""

    def __init__(self, given: str | None) -> None:
        shown = "none" if given is None else repr(given)
        super().__init__(f"Host: this server does not answer to {shown}")


class CrossSiteRequest(InputError):
    """A state-changing request that a page of this server did not send, or not as JSON."""


class BodyTooLarge(InputError):
    """A request body over the limit; refused before more of it is read."""

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(
            f"request body: larger than {limit_bytes // 1024} KB; send fewer records at a time"
        )


class Problem(BaseModel):
    """One field of a request and what was wrong with it."""

    model_config = ConfigDict(extra="forbid")

    field: str
    problem: str


class ErrorDocument(BaseModel):
    """Every refusal: the message the CLI prints, and each field problem on its own."""

    model_config = ConfigDict(extra="forbid")

    detail: str
    problems: list[Problem] | None = None
    """Present when fields were wrong (422), or do not fit what is stored (409)."""
    safety_stop: bool | None = None
    """Present, and true, when psoas refuses for safety's sake (409)."""


def status_of(error: PsoasError) -> int:
    """The HTTP status for a psoas error (the one mapping; pages use it too)."""
    if isinstance(error, UnknownId):
        return 404
    if isinstance(error, ConflictsWithRecord):
        return 409
    if isinstance(error, InvalidDocument):
        return 422
    if isinstance(error, ForeignHost):
        return 400
    if isinstance(error, CrossSiteRequest):
        return 403
    if isinstance(error, BodyTooLarge):
        return 413
    if isinstance(error, UnreadableFile | InputError):
        return 400
    if isinstance(error, SafetyStop):
        return 409
    if isinstance(error, StoreError | DrawingError):
        return 503
    return 500


def error_document(error: PsoasError) -> ErrorDocument:
    """An error as the API's error shape."""
    problems = None
    if isinstance(error, InvalidDocument):
        problems = [Problem(field=p.field, problem=p.problem) for p in error.problems]
    return ErrorDocument(
        detail=error.message,
        problems=problems,
        safety_stop=True if isinstance(error, SafetyStop) else None,
    )


def error_response(error: PsoasError) -> JSONResponse:
    """The JSON response for an error, with its status."""
    document = error_document(error).model_dump(mode="json", exclude_none=True)
    return JSONResponse(document, status_code=status_of(error))


STATUS_MEANINGS = {
    400: "Not well-formed, or not sent to this server's own name (Host)",
    403: "A state-changing request not sent as JSON by a page of this server",
    404: "Nothing stored or known under that id",
    409: (
        "Understood, and refused: for safety's sake (safety_stop), or because a field does not "
        "fit what is stored (problems: a plan item not in the plan, a step the session lacks)"
    ),
    413: "The request body is over the size limit",
    422: "A field is missing, of the wrong type or out of range; each is named",
    503: "The store could not be reached or written, or a chart or PDF could not be drawn now; "
    "nothing was changed",
}
"""What each refusal status means, as the OpenAPI document says it."""

ALWAYS = (400, 503)
"""What any request may meet: a foreign Host, and a store that cannot be reached."""
WITH_BODY = (403, 413, 422)
"""What a request that sends JSON may meet besides."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries for these refusal statuses, all in the one shape."""
    return {
        status: {"model": ErrorDocument, "description": STATUS_MEANINGS[status]}
        for status in sorted(set(statuses))
    }
