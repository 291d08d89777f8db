"""The HTML pages: Jinja templates over the same services as the API.

Pages only read; everything that changes data goes through the JSON API from
the page's own script, so one set of checks (and one cross-site guard)
covers both faces.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape

from psoas.errors import PsoasError
from psoas.services import care, tracking
from psoas.services.sessions import list_sessions
from psoas.web.deps import DatabaseDep, PersonDep, SettingsDep

templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("psoas.web"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)

router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from its template, with what every page needs."""
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, error: PsoasError, status_code: int) -> Response:
    """A psoas error as a page: the same message the CLI and the API give."""
    return render(request, "error.html.j2", status_code=status_code, message=error.message)


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request, database: DatabaseDep, person: PersonDep, settings: SettingsDep
) -> HTMLResponse:
    """Safety first, then today's plan, progress and the last sessions."""
    assessment = care.latest_assessment(database, person=person)
    plan = tracking.current_plan(database, person=person)
    sessions = list_sessions(database, person=person) if assessment else []
    return render(
        request,
        "dashboard.html.j2",
        assessment=assessment,
        plan=plan,
        sessions=sessions[-5:],
        today=date.today(),
    )
