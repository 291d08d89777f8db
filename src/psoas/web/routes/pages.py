"""The HTML pages: Jinja templates over the same services as the API.

Pages only read; everything that changes data goes through the JSON API from
the page's own script (``static/forms.js``), so one set of checks (and one
cross-site guard) covers both faces. The content security policy allows no
inline script or style, so the pages carry none: forms say what they send in
``data-*`` attributes, and the charts' SVG has its styles turned into
presentation attributes before it is inlined.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel

from psoas.content import load_knowledge_base
from psoas.content.models import (
    Cause,
    Dose,
    Muscle,
    Neighbour,
    Question,
    QuestionGroup,
    SafetyRule,
    Technique,
    Threshold,
    Tool,
)
from psoas.content.vocabulary import AdverseEventId, MetricId, RedFlagId
from psoas.content.words import say
from psoas.core.intake import ActivityKind, InjuryKind, SurgeryRegion, ToolChoice
from psoas.core.planning import Plan, PlanItem
from psoas.core.progress import Progress
from psoas.core.records import HistoryEntry, RecordKind
from psoas.core.session_records import RATING_LABELS, RATING_QUESTIONS
from psoas.errors import PsoasError, UnknownId
from psoas.services import care, gates, history, library, reminders, tracking
from psoas.services.caching import SingleFlightCache
from psoas.services.sessions import list_sessions
from psoas.services.storage import Database
from psoas.web.deps import DatabaseDep, DrawingDep, PersonDep

templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("psoas.web"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)

router = APIRouter(include_in_schema=False)

LAST_SESSIONS = 5
"""How many sessions the dashboard lists."""

CHART_CAPTIONS = {
    "pain": "Pain over time: daily ratings, the baseline (dashed) and the band within which "
    "a change is too small to matter.",
    "thomas": "Modified Thomas test, hip angle on each side: lower means longer hip flexors.",
    "adherence": "Adherence per week: the share of the plan's items that were done.",
    "sessions": "Before and after each guided session: each rating before (hollow) and after "
    "(filled).",
}
"""What each chart shows, for its caption (the report says the same)."""

HISTORY_SECTIONS = (
    (RecordKind.RELEASE_PAUSE, "Release paused"),
    (RecordKind.MEASUREMENT, "Measurements"),
    (RecordKind.CHECK_IN, "Check-ins"),
    (RecordKind.SESSION, "Sessions"),
    (RecordKind.PLAN, "Plan versions"),
    (RecordKind.ASSESSMENT, "Safety screens"),
    (RecordKind.INTAKE, "Intakes"),
)


def _words(value: object) -> str:
    """An id as words: ``low_back_strain`` → ``low back strain``."""
    return str(value).replace("_", " ")


def _problem_label(event: AdverseEventId) -> str:
    """What went wrong in a session, in words."""
    return load_knowledge_base().adverse_event(event).label


def _dose(amounts: dict[str, int | bool]) -> str:
    return Dose.model_validate(amounts).describe()


templates.env.filters["words"] = _words
templates.env.filters["dose"] = _dose
templates.env.globals["gates"] = load_knowledge_base().gates
templates.env.filters["problem_label"] = _problem_label
templates.env.globals["say"] = say


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template, with what every page needs."""
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, error: PsoasError, status_code: int) -> Response:
    """A psoas error as a page: the same message the CLI and the API give."""
    return render(request, "error.html.j2", status_code=status_code, message=error.message)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, database: DatabaseDep, person: PersonDep) -> HTMLResponse:
    """Safety first, then today's plan, progress and the last sessions.

    The page depends only on what is stored and on the date, so it is kept
    until either changes (the key holds the store's version of the records).
    """
    version = tracking.data_version(database, person=person)
    if version is None:
        return _dashboard(request, database, person)
    body = _DASHBOARDS.get_or_make(
        (version, date.today()),
        lambda: bytes(_dashboard(request, database, person).body),
        group=tracking.records_of(version),
    )
    return HTMLResponse(body)


_DASHBOARDS: SingleFlightCache[bytes] = SingleFlightCache(size=8)


def _dashboard(request: Request, database: Database, person: str) -> HTMLResponse:
    assessment = care.latest_assessment(database, person=person)
    plan = tracking.current_plan(database, person=person)
    sessions = list_sessions(database, person=person, newest=LAST_SESSIONS) if assessment else []
    return render(
        request,
        "dashboard.html.j2",
        assessment=assessment,
        release=gates.status(database, person=person, today=date.today()),
        plan=plan,
        due=_due(plan),
        charts=_charts(database, person) if assessment else None,
        sessions=list(reversed(sessions[-LAST_SESSIONS:])),
        rating_labels=RATING_LABELS,
        questions=_questions(),
    )


@router.get("/intake", response_class=HTMLResponse)
def intake_form(request: Request) -> HTMLResponse:
    """Every question of the intake contract; the page's script posts it to ``/api/v1/plans``."""
    return render(
        request,
        "intake.html.j2",
        groups=_safety_groups(),
        questions=_questions(),
        activity_kinds=list(ActivityKind),
        injury_kinds=list(InjuryKind),
        surgery_regions=list(SurgeryRegion),
        tools=_tool_choices(),
    )


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, database: DatabaseDep, person: PersonDep) -> HTMLResponse:
    """The newest screen (every reason, what to do), the factors, and every item with its why."""
    knowledge = load_knowledge_base()
    return render(
        request,
        "plan.html.j2",
        assessment=care.latest_assessment(database, person=person),
        release=gates.status(database, person=person, today=date.today()),
        plan=tracking.current_plan(database, person=person),
        causes={cause.id: cause.name for cause in knowledge.causes},
        tool_names={tool.id: tool.name for tool in knowledge.tools},
        questions=_questions(),
    )


@router.get("/library", response_class=HTMLResponse)
def library_index(request: Request) -> HTMLResponse:
    """Every entry of the knowledge base, section by section."""
    sections = [
        (section, list(found))
        for section, found in groupby(library.entries(), key=lambda entry: entry.section)
    ]
    return render(request, "library.html.j2", sections=sections)


@router.get("/library/{entry_id}", response_class=HTMLResponse)
def library_entry(request: Request, entry_id: str) -> HTMLResponse:
    """One entry in full; an unknown id is the error page with 404."""
    found = library.entry(entry_id)
    return render(
        request,
        "library_entry.html.j2",
        found=found,
        shape=_shape(found.entry),
        names={entry.id: entry.name for entry in library.entries()},
        questions=_questions(),
    )


@router.get("/track", response_class=HTMLResponse)
def track(request: Request, database: DatabaseDep, person: PersonDep) -> HTMLResponse:
    """The daily check-in and the fuller measures, both posted by the page's script."""
    plan = tracking.current_plan(database, person=person)
    thomas = load_knowledge_base().measure(MetricId.THOMAS_HIP_ANGLE_LEFT)
    return render(
        request,
        "track.html.j2",
        today=date.today().isoformat(),
        countable=[(item.technique, item.title) for item in _due(plan)],
        red_flags=_red_flags(),
        problems=[
            (event.id.value, event.label[:1].upper() + event.label[1:])
            for event in load_knowledge_base().gates.adverse_events
        ],
        rating_questions=RATING_QUESTIONS,
        thomas_explanation=thomas.explanation,
    )


@router.get("/history", response_class=HTMLResponse)
def history_page(request: Request, database: DatabaseDep, person: PersonDep) -> HTMLResponse:
    """Everything stored, newest first; the report to download; reminders for a calendar."""
    entries = _history(database, person)
    newest_first = list(reversed(entries))
    sections = [
        (label, [entry for entry in newest_first if entry.kind is kind])
        for kind, label in HISTORY_SECTIONS
    ]
    return render(
        request,
        "history.html.j2",
        sections=sections,
        progress=_progress(database, person) if entries else None,
        has_screen=any(entry.kind is RecordKind.ASSESSMENT for entry in entries),
        has_plan=any(entry.kind is RecordKind.PLAN for entry in entries),
        zone=reminders.local_zone_name(),
    )


def _history(database: Database, person: str) -> list[HistoryEntry]:
    try:
        return history.history(database, person=person)
    except UnknownId:  # nothing stored for this person yet
        return []


def _progress(database: Database, person: str) -> Progress | None:
    try:
        return tracking.progress(database, person=person, today=date.today())
    except UnknownId:  # nothing stored for this person yet
        return None


def _due(plan: Plan | None) -> list[PlanItem]:
    """The plan's items that are done on a schedule (not once, not only within a release)."""
    return [item for item in plan.items if item.schedule.per_week > 0] if plan else []


@dataclass(frozen=True)
class ChartView:
    """One chart as the dashboard shows it: an image of ours, with its caption as text."""

    name: str
    caption: str
    src: str


def _charts(database: Database, person: str) -> list[ChartView] | None:
    """The progress charts, [] when there is nothing to draw, None when nothing is stored.

    Each is its own ``/charts/NAME.svg`` image, named with the store's version of the
    records: the page stays small, and a browser fetches a chart again only when it changed.
    """
    found = _progress(database, person)
    if found is None:
        return None
    if not (found.metrics or found.adherence or found.session_effects.sessions):
        return []
    version = hashlib.sha256(repr(tracking.data_version(database, person=person)).encode())
    return [
        ChartView(name, caption, f"/charts/{name}.svg?v={version.hexdigest()[:16]}")
        for name, caption in CHART_CAPTIONS.items()
    ]


@router.get("/charts/{name}.svg")
def chart(name: str, database: DatabaseDep, person: PersonDep, drawing: DrawingDep) -> Response:
    """One progress chart as SVG (drawn once per change of the records, then kept)."""
    if name not in CHART_CAPTIONS:
        raise UnknownId("chart", name, sorted(CHART_CAPTIONS))
    from psoas.services.reporting import progress_chart

    return Response(
        progress_chart(database, person=person, today=date.today(), name=name, drawing=drawing),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=31536000, immutable"},
    )


def _red_flags() -> list[tuple[str, str]]:
    """Each red-flag id with its question, in the contract's order."""
    questions = _questions()
    return [(flag.value, questions[flag.value]) for flag in RedFlagId]


def _questions() -> dict[str, str]:
    """Every safety question in plain words, by question id."""
    return {question.id.value: question.text for question in load_knowledge_base().questions}


def _safety_groups() -> dict[str, tuple[QuestionGroup, list[Question]]]:
    """Each group of safety questions with its heading, note and questions, by group id."""
    knowledge = load_knowledge_base()
    return {
        group.id: (group, [q for q in knowledge.questions if q.group == group.id])
        for group in knowledge.question_groups
    }


def _tool_choices() -> list[tuple[str, str]]:
    names = {tool.id.value: tool.name for tool in load_knowledge_base().tools}
    return [(choice.value, names.get(choice.value, "None of these")) for choice in list(ToolChoice)]


def _shape(entry: BaseModel) -> str:
    """Which layout an entry of the library gets."""
    shapes: tuple[tuple[type[BaseModel], str], ...] = (
        (Technique, "technique"),
        (Muscle, "muscle"),
        (Neighbour, "neighbour"),
        (Cause, "cause"),
        (Tool, "tool"),
        (SafetyRule, "safety_rule"),
        (Threshold, "threshold"),
    )
    return next(shape for model, shape in shapes if isinstance(entry, model))
