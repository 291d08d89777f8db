"""Charts and reports of a person's progress: gathered from the store, drawn, and written safely.

A report is written to a temporary file beside the target and moved into
place only when complete, so a failure (a missing font library, a full
disk) never leaves a half-written PDF where the last good one was.

Charts are drawn, and PDFs printed, by a :class:`~psoas.services.drawing.Drawing`:
in this process for the CLI, in a worker process for the web app (so the
server never loads matplotlib or WeasyPrint). Each chart drawn is kept, by the
store's version of the person's records, and serves both the pages and the
report: a report asked for after the dashboard draws no chart again.
A report's charts cover a window of dates (:mod:`psoas.reports.charts`). A chart
with nothing to draw is not drawn for a page or a report: they say what is missing
and the next step instead (:func:`charts_shown`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from psoas.content import load_knowledge_base
from psoas.core.progress import Progress
from psoas.errors import ConflictsWithRecord, FieldProblem, InvalidValues
from psoas.reports.charts import CHARTS, FORMATS, SIZE_NAMES, ChartsShown, SizeName, charts_shown
from psoas.reports.report import ReportData, render_html
from psoas.services import care, tracking
from psoas.services.caching import SingleFlightCache
from psoas.services.drawing import IN_PROCESS, Drawing, chart_named
from psoas.services.files import write_file
from psoas.services.sessions import list_sessions
from psoas.store import Database
from psoas.store import repository as repo


class ReportFormat(StrEnum):
    """What a report can be written as."""

    HTML = "html"
    PDF = "pdf"


__all__ = [
    "ChartsShown",
    "ReportFormat",
    "charts_shown",
    "inline_svg",
    "progress_chart",
    "report_bytes",
    "report_data",
    "write_charts",
    "write_report",
]


def write_charts(found: Progress, folder: Path, *, drawing: Drawing = IN_PROCESS) -> list[Path]:
    """Every chart as SVG and PNG in ``folder`` (made if need be); the paths written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidValues("the charts folder", [FieldProblem("charts", str(error))]) from None
    written = []
    for fmt in FORMATS:
        for chart in CHARTS:
            path = folder / chart.filename(fmt)
            write_file(path, drawing.draw(chart.name, found, fmt), field="charts")
            written.append(path)
    return written


PERSONAL_LABEL = "me"
"""The label both faces give the one person of personal mode: never a name to print."""
NAME_MOST_CHARACTERS = 100


def report_name(name: str | None, *, person: str) -> str | None:
    """The name a report carries: the one given, else the person's label unless it is "me".

    Runs of spaces and anything unprintable become one space; a name still longer than
    :data:`NAME_MOST_CHARACTERS` is refused (field ``name``).
    """
    printable = "".join(c if c.isprintable() else " " for c in name or "")
    cleaned = " ".join(printable.split())
    if len(cleaned) > NAME_MOST_CHARACTERS:
        problem = FieldProblem("name", f"expected at most {NAME_MOST_CHARACTERS} characters")
        raise InvalidValues("the report", [problem])
    if cleaned:
        return cleaned
    return None if person == PERSONAL_LABEL else person


def report_data(
    database: Database,
    *,
    person: str,
    today: date,
    since: date | None = None,
    drawing: Drawing = IN_PROCESS,
    name: str | None = None,
) -> ReportData:
    """Everything a report shows for one person, as of ``today`` (charts drawn by ``drawing``).

    ``name`` is how the person wants to be named on it (see :func:`report_name`).
    """
    shown_name = report_name(name, person=person)
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
        name=shown_name,
        as_of=today,
        since=since,
        safety=safety,
        progress=found,
        plan=plan,
        plan_version=version,
        sessions=sessions,
        measures=load_knowledge_base().measures,
        charts={
            chart.name: _drawn(database, person, today, since, chart.name, "wide", drawing).svg
            for chart in charts_shown(found).drawn
        },
    )


def write_report(
    data: ReportData, *, fmt: ReportFormat, out: Path, drawing: Drawing = IN_PROCESS
) -> Path:
    """Render the report and write it to ``out`` in one piece (a PDF printed by ``drawing``)."""
    write_file(out, _rendered(data, fmt, drawing), field="out")
    return out


def _rendered(data: ReportData, fmt: ReportFormat, drawing: Drawing) -> bytes:
    html = render_html(data)
    return html.encode("utf-8") if fmt is ReportFormat.HTML else drawing.print_pdf(html)


def report_bytes(
    database: Database,
    *,
    person: str,
    today: date,
    fmt: ReportFormat,
    since: date | None = None,
    drawing: Drawing = IN_PROCESS,
    name: str | None = None,
) -> bytes:
    """The report as the bytes of an HTML or PDF file (for a download)."""
    data = report_data(
        database, person=person, today=today, since=since, drawing=drawing, name=name
    )
    return _rendered(data, fmt, drawing)


def progress_chart(
    database: Database,
    *,
    person: str,
    today: date,
    name: str,
    size: SizeName = "wide",
    drawing: Drawing = IN_PROCESS,
) -> str:
    """One chart of the person's progress as SVG to inline, drawn once per change of their records.

    Each chart is kept on its own, by the key progress itself is kept by (the store's
    version of the records, and the day) and its name: a page asks for its charts at
    once, and each request draws only its own chart (the first to ask draws it while
    any other request for it waits).
    """
    chart_named(name)
    return _drawn(database, person, today, None, name, size, drawing).inline


@dataclass(frozen=True)
class _Drawn:
    """One chart as drawn, for a report, and as a page inlines it."""

    svg: bytes
    inline: str


def _drawn(
    database: Database,
    person: str,
    today: date,
    since: date | None,
    name: str,
    size: SizeName,
    drawing: Drawing,
) -> _Drawn:
    """The chart ``name`` of the person's progress at ``size``, drawn by ``drawing`` unless kept."""
    version = tracking.data_version(database, person=person)

    def draw() -> _Drawn:
        found = tracking.progress(database, person=person, today=today, since=since)
        svg = drawing.draw(name, found, "svg", size)
        return _Drawn(svg, inline_svg(svg.decode(), prefix=name))

    return _CHARTS.get_or_make(
        (version, today, since, name, size),
        draw,
        group=(tracking.records_of(version), since, name, size),
    )


_CHARTS: SingleFlightCache[_Drawn] = SingleFlightCache(size=4 * len(CHARTS) * len(SIZE_NAMES))
"""Each chart's newest version at each size for up to four people (or spans): a newer one
replaces it."""


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
