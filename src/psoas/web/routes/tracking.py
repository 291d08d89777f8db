"""Measures, daily check-ins, progress, and the files to take away: the report and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from psoas.core.gates import ReleaseStatus
from psoas.core.progress import Progress
from psoas.core.reminders import TIME_OF_DAY_PATTERN, WORK_DAYS_PATTERN, known_time_zones
from psoas.core.validation import validate_document
from psoas.errors import FieldProblem, InvalidValues
from psoas.services import gates, reminders, tracking
from psoas.services.reporting import NAME_MOST_CHARACTERS
from psoas.services.tracking import TrackingOutcome
from psoas.web.api_models import ChangeReport, CheckInsRecorded, MeasuresRecorded, json_body
from psoas.web.deps import (
    DatabaseDep,
    DrawingDep,
    FollowUpsDep,
    JsonBody,
    PersonDep,
    SinceDay,
)
from psoas.web.problems import ALWAYS, WITH_BODY, error_responses

router = APIRouter(tags=["tracking"], responses=error_responses(*ALWAYS))

A_FILE = {"schema": {"type": "string", "format": "binary"}}

TimeOfDay = Annotated[str, Query(pattern=TIME_OF_DAY_PATTERN, description="HH:MM, local time.")]


@router.post(
    "/measures",
    status_code=201,
    response_model=MeasuresRecorded,
    openapi_extra=json_body("Measurement", one_or_list=True),
    responses=error_responses(*WITH_BODY),
)
def record_measures(
    body: JsonBody, database: DatabaseDep, person: PersonDep, followups: FollowUpsDep
) -> dict[str, Any]:
    """Store one measurement or a list (all or nothing); returns what was stored.

    Progress follows from it: ask ``/progress`` (the rules run just after the write).
    """
    found = tracking.parse_measurements(body, source="measurement")
    outcome = tracking.record_measurements(
        database, person=person, measurements=found, today=date.today(), source="measurement"
    )
    followups.after_write(person)
    return _outcome(outcome)


@router.post(
    "/check-ins",
    status_code=201,
    response_model=CheckInsRecorded,
    openapi_extra=json_body("CheckIn", one_or_list=True),
    responses=error_responses(*WITH_BODY, 409),
)
def record_check_ins(
    body: JsonBody, database: DatabaseDep, person: PersonDep, followups: FollowUpsDep
) -> dict[str, Any]:
    """Store the day's check-in (or a list); a new warning sign screens the person again.

    Returns what was stored (a second check-in of a day: joined with the first).
    """
    found = tracking.parse_check_ins(body, source="check-in")
    outcome = tracking.record_check_ins(
        database, person=person, check_ins=found, today=date.today(), source="check-in"
    )
    followups.after_write(person)
    return _outcome(outcome)


@router.post(
    "/changes",
    status_code=201,
    openapi_extra=json_body("ChangeReport"),
    responses=error_responses(*WITH_BODY),
)
def something_changed(body: JsonBody, database: DatabaseDep, person: PersonDep) -> ReleaseStatus:
    """The person says something has changed since their safety answers: release pauses."""
    validate_document(ChangeReport, body, source="change")  # an object; nothing in it is read
    gates.report_change(database, person=person, day=date.today())
    return gates.status(database, person=person, today=date.today())


@router.get(
    "/progress",
    response_class=JSONResponse,
    responses={200: {"model": Progress}, **error_responses(404, 422)},
)
def progress(database: DatabaseDep, person: PersonDep, since: SinceDay = None) -> Response:
    """Change against baseline and a month ago, adherence, streaks, session effects, advice.

    ``psoas.progress/1`` (``psoas schema progress``), serialised by pydantic directly:
    years of daily points make FastAPI's generic encoder the slowest part of a request.
    """
    found = tracking.progress_json(database, person=person, today=date.today(), since=since)
    return Response(found, media_type="application/json")


@router.get(
    "/report",
    response_class=Response,
    responses={
        200: {
            "description": "The report as a file to keep",
            "content": {"application/pdf": A_FILE, "text/html": {"schema": {"type": "string"}}},
        },
        **error_responses(404, 409, 422),
    },
)
def report(
    database: DatabaseDep,
    person: PersonDep,
    drawing: DrawingDep,
    format: Annotated[str, Query(pattern="^(html|pdf)$")] = "pdf",  # noqa: A002 - the API's word
    since: SinceDay = None,
    name: Annotated[str | None, Query(max_length=NAME_MOST_CHARACTERS)] = None,
) -> Response:
    """The progress report as a download (PDF through WeasyPrint, or self-contained HTML).

    ``name``: how the person wants to be named on it (left unnamed when empty).
    """
    from psoas.services.reporting import ReportFormat, report_bytes

    chosen = ReportFormat(format)
    content = report_bytes(
        database,
        person=person,
        today=date.today(),
        fmt=chosen,
        since=since,
        drawing=drawing,
        name=name,
    )
    media = "application/pdf" if chosen is ReportFormat.PDF else "text/html; charset=utf-8"
    filename = f"psoas-report-{date.today().isoformat()}.{format}"
    return Response(
        content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/reminders.ics",
    response_class=Response,
    responses={
        200: {
            "description": "An iCalendar file of reminders",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        **error_responses(404, 409, 422),
    },
)
def reminders_calendar(
    database: DatabaseDep,
    person: PersonDep,
    work_start: TimeOfDay = "09:00",
    work_end: Annotated[
        str, Query(pattern=TIME_OF_DAY_PATTERN, description="After work_start (HH:MM).")
    ] = "17:00",
    work_days: Annotated[
        str,
        Query(
            description="Like mon-fri, weekdays, monday to friday, or mon,wed,fri.",
            json_schema_extra={"pattern": WORK_DAYS_PATTERN},  # checked, in words, by the service
        ),
    ] = "mon-fri",
    practice_at: TimeOfDay = "18:00",
    timezone: Annotated[
        str | None,
        Query(
            description="An IANA time zone; the server's own when left out.",
            json_schema_extra={"enum": sorted(known_time_zones())},
        ),
    ] = None,
) -> Response:
    """The plan's schedule and hourly movement breaks as iCalendar, each with an alarm."""
    try:
        hours = reminders.work_hours_given(
            start=work_start,
            end=work_end,
            days=work_days,
            timezone=timezone,
            practice_at=practice_at,
        )
    except InvalidValues as error:  # named as this request names them: work_days, not days
        problems = [
            FieldProblem(QUERY_OF_FIELD.get(p.field, p.field), p.problem) for p in error.problems
        ]
        raise InvalidValues("query", problems) from None
    plan = reminders.plan_to_remind(database, person=person)
    content = reminders.export_calendar(plan, hours, today=date.today(), now=datetime.now(UTC))
    return Response(
        content,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="psoas.ics"'},
    )


QUERY_OF_FIELD = {"start": "work_start", "end": "work_end", "days": "work_days"}
"""The query parameter of each working-hours field whose name differs."""


def _outcome(outcome: TrackingOutcome) -> dict[str, Any]:
    return {
        "recorded": outcome.recorded,
        "merged": outcome.merged,
        "stored": outcome.stored,
        "rescreen": outcome.rescreen.to_document() if outcome.rescreen else None,
        "rescreen_impossible": outcome.rescreen_impossible,
        "plan_version": outcome.plan_version,
        "paused": outcome.paused,
    }
