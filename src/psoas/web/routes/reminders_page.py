"""The reminders form's download: the calendar file, or the form again with its problems.

The history page's form is sent here (a plain GET, so it works without our script). The
API's ``/api/v1/reminders.ics`` takes the same values; a person who sent the form gets a
page in the form's own words, never the API's JSON.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from psoas.content.words import say
from psoas.errors import InvalidValues
from psoas.services import reminders
from psoas.web.deps import DatabaseDep, PersonDep
from psoas.web.routes.pages import render

router = APIRouter(include_in_schema=False)

FORM_LABELS = {
    "start": "Work starts",
    "end": "Work ends",
    "days": "Work days",
    "practice_at": "Practice time",
    "timezone": "Time zone",
}
"""The form's label of each working-hours field (as the form shows it)."""


@router.get("/reminders.ics")
def reminders_download(
    request: Request,
    database: DatabaseDep,
    person: PersonDep,
    work_start: str = "09:00",
    work_end: str = "17:00",
    work_days: str = "mon-fri",
    practice_at: str = "18:00",
    timezone: str = "",
) -> Response:
    """The calendar file of the form's values, or the form again with what to change."""
    typed = {
        "start": work_start,
        "end": work_end,
        "days": work_days,
        "practice_at": practice_at,
        "timezone": timezone,
    }
    try:
        hours = reminders.work_hours_given(
            start=work_start,
            end=work_end,
            days=work_days,
            timezone=timezone or None,
            practice_at=practice_at,
        )
    except InvalidValues as error:
        problems = {p.field: p.problem for p in error.problems if p.field in FORM_LABELS}
        return render(
            request,
            "reminders.html.j2",
            status_code=422,
            summary=say("errors.form_problems", count=len(problems)),
            values=typed,
            problems=problems,
            zone=timezone or reminders.local_zone_name(),
        )
    plan = reminders.plan_to_remind(database, person=person)
    content = reminders.export_calendar(plan, hours, today=date.today(), now=datetime.now(UTC))
    return Response(
        content,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="psoas.ics"'},
    )
