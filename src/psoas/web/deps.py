"""Request dependencies as ``Annotated`` aliases: the open store, the settings, whose data it is."""

from __future__ import annotations

import re
from datetime import date
from itertools import accumulate
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request

from psoas.documents import parse_text
from psoas.errors import FieldProblem, InvalidDocument
from psoas.services.followups import FollowUps
from psoas.services.storage import Database
from psoas.settings import Settings

PERSONAL = "me"
"""In personal mode every record belongs to the one person at this machine."""

MAX_JSON_DEPTH = 32
"""How deeply a request body's arrays and objects may nest (the contracts need fewer than 8).

Checked before parsing: the standard parser recurses once per level and fails
with a RecursionError a few thousand levels down."""

LARGEST_ID = 2**31 - 1
"""The largest id the store can hold on both backends: its keys are ``INTEGER`` columns, signed
32-bit on PostgreSQL (64-bit on SQLite). A larger id names nothing, so it is refused as out of
range (422) rather than reaching the database (which fails with "integer out of range")."""


def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _followups(request: Request) -> FollowUps:
    followups: FollowUps = request.app.state.followups
    return followups


def _person() -> str:
    return PERSONAL


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]+")


def nesting_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest, brackets inside strings aside."""
    brackets = _NOT_A_BRACKET.sub(b"", _JSON_STRING.sub(b"", raw))
    return max(accumulate(1 if bracket in b"[{" else -1 for bracket in brackets), default=0)


async def _json_body(request: Request) -> Any:
    """The request body as JSON, read strictly (duplicate keys refused) with a named error.

    The body's size is bounded before it gets here (:mod:`psoas.web.limits`).
    """
    raw = await request.body()
    if not raw.strip():
        raise InvalidDocument("request body", [FieldProblem("(body)", "expected a JSON document")])
    if nesting_depth(raw) > MAX_JSON_DEPTH:
        problem = f"arrays and objects nest more than {MAX_JSON_DEPTH} levels deep"
        raise InvalidDocument("request body", [FieldProblem("(body)", problem)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidDocument(
            "request body", [FieldProblem("(body)", "expected UTF-8 text")]
        ) from None
    return parse_text(text, source="request body", fmt="json")


DatabaseDep = Annotated[Database, Depends(_database)]
SettingsDep = Annotated[Settings, Depends(_settings)]
FollowUpsDep = Annotated[FollowUps, Depends(_followups)]
"""Work to run after a write has committed (the progress rules)."""
PersonDep = Annotated[str, Depends(_person)]
JsonBody = Annotated[Any, Depends(_json_body)]


def _since(
    since: Annotated[
        str | None,
        Query(
            pattern=r"^\d{4}-\d{2}-\d{2}$",
            description="Only from this day on (YYYY-MM-DD).",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
) -> date | None:
    """A day from the query as ``YYYY-MM-DD`` only (pydantic would take a number of seconds)."""
    if since is None:
        return None
    try:
        return date.fromisoformat(since)
    except ValueError:
        problem = FieldProblem("since", f"expected a real day as YYYY-MM-DD; got {since!r}")
        raise InvalidDocument("request", [problem]) from None


SinceDay = Annotated[date | None, Depends(_since)]
"""The ``since`` query parameter: the first day a progress document or report covers."""
SessionId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="A stored session's id.")]
"""A session id from the path: a positive integer the store can hold, or a 422 naming it."""
