"""The guided-session pages: a start form behind the safety gate, and the running session.

The running page is driven by ``/static/session.js``: the browser walks the
timeline itself, on absolute anchors as the terminal's runner does, and
reports its position to the JSON API (``/api/v1/sessions/...``). This module
only reads: it renders the start form (or why there is none) and hands the
script the session record, what is said for each event and the clock's speed,
as a JSON data block (data, never code, so the content security policy that
forbids inline scripts still holds).

What is said comes from :func:`psoas.core.session_events.spoken_text`, the
same function the terminal's voice uses, so the browser says the same words
as espeak-ng.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from psoas.content import load_knowledge_base
from psoas.content.names import name_of
from psoas.content.words import say
from psoas.core import session_events
from psoas.core.session_events import EventKind, SessionEvent, spoken_text
from psoas.core.session_records import (
    FELT_LABELS,
    PAIN_UP_ADVICE,
    PAIN_UP_POINTS,
    RATING_LABELS,
    RATING_QUESTIONS,
    SessionRecord,
    SessionStatus,
    SessionSummary,
)
from psoas.core.timeline import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, Phase, SessionKind, Side
from psoas.errors import InvalidDocument, SafetyStop
from psoas.services import care, gates, sessions
from psoas.web.deps import DatabaseDep, PersonDep, SessionId, SettingsDep
from psoas.web.routes.pages import render

router = APIRouter(include_in_schema=False)


_STEP_EVENTS = (
    EventKind.STEP_STARTED,
    EventKind.BREATH_IN,
    EventKind.BREATH_OUT,
    EventKind.HALF_WAY,
)
_SESSION_EVENTS = (EventKind.PAUSED, EventKind.RESUMED, EventKind.SESSION_FINISHED)


@router.get("/session", response_class=HTMLResponse)
def start_page(request: Request, database: DatabaseDep, person: PersonDep) -> HTMLResponse:
    """Why a session cannot start now (every hold on release), or the form that starts one."""
    assessment = care.latest_assessment(database, person=person)
    release = gates.status(database, person=person, today=date.today())
    preferred_tool = None
    cautions: list[str] = []
    allowed = release.allowed
    if allowed:
        try:
            cleared = sessions.clearance(database, person=person, kind=SessionKind.SELF_RELEASE)
            preferred_tool = cleared.tool
            cautions = [reason.message for reason in cleared.cautions]
        except SafetyStop:  # the store changed between the two reads: stay on the safe side
            allowed = False
        except InvalidDocument:  # cleared, but no tool on record: the form asks for one
            pass
    unfinished: SessionSummary | None = None
    if allowed:
        unfinished = next(
            (
                summary
                for summary in reversed(sessions.list_sessions(database, person=person))
                if summary.status is SessionStatus.IN_PROGRESS
            ),
            None,
        )
    knowledge = load_knowledge_base()
    unanswered = assessment.safety.unanswered if assessment else []
    return render(
        request,
        "session_start.html.j2",
        assessment=assessment,
        level=assessment.safety.level.value if assessment else None,
        allowed=allowed,
        release=release,
        headline_paused=knowledge.gates.headline_paused,
        answer_again=knowledge.gates.answer_again_browser,
        cautions=cautions,
        unanswered=[knowledge.question(question).text for question in unanswered],
        unfinished=unfinished,
        tools=knowledge.tools,
        preferred_tool=preferred_tool.value if preferred_tool else "",
        min_minutes=MIN_MINUTES,
        max_minutes=MAX_MINUTES,
        default_minutes=DEFAULT_MINUTES,
        questions=RATING_QUESTIONS,
        stop_at_once=say("common.stop_at_once"),
        changed_since=knowledge.gates.changed_since.format(
            day=release.screened_at.astimezone().date().isoformat() if release.screened_at else ""
        ),
        start_words={
            "say_if_changed": knowledge.gates.say_if_changed,
            "changed": knowledge.gates.something_changed_browser,
        },
    )


@router.get("/session/{session_id}", response_class=HTMLResponse)
def run_page(
    request: Request, session_id: SessionId, database: DatabaseDep, settings: SettingsDep
) -> HTMLResponse:
    """The running session (the script takes it from here)."""
    record = sessions.session_record(database, session_id=session_id)
    data = page_data(record, speed=settings.session_speed)
    return render(
        request,
        "session_run.html.j2",
        record=record,
        data_json=json_data_block(data),
        questions=RATING_QUESTIONS,
        felt={felt.value: label for felt, label in FELT_LABELS.items()},
        adverse_events=load_knowledge_base().gates.adverse_events,
        stop_at_once=say("common.stop_at_once"),
        description=_describe(record),
    )


def page_data(record: SessionRecord, *, speed: float) -> dict[str, Any]:
    """Everything the running page's script needs, as plain JSON data."""
    return {
        "record": record.to_document(),
        "speech": speech(record),
        "speed": speed,
        "checkpoint_seconds": sessions.CHECKPOINT_SECONDS,
        "back_restarts_after": session_events.BACK_RESTARTS_AFTER,
        "stale_after": session_events.STALE_PROMPT_AFTER,
        "pain_up_points": PAIN_UP_POINTS,
        "pain_advice": PAIN_UP_ADVICE,
        "release_words": _release_words(),
        "phases": {phase.value: name_of(phase) for phase in Phase},
        "sides": {side.value: name_of(side) for side in Side},
        "ratings": RATING_LABELS,
        "api": f"/api/v1/sessions/{record.id}",
    }


def _release_words() -> dict[str, str]:
    gates = load_knowledge_base().gates
    return {
        "paused": gates.headline_paused,
        "urgent": gates.headline_urgent,
        "answer_again": gates.answer_again_browser,
        "tick_what_happened": gates.tick_what_happened,
    }


def speech(record: SessionRecord) -> dict[str, Any]:
    """What the voice says for each event: the terminal's own words, step by step.

    ``steps`` holds, for each timeline step, the phrase (or null for silence) of
    ``step_started``, ``breath_in``, ``breath_out`` and ``half_way``; the session-wide
    events (``paused``, ``resumed``, ``session_finished``) sit beside it.
    """
    spoken = load_knowledge_base().session.spoken
    steps = record.timeline.steps

    def said(kind: EventKind, index: int) -> str | None:
        event = SessionEvent(
            kind=kind, step_index=index, step=steps[index], offset=0.0, due=0.0, at=0.0
        )
        return spoken_text(event, spoken)

    document: dict[str, Any] = {
        "steps": [
            {kind.value: said(kind, index) for kind in _STEP_EVENTS} for index in range(len(steps))
        ]
    }
    document.update({kind.value: said(kind, 0) for kind in _SESSION_EVENTS})
    return document


def json_data_block(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` as such."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above; JSON.parse reads the escapes back


def _describe(record: SessionRecord) -> str:
    if record.kind is SessionKind.MANUAL_RELEASE:
        what = "Manual release led by a practitioner"
    elif record.tool is None:
        what = "Self-release with your tool"
    else:
        names = {tool.id: tool.name for tool in load_knowledge_base().tools}
        what = f"Self-release with a {names[record.tool]}"
    return f"{what}, {record.minutes} minutes"
