"""The progress report: one self-contained HTML page (and its PDF) a practitioner reads in minutes.

Order matters on paper: a safety level that sends the person to a clinician
comes first and stands out; then a summary (safety, phase, the headline pain
change and its verdict, adherence, streak, what the rules ask for); then the
measures table, the charts, the plan with each item's reasons, the session
history, and what the measures mean. Charts are inlined as ``data:`` URIs, so
the page makes no request and runs no script; the print styles lay it out on
A4 with page numbers.

This module only formats what it is given (:class:`ReportData`, the charts
already drawn); assembling that from the store, and having the charts drawn,
is a service's job.
"""

from __future__ import annotations

import base64
import functools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from psoas.content import load_knowledge_base
from psoas.content.models import Dose, MeasureInfo
from psoas.content.names import name_of
from psoas.content.vocabulary import MetricId, QuestionId, RedFlagId, SafetyLevel
from psoas.content.words import say
from psoas.core.gates import HoldKind, ReleaseStatus
from psoas.core.planning import Plan, PlanItem
from psoas.core.progress import PAIN_METRICS, MetricProgress, Progress
from psoas.core.safety import SafetyResult
from psoas.core.session_records import RATING_LABELS, SessionSummary
from psoas.reports.charts import charts_shown

TEMPLATE = "report.html.j2"

DISCLAIMER = (
    "psoas educates and guides; it does not diagnose. Anything here that worries you or "
    "your client is a reason to see a clinician."
)
THOMAS_NOTE = (
    "The Modified Thomas test is a measure to follow over time, taken the same way each time; "
    "it is not a diagnosis."
)
WINDOWS_NOTE = (
    "Baseline is the mean of the first 7 days with values, now the mean of the last 7, and a "
    "month ago the 7 days ending 30 days before the latest value. A verdict is given only where "
    "a meaningful change is established."
)

LEVEL_WORDS: dict[SafetyLevel, str] = {
    SafetyLevel.CLEAR: "Clear: self-care as planned",
    SafetyLevel.CAUTION: "Caution: self-care with the changes below",
    SafetyLevel.REFER: "Refer: see a clinician before any psoas work",
    SafetyLevel.URGENT: "Urgent: seek medical care now; no psoas work",
}
ALERT_LEVELS = frozenset({SafetyLevel.REFER, SafetyLevel.URGENT})

MINUS = "\u2212"


@dataclass(frozen=True, kw_only=True)
class ReportData:
    """Everything a report shows, already computed; build it from the core types."""

    person: str
    """The person's label, as the store knows them."""
    name: str | None = None
    """The name the person wants on the report; None leaves it unnamed."""
    as_of: date
    safety: SafetyResult
    """The latest safety screen."""
    progress: Progress
    charts: Mapping[str, bytes]
    """Each chart of :data:`~psoas.reports.charts.CHARTS` with something to draw, as SVG, by
    its name (:func:`~psoas.reports.charts.charts_shown`); the others are said in words."""
    since: date | None = None
    """Where the listed history starts (the baseline still comes from the first values)."""
    plan: Plan | None = None
    """The plan in force, if one is saved."""
    plan_version: int | None = None
    sessions: Sequence[SessionSummary] = ()
    """Guided sessions, in the order to list them."""
    measures: Sequence[MeasureInfo] = field(default=())
    """What each measure means; empty: the shipped knowledge base's."""


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML document (inline charts, no scripts, no links out)."""
    return _template().render(**_context(data))


def render_pdf(html: str) -> bytes:
    """Print a rendered report to PDF (A4, numbered pages) with WeasyPrint."""
    with warnings.catch_warnings():
        # Without the system's HarfBuzz-Subset, WeasyPrint subsets fonts itself and says so
        # once at import; the PDF is the same, so that notice is not passed on.
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        from weasyprint import HTML  # type: ignore[import-untyped]  # slow: imported here only

    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


@functools.cache
def _template() -> Template:
    environment = Environment(
        loader=PackageLoader("psoas.reports"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(TEMPLATE)


def _context(data: ReportData) -> dict[str, Any]:
    progress = data.progress
    measures = {info.id: info for info in (data.measures or load_knowledge_base().measures)}
    return {
        "heading": (
            say("looks.report_heading", name=data.name)
            if data.name
            else say("looks.report_heading_unnamed")
        ),
        "title": (
            say("looks.report_title", name=data.name, day=_day(data.as_of))
            if data.name
            else say("looks.report_title_unnamed", day=_day(data.as_of))
        ),
        "as_of": _day(data.as_of),
        "since": _day(data.since) if data.since else None,
        "safety": _safety(data.safety),
        "release": _release(data.progress.release),
        "phase": name_of(data.plan.phase) if data.plan else None,
        "plan_version": data.plan_version,
        "headline": _headline(progress),
        "adherence": _percent(progress.adherence_overall),
        "streaks": progress.streaks,
        "streak_words": say("common.streak", count=progress.streaks.current),
        "recommendations": progress.recommendations,
        "red_flags": [(_day(day), _flag(flag)) for day, flag in progress.red_flags_reported],
        "metrics": [_metric_row(metric) for metric in progress.metrics],
        "windows_note": WINDOWS_NOTE,
        "charts": _charts(data),
        "plan_items": [_plan_item(item) for item in data.plan.items] if data.plan else [],
        "sessions": [_session_row(summary) for summary in data.sessions],
        "explanations": _explanations(progress, measures),
        "disclaimer": DISCLAIMER,
        "thomas_note": THOMAS_NOTE,
    }


def _charts(data: ReportData) -> dict[str, Any]:
    """Each chart drawn, or what is missing and the next step; one sentence if none has data."""
    shown = charts_shown(data.progress)
    return {
        "nothing": shown.nothing,
        "each": [
            {
                "name": chart.name,
                "title": chart.title,
                "description": chart.description,
                "uri": _data_uri(data.charts[chart.name]) if chart.drawn else None,
                "missing": chart.missing,
                "next_step": chart.next_step,
            }
            for chart in (shown.charts if shown.nothing is None else [])
        ],
    }


def _safety(safety: SafetyResult) -> dict[str, Any]:
    knowledge = load_knowledge_base()
    return {
        "level": safety.level.value,
        "words": LEVEL_WORDS[safety.level],
        "alert": safety.level in ALERT_LEVELS,
        "messages": [reason.message for reason in safety.reasons],
        "self_release": "allowed" if safety.self_release_allowed else "not allowed",
        "stretching": "allowed" if safety.stretching_allowed else "not allowed",
        "unanswered": [knowledge.question(question).short for question in safety.unanswered],
    }


def _release(release: ReleaseStatus | None) -> dict[str, Any] | None:
    """Whether self-release may go ahead now, and why not (the holds since the screen)."""
    if release is None or release.level is None:
        return None
    gates = load_knowledge_base().gates
    return {
        "allowed": release.allowed,
        "paused": release.paused,
        "urgent": release.urgent,
        "title": gates.headline_urgent if release.urgent else gates.headline_paused,
        "messages": [hold.message for hold in release.holds if hold.kind is not HoldKind.SCREEN],
        "next": gates.answer_again_report,
    }


def _headline(progress: Progress) -> dict[str, Any] | None:
    """The first pain measure with values: where it started, where it is, and what that means."""
    pain = next((m for metric in PAIN_METRICS if (m := progress.metric(metric))), None)
    if pain is None:
        return None
    return {
        "name": pain.name,
        "baseline": _number(pain.baseline.mean),
        "current": _number(pain.current.mean),
        "change": _signed(pain.change),
        "percent": _signed_percent(pain.change_percent),
        "verdict": pain.verdict.value,
        "verdict_words": name_of(pain.verdict),
        "threshold": pain.threshold,
    }


def _metric_row(metric: MetricProgress) -> dict[str, Any]:
    return {
        "id": metric.metric.value,
        "name": metric.name,
        "unit": metric.unit,
        "baseline": _number(metric.baseline.mean),
        "current": _number(metric.current.mean),
        "month_ago": _number(metric.month_ago.mean) if metric.month_ago else "–",
        "change": _signed(metric.change),
        "percent": _signed_percent(metric.change_percent),
        "verdict": metric.verdict.value,
        "verdict_words": name_of(metric.verdict),
        "threshold": metric.threshold or "not established",
        "thomas": metric.metric.value.startswith("thomas_"),
    }


def _flag(flag: RedFlagId) -> str:
    """A warning sign reported in a check-in, as its question names it in short."""
    return load_knowledge_base().question(QuestionId(flag.value)).short


def _plan_item(item: PlanItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "kind": name_of(item.kind),
        "frequency": item.frequency[:1].upper() + item.frequency[1:],
        "dose": Dose.model_validate(item.dose).describe(),
        "reasons": item.reasons,
        "tool_options": [name_of(tool) for tool in item.tool_options],
    }


def _session_row(summary: SessionSummary) -> dict[str, Any]:
    change = [
        f"{RATING_LABELS.get(name, name.replace('_', ' '))} {_signed(value, digits=0)}"
        for name, value in summary.change.items()
    ]
    return {
        "id": summary.id,
        "day": _day(summary.started_at.astimezone().date()),  # the day where the reader is
        "kind": name_of(summary.kind),
        "tool": name_of(summary.tool) if summary.tool else "",
        "minutes": summary.minutes,
        "status": name_of(summary.status),
        "steps": f"{summary.steps_done}/{summary.step_count}",
        "change": ", ".join(change) or "–",
        "problems": [
            load_knowledge_base().adverse_event(event).label for event in summary.adverse_events
        ],
    }


def _explanations(
    progress: Progress, measures: dict[MetricId, MeasureInfo]
) -> list[dict[str, str]]:
    """What each measure shown means, once per explanation (the Thomas angles share one)."""
    seen: set[str] = set()
    found = []
    for metric in progress.metrics:
        info = measures.get(metric.metric)
        if info is None or info.explanation in seen:
            continue
        seen.add(info.explanation)
        name = info.name.split(",")[0] if metric.metric.value.startswith("thomas_") else info.name
        found.append({"name": name, "unit": info.unit, "text": info.explanation})
    return found


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _number(value: float) -> str:
    return f"{value:.1f}".replace("-", MINUS)


def _signed(value: float, *, digits: int = 1) -> str:
    if round(value, digits) == 0:
        return f"{0:.{digits}f}"
    return f"{value:+.{digits}f}".replace("-", MINUS)


def _signed_percent(value: float | None) -> str:
    return "–" if value is None else _signed(value, digits=0) + "%"


def _percent(ratio: float | None) -> str | None:
    return None if ratio is None else f"{100 * ratio:.0f}%"
