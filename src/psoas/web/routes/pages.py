"""The HTML pages: Jinja templates over the same services as the API.

Pages only read; everything that changes data goes through the JSON API from
the page's own script (``static/forms.js``), so one set of checks (and one
cross-site guard) covers both faces. The content security policy allows no
inline script or style, so the pages carry none: forms say what they send in
``data-*`` attributes, and the charts' SVG has its styles turned into
presentation attributes before it is inlined.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any, Literal

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
    answer_at,
)
from psoas.content.names import listed_name, name_of
from psoas.content.vocabulary import AdverseEventId, MetricId, RedFlagId
from psoas.content.words import say, topic_words
from psoas.core.intake import ActivityKind, InjuryKind, SurgeryRegion, ToolChoice
from psoas.core.planning import Plan, PlanItem
from psoas.core.progress import Progress
from psoas.core.records import HistoryEntry, RecordKind
from psoas.core.reminders import known_time_zones
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

CHART_NEXT_STEPS = {
    "pain": "/track#check-in",
    "thomas": "/track#measures",
    "adherence": "/intake",
    "sessions": "/session",
}
"""Where the next step is taken for a chart with nothing to draw yet."""
FIRST_CHECK_IN = "/track#check-in"
ChartSizeName = Literal["wide", "phone"]
"""A chart's size: ``phone`` is drawn for a phone's width, so its text stays readable there."""
PHONE_MEDIA = "(max-width: 48rem)"
"""Where a page shows the phone size: below it, ``wide`` would show its text under 12 px."""

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
templates.env.filters["name"] = name_of
templates.env.filters["kind_name"] = functools.partial(listed_name, what="kind")
templates.env.globals["time_zones"] = sorted(known_time_zones())
templates.env.globals["work_days_hint"] = say("errors.work_days_hint")
templates.env.globals["say"] = say
templates.env.filters["dose"] = _dose
templates.env.globals["gates"] = load_knowledge_base().gates
templates.env.filters["problem_label"] = _problem_label
templates.env.globals["say"] = say


def _answer(answers: dict[str, Any] | None, path: str) -> Any:
    """The stored answer at a dotted path of an intake document; None when not answered."""
    found = answer_at(answers, path)
    if isinstance(found, float) and found.is_integer():
        return int(found)  # 9 hours, not 9.0
    return found


def _chosen(answers: dict[str, Any] | None, question: Question) -> int | None:
    """Which answer of a set-answers question (1, 2, ...) gives exactly the stored fields."""
    chosen = None if answers is None else question.choice_answered(answers)
    return None if chosen is None else chosen + 1


templates.env.globals["answer"] = _answer
templates.env.filters["answer_in"] = lambda path, answers: _answer(answers, path)
templates.env.globals["chosen"] = _chosen


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
def intake_form(request: Request, database: DatabaseDep, person: PersonDep) -> HTMLResponse:
    """Every question of the intake contract, filled in with the stored answers if any.

    The page's script posts it to ``/api/v1/plans``. ``?changed=1``: the person has just
    said at a session's start that something changed since their answers.
    """
    stored = care.stored_answers(database, person=person)
    return render(
        request,
        "intake.html.j2",
        answers=stored.intake.to_document() if stored else None,
        answered_on=stored.screened_at.astimezone().date().isoformat() if stored else None,
        changed=request.query_params.get("changed") == "1",
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
    return render(
        request,
        "plan.html.j2",
        assessment=care.latest_assessment(database, person=person),
        release=gates.status(database, person=person, today=date.today()),
        plan=tracking.current_plan(database, person=person),
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
    today = date.today()
    return render(
        request,
        "track.html.j2",
        today=today.isoformat(),
        confirm_before=tracking.confirm_before(database, person=person, today=today).isoformat(),
        words=topic_words("checkin"),
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
    from psoas.services import corrections  # only this page lists what can be changed

    return render(
        request,
        "history.html.j2",
        sections=sections,
        editable=corrections.editable(database, person=person),
        can_undo=corrections.can_undo(database, person=person),
        trail=_trail(database, person) if entries else [],
        progress=_progress(database, person) if entries else None,
        has_screen=any(entry.kind is RecordKind.ASSESSMENT for entry in entries),
        has_plan=any(entry.kind is RecordKind.PLAN for entry in entries),
        zone=reminders.local_zone_name(),
    )


def _trail(database: Database, person: str) -> list[tuple[Any, str]]:
    """The person's changes, newest first, each with what it did in words."""
    from psoas.services import corrections

    try:
        changes = corrections.trail(database, person=person)
    except UnknownId:
        return []
    return [(change, corrections.describe(change)) for change in reversed(changes)]


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
    """One chart as the dashboard shows it: an image of ours at two sizes, or what to do first."""

    name: str
    title: str
    caption: str
    """The chart's caption, also its image's text alternative (right for either size)."""
    src: str | None
    """The wide image; ``None`` when there is nothing to draw."""
    phone_src: str | None
    missing: str | None
    next_step: str | None
    next_href: str


@dataclass(frozen=True)
class ChartsView:
    """The dashboard's charts, or one sentence and the next step when none has anything yet."""

    each: list[ChartView]
    nothing: tuple[str, str] | None
    next_href: str = FIRST_CHECK_IN
    phone_media: str = PHONE_MEDIA


def _charts(database: Database, person: str) -> ChartsView:
    """The progress charts, each drawn or said in words (one sentence if none has anything).

    Each drawn chart is its own ``/charts/NAME.svg`` image at two sizes, named with the
    store's version of the records: the page stays small, and a browser fetches a chart
    again only when it changed, at the size its window needs.
    """
    from psoas.services.reporting import charts_shown

    found = _progress(database, person)
    if found is None:
        return ChartsView([], (say("charts.nothing_yet"), say("charts.nothing_yet_next")))
    version = hashlib.sha256(repr(tracking.data_version(database, person=person)).encode())
    src = f"?v={version.hexdigest()[:16]}"
    shown = charts_shown(found)
    return ChartsView(
        [
            ChartView(
                chart.name,
                chart.title,
                chart.caption,
                f"/charts/{chart.name}.svg{src}" if chart.drawn else None,
                f"/charts/{chart.name}.svg{src}&size=phone" if chart.drawn else None,
                chart.missing,
                chart.next_step,
                CHART_NEXT_STEPS[chart.name],
            )
            for chart in shown.charts
        ],
        shown.nothing,
    )


@router.get("/charts/{name}.svg")
def chart(
    name: str,
    database: DatabaseDep,
    person: PersonDep,
    drawing: DrawingDep,
    size: ChartSizeName = "wide",
) -> Response:
    """One progress chart as SVG at ``size`` (drawn once per change of the records, then kept)."""
    if name not in CHART_NEXT_STEPS:
        raise UnknownId("chart", name, sorted(CHART_NEXT_STEPS))
    from psoas.services.reporting import progress_chart

    svg = progress_chart(
        database, person=person, today=date.today(), name=name, size=size, drawing=drawing
    )
    return Response(
        svg,
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
