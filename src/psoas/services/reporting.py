"""Charts and reports of a person's progress: gathered from the store, drawn, and written safely.

A report is written to a temporary file beside the target and moved into
place only when complete, so a failure (a missing font library, a full
disk) never leaves a half-written PDF where the last good one was.

PDFs are printed one at a time per process, as charts are drawn (WeasyPrint
takes tens of megabytes while it works: several at once in a server would
multiply that); a report's charts cover a window of dates (:mod:`psoas.reports.charts`).
"""

from __future__ import annotations

import re
import threading
from datetime import date
from enum import StrEnum
from pathlib import Path

from psoas.content import load_knowledge_base
from psoas.core.progress import Progress
from psoas.errors import (
    ConflictsWithRecord,
    FieldProblem,
    InvalidDocument,
    PsoasError,
    UnknownId,
)
from psoas.reports import charts
from psoas.reports.report import ReportData, render_html, render_pdf
from psoas.services import care, tracking
from psoas.services.caching import SingleFlightCache
from psoas.services.files import write_file
from psoas.services.sessions import list_sessions
from psoas.store import Database
from psoas.store import repository as repo


class ReportFormat(StrEnum):
    """What a report can be written as."""

    HTML = "html"
    PDF = "pdf"


def write_charts(found: Progress, folder: Path) -> list[Path]:
    """Every chart as SVG and PNG in ``folder`` (made if need be); the paths written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidDocument("--charts", [FieldProblem("--charts", str(error))]) from None
    written = []
    for fmt in ("svg", "png"):
        for filename, content in charts.render_all(found, fmt).items():
            path = folder / filename
            write_file(path, content, option="--charts")
            written.append(path)
    return written


def report_data(
    database: Database, *, person: str, today: date, since: date | None = None
) -> ReportData:
    """Everything a report shows for one person, as of ``today``."""
    found = tracking.progress(database, person=person, today=today, since=since)
    with database.reading() as session:
        person_row = tracking.find_person(session, person)
        plan_row = repo.latest_plan(session, person_id=person_row.id)
        version = plan_row.version if plan_row else None
    assessment = care.latest_assessment(database, person=person)
    safety = assessment.safety if assessment else None
    plan = tracking.current_plan(database, person=person)
    if safety is None:
        problem = FieldProblem(
            "person", f"{person!r} has no safety screen yet; a report starts with one"
        )
        raise ConflictsWithRecord("psoas report", [problem])
    sessions = [
        summary
        for summary in list_sessions(database, person=person)
        if since is None or summary.started_at.astimezone().date() >= since
    ]
    return ReportData(
        person=person,
        as_of=today,
        since=since,
        safety=safety,
        progress=found,
        plan=plan,
        plan_version=version,
        sessions=sessions,
        measures=load_knowledge_base().measures,
    )


def write_report(data: ReportData, *, fmt: ReportFormat, out: Path) -> Path:
    """Render the report and write it to ``out`` in one piece."""
    write_file(out, _rendered(data, fmt), option="--out")
    return out


_PRINTING = threading.Lock()
"""Held while a PDF is printed: one at a time per process (see the module's docstring)."""


def _rendered(data: ReportData, fmt: ReportFormat) -> bytes:
    html = render_html(data)
    return html.encode("utf-8") if fmt is ReportFormat.HTML else _pdf(html)


def _pdf(html: str) -> bytes:
    try:
        with _PRINTING:
            return render_pdf(html)
    except OSError as error:  # WeasyPrint could not load pango or a font
        raise PsoasError(
            f"the PDF could not be drawn ({error}); install Debian's libpango-1.0-0 and "
            "libpangoft2-1.0-0, or choose HTML"
        ) from None


def report_bytes(
    database: Database, *, person: str, today: date, fmt: ReportFormat, since: date | None = None
) -> bytes:
    """The report as the bytes of an HTML or PDF file (for a download)."""
    return _rendered(report_data(database, person=person, today=today, since=since), fmt)


def progress_chart(database: Database, *, person: str, today: date, name: str) -> str:
    """One chart of the person's progress as SVG to inline, drawn once per change of their records.

    Each chart is kept on its own, by the key progress itself is kept by (the store's
    version of the records, and the day) and its name: a page asks for its charts at
    once, and each request draws only its own chart (the first to ask draws it while
    any other request for it waits).
    """
    chart = _CHART_BY_NAME.get(name)
    if chart is None:
        raise UnknownId("chart", name, sorted(_CHART_BY_NAME))
    key = (tracking.data_version(database, person=person), today, name)
    return _CHARTS.get_or_make(
        key,
        lambda: inline_svg(
            chart.render(tracking.progress(database, person=person, today=today), "svg").decode(),
            prefix=name,
        ),
    )


_CHART_BY_NAME = {chart.name: chart for chart in charts.CHARTS}
_CHARTS: SingleFlightCache[str] = SingleFlightCache(size=4 * len(charts.CHARTS))
"""The newest four versions of each chart (versions of one person, or of four)."""


_BEFORE_SVG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_UNWANTED = re.compile(r"<metadata>.*?</metadata>|<style\b[^>]*>.*?</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_ID_OR_REFERENCE = re.compile(r'(\bid="|href="#|url\(#)')


def inline_svg(svg: str, *, prefix: str) -> str:
    """Matplotlib's SVG made fit to inline under the page's content security policy.

    ``style-src 'self'`` blocks ``style`` attributes and ``<style>`` elements
    even inside inline SVG, so each declaration becomes the presentation
    attribute of the same name (which the policy allows); the stylesheet's
    one rule (round joins, butt caps) is in ``site.css``. Ids get the chart's
    name in front so several charts on a page never share one.
    """
    text = _UNWANTED.sub("", _BEFORE_SVG.sub("", svg, count=1))
    text = _STYLE_ATTRIBUTE.sub(_presentation_attributes, text)
    text = _ID_OR_REFERENCE.sub(lambda found: f"{found[1]}chart-{prefix}-", text)
    return text.replace(
        "<svg ",
        f'<svg class="chart" role="img" aria-labelledby="chart-{prefix}-caption" ',
        1,
    )


def _presentation_attributes(found: re.Match[str]) -> str:
    pairs = (declaration.partition(":") for declaration in found[1].split(";"))
    return "".join(f' {name.strip()}="{value.strip()}"' for name, _, value in pairs if value)
