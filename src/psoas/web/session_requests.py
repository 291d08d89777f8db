"""The body of a request to start a guided session from the web."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from psoas.content.vocabulary import ToolId
from psoas.core.bounds import CONTRACT_CONFIG, WHOLE
from psoas.core.session_records import Ratings
from psoas.core.timeline import MAX_MINUTES, MIN_MINUTES, SessionKind


class SessionRequest(BaseModel):
    """What kind of session, how long, with which tool, and how the person feels before."""

    model_config = CONTRACT_CONFIG

    kind: Annotated[SessionKind, Field(strict=False)] = SessionKind.SELF_RELEASE
    minutes: Annotated[int, Field(ge=MIN_MINUTES, le=MAX_MINUTES), WHOLE] = 20
    tool: Annotated[ToolId, Field(strict=False)] | None = None
    before: Ratings | None = None
    """Ratings before (``low_back_pain``, ``hip_pain``, ``stress``, ``breathing_ease``)."""
