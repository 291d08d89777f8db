"""Request dependencies as ``Annotated`` aliases: the open store, the settings, whose data it is."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from psoas.documents import parse_text
from psoas.errors import FieldProblem, InvalidDocument
from psoas.services.followups import FollowUps
from psoas.services.storage import Database
from psoas.settings import Settings

PERSONAL = "me"
"""In personal mode every record belongs to the one person at this machine."""


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


async def _json_body(request: Request) -> Any:
    """The request body as JSON, read strictly (duplicate keys refused) with a named error."""
    raw = await request.body()
    if not raw.strip():
        raise InvalidDocument("request body", [FieldProblem("(body)", "expected a JSON document")])
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
