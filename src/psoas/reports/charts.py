"""Progress charts as SVG or PNG bytes: pain, Thomas hip angle, adherence, session effects.

Each chart is a pure function of a :class:`~psoas.core.progress.Progress`:
it draws on its own :class:`matplotlib.figure.Figure` (never pyplot's global
state) and returns the file's bytes. Every axis says what it measures and in
which unit, and a chart with nothing to show still renders, with a short note
saying so. SVG output keeps its text as text (searchable, and printed in the
report's own font) and carries no date or random ids, so the same progress
gives the same bytes.

A chart's cost and size are bounded whatever the history holds: it draws the
last :data:`WINDOW_WEEKS` weeks up to the progress's day (and says so on the
chart when older entries are left out), the adherence chart labels at most
:data:`MOST_LABELS` weeks, and the session chart the newest :data:`SESSIONS_SHOWN`.
One check-in dated 1926 once made the adherence chart 5,000 bars and 6 MB.
Charts are drawn one at a time per process: matplotlib's style settings are
global, and several figures drawn at once multiply the memory a server needs.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType
from numpy.typing import NDArray

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import MetricId
from psoas.core.progress import PAIN_METRICS, Point, Progress, SessionEffect, WeekAdherence
from psoas.core.session_records import RATING_LABELS

ChartFormat = Literal["svg", "png"]
FORMATS: tuple[ChartFormat, ...] = ("svg", "png")

SIZE_INCHES = (7.5, 3.6)
PNG_DPI = 150
NO_DATA = "No data yet"
WINDOW_WEEKS = 52
"""How far back a chart goes from the progress's day: its cost stays flat as history grows."""
WINDOW_NOTE = f"The last {WINDOW_WEEKS} weeks; earlier entries are not drawn"
"""Written on a chart that leaves older entries out."""
NO_DATA_IN_WINDOW = f"Nothing in the last {WINDOW_WEEKS} weeks"
MOST_LABELS = 12
"""The most weeks the adherence chart names: more would overlap, and each costs drawing time."""

PAIN_AXIS = "Pain (0-10 points)"
THOMAS_AXIS = "Hip angle above horizontal (degrees)"
ADHERENCE_AXIS = "Adherence (% of planned items done)"
SESSIONS_SHOWN = 20
"""The session chart shows the newest this many: more would be unreadable (and heavy)."""
SESSION_AXIS = "Rating before \u2192 after (0-10 points)"
DATE_AXIS = "Date"
WEEK_AXIS = "Week starting"
SESSION_X_AXIS = "Session"

_COLOURS = ("#1f5f8b", "#c0392b", "#27855a", "#8e5ea2", "#d68910")
_RC: dict[RcKeyType, Any] = {
    "date.converter": "concise",
    "svg.fonttype": "none",  # keep labels as text in the SVG
    "svg.hashsalt": "psoas",  # stable element ids
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


class Render(Protocol):
    """A chart function: progress in, the file's bytes out."""

    def __call__(self, progress: Progress, fmt: ChartFormat = "svg") -> bytes: ...


_DRAWING = threading.Lock()
"""Held while a chart is drawn: one figure at a time per process (see the module's docstring)."""


def _styled(render: Render) -> Render:
    """Draw and save inside psoas's chart style (restored afterwards), one chart at a time."""

    @functools.wraps(render)
    def styled(progress: Progress, fmt: ChartFormat = "svg") -> bytes:
        if fmt not in FORMATS:
            raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
        with _DRAWING, matplotlib.rc_context(_RC):
            return render(progress, fmt)

    return styled


def window_start(progress: Progress) -> date:
    """The first day a chart of ``progress`` draws: :data:`WINDOW_WEEKS` weeks back at most."""
    start = progress.as_of - timedelta(weeks=WINDOW_WEEKS) + timedelta(days=1)
    return max(start, progress.since) if progress.since else start


def _recent(points: Sequence[Point], start: date) -> list[Point]:
    return [point for point in points if point.day >= start]


def _recent_weeks(weeks: Sequence[WeekAdherence], start: date) -> list[WeekAdherence]:
    return [week for week in weeks if week.week_start + timedelta(days=6) >= start]


@dataclass(frozen=True)
class Chart:
    """One chart a report or ``psoas progress --charts`` writes."""

    name: str
    """A short id, also the file name's stem (``pain`` → ``pain.svg``)."""
    title: str
    description: str
    """What the chart shows, in a sentence, for a report's caption."""
    render: Render

    def filename(self, fmt: ChartFormat) -> str:
        """The file name this chart is written under, e.g. ``pain.svg``."""
        return f"{self.name}.{fmt}"


@_styled
def pain_chart(progress: Progress, fmt: ChartFormat = "svg") -> bytes:
    """Daily pain, its baseline, and the band inside which a change is not meaningful."""
    figure, axes = _figure()
    start = window_start(progress)
    every = [m for metric in PAIN_METRICS if (m := progress.metric(metric)) and m.points]
    pains = [(pain, points) for pain in every if (points := _recent(pain.points, start))]
    for colour, (pain, points) in zip(_COLOURS, pains, strict=False):
        axes.plot(
            _days([point.day for point in points]),
            [p.value for p in points],
            color=colour,
            marker="o",
            markersize=2.5,
            linewidth=1.2,
            label=pain.name,
        )
        baseline = pain.baseline.mean
        axes.axhline(
            baseline,
            color=colour,
            linestyle="--",
            linewidth=0.9,
            label=f"{pain.name}: baseline {baseline:.1f}",
        )
        band = _threshold_points(pain.metric)
        if band is not None:
            axes.axhspan(
                max(0.0, baseline - band),
                min(10.0, baseline + band),
                color=colour,
                alpha=0.1,
                linewidth=0,
                label=f"{pain.name}: no meaningful change (±{band:g} points)",
            )
    axes.set_ylim(0, 10)
    axes.set_yticks(range(0, 11, 2))
    left_out = any(pain.points[0].day < start for pain in every)
    return _finish(
        figure,
        axes,
        PAIN_AXIS,
        DATE_AXIS,
        fmt,
        has_data=bool(pains),
        columns=len(pains),
        left_out=left_out,
    )


@_styled
def thomas_chart(progress: Progress, fmt: ChartFormat = "svg") -> bytes:
    """The Modified Thomas test's hip angle, left and right, with the horizontal at 0°."""
    figure, axes = _figure()
    start = window_start(progress)
    every = [
        (side, colour, m.points)
        for side, colour, metric in (
            ("Left hip", _COLOURS[0], MetricId.THOMAS_HIP_ANGLE_LEFT),
            ("Right hip", _COLOURS[1], MetricId.THOMAS_HIP_ANGLE_RIGHT),
        )
        if (m := progress.metric(metric)) and m.points
    ]
    sides = [
        (side, colour, points)
        for side, colour, all_points in every
        if (points := _recent(all_points, start))
    ]
    for side, colour, angle in sides:
        axes.plot(
            _days([p.day for p in angle]),
            [p.value for p in angle],
            color=colour,
            marker="o",
            markersize=4,
            linewidth=1.2,
            label=side,
        )
    axes.axhline(0, color="#555555", linewidth=0.9, label="Horizontal (0°)")
    values = [p.value for _, _, angle in sides for p in angle]
    low, high = min([0.0, *values]), max([10.0, *values])
    axes.set_ylim(low - 2, high + 2)
    left_out = any(points[0].day < start for _, _, points in every)
    return _finish(
        figure,
        axes,
        THOMAS_AXIS,
        DATE_AXIS,
        fmt,
        has_data=bool(sides),
        columns=3,
        left_out=left_out,
    )


@_styled
def adherence_chart(progress: Progress, fmt: ChartFormat = "svg") -> bytes:
    """Per ISO week, the share of what the plan asked for that was done.

    Up to :data:`MOST_LABELS` weeks each bar is labelled with its percentage; over a
    longer span every few weeks are named (the newest always) and the bars speak alone.
    """
    figure, axes = _figure()
    weeks = _recent_weeks(progress.adherence, window_start(progress))
    positions = list(range(len(weeks)))
    heights = [100 * week.ratio if week.ratio is not None else 0.0 for week in weeks]
    bars = axes.bar(positions, heights, color=_COLOURS[0], width=0.7)
    if len(weeks) <= MOST_LABELS:
        labels = [f"{100 * week.ratio:.0f}%" if week.ratio is not None else "" for week in weeks]
        axes.bar_label(bars, labels=labels, padding=2, fontsize=7)
        for position, week in zip(positions, weeks, strict=True):
            if week.ratio is None:
                axes.text(
                    position,
                    2,
                    "nothing due",
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="#555555",
                )
    planned = sum(week.planned for week in weeks)
    if planned:
        overall = 100 * sum(week.done for week in weeks) / planned
        axes.axhline(
            overall,
            color=_COLOURS[1],
            linestyle="--",
            linewidth=0.9,
            label=f"Overall: {overall:.0f}%",
        )
    step = math.ceil(len(weeks) / MOST_LABELS) or 1
    named = positions[::-1][::step][::-1]  # counted back from the newest week, always named
    axes.set_xticks(named, [_short_day(weeks[n].week_start) for n in named])
    axes.set_xlim(-0.6, max(1, len(weeks)) - 0.4)
    axes.set_ylim(0, 100)
    left_out = len(weeks) < len(progress.adherence)
    return _finish(
        figure, axes, ADHERENCE_AXIS, WEEK_AXIS, fmt, has_data=bool(weeks), left_out=left_out
    )


@_styled
def session_chart(progress: Progress, fmt: ChartFormat = "svg") -> bytes:
    """Each finished session's ratings before (hollow) and after (filled), side by side.

    Only ratings given both before and after are drawn; a session without any is left out.
    """
    figure, axes = _figure()
    start = window_start(progress)
    rated = [effect for effect in progress.session_effects.sessions if _paired(effect)]
    sessions = [effect for effect in rated if effect.day >= start][-SESSIONS_SHOWN:]
    names = {name for s in sessions for name in _paired(s)}
    ratings = [name for name in RATING_LABELS if name in names] + sorted(names - set(RATING_LABELS))
    width = 0.8 / max(1, len(ratings))
    for n, (colour, rating) in enumerate(zip(_cycle(_COLOURS, len(ratings)), ratings, strict=True)):
        offset = (n - (len(ratings) - 1) / 2) * width
        pairs = [
            (i, s.before[rating], s.after[rating])
            for i, s in enumerate(sessions)
            if rating in _paired(s)
        ]
        xs = [i + offset for i, _, _ in pairs]
        for x, before, after in zip(
            xs, [b for _, b, _ in pairs], [a for _, _, a in pairs], strict=True
        ):
            axes.annotate(
                "",
                xy=(x, after),
                xytext=(x, before),
                arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 1.2},
            )
        axes.scatter(xs, [b for _, b, _ in pairs], facecolors="white", edgecolors=colour, zorder=3)
        axes.scatter(
            xs,
            [a for _, _, a in pairs],
            color=colour,
            zorder=3,
            label=RATING_LABELS.get(rating, rating.replace("_", " ")),
        )
        for x, before, after in zip(
            xs, [b for _, b, _ in pairs], [a for _, _, a in pairs], strict=True
        ):
            change = after - before
            text = f"{change:+d}".replace("-", "\u2212") if change else "0"
            axes.annotate(
                text,
                (x, max(before, after)),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
    axes.set_xticks(
        range(len(sessions)), [f"#{s.session_id}\n{_short_day(s.day)}" for s in sessions]
    )
    axes.set_xlim(-0.5, max(1, len(sessions)) - 0.5)
    axes.set_ylim(-0.5, 11)
    return _finish(
        figure,
        axes,
        SESSION_AXIS,
        SESSION_X_AXIS,
        fmt,
        has_data=bool(sessions),
        columns=len(ratings),
        left_out=any(effect.day < start for effect in rated),
    )


def _paired(effect: SessionEffect) -> set[str]:
    """The ratings given both before and after a session."""
    return set(effect.before) & set(effect.after)


CHARTS: tuple[Chart, ...] = (
    Chart(
        "pain",
        "Pain over time",
        "Daily pain ratings with the baseline (dashed) and the band within which a change is "
        f"too small to matter, over the last {WINDOW_WEEKS} weeks at most.",
        pain_chart,
    ),
    Chart(
        "thomas",
        "Modified Thomas test: hip angle",
        "The thigh's angle above the horizontal on each side; lower is longer hip flexors "
        f"(the last {WINDOW_WEEKS} weeks at most).",
        thomas_chart,
    ),
    Chart(
        "adherence",
        "Adherence per week",
        f"The share of the plan's items that were done, week by week, over the last "
        f"{WINDOW_WEEKS} weeks at most.",
        adherence_chart,
    ),
    Chart(
        "sessions",
        "Before and after each session",
        "Each rating before a guided session (hollow) and after it (filled), with the change; "
        f"the last {SESSIONS_SHOWN} sessions within {WINDOW_WEEKS} weeks.",
        session_chart,
    ),
)
"""Every chart, in the order a report shows them."""


def render_all(progress: Progress, fmt: ChartFormat = "svg") -> dict[str, bytes]:
    """Every chart, keyed by its file name (``pain.svg`` …), ready to be written to a folder."""
    return {c.filename(fmt): c.render(progress, fmt) for c in CHARTS}


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE_INCHES, layout="constrained")
    axes = figure.add_subplot()
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _finish(
    figure: Figure,
    axes: Axes,
    ylabel: str,
    xlabel: str,
    fmt: ChartFormat,
    *,
    has_data: bool,
    columns: int = 1,
    left_out: bool = False,
) -> bytes:
    """Axis titles, the note when there is nothing to draw, the legend; the file's bytes.

    ``left_out``: the history holds entries older than the window, which the chart says.
    """
    axes.set_ylabel(ylabel)
    axes.set_xlabel(xlabel)
    if left_out and has_data:
        axes.set_title(WINDOW_NOTE, loc="left", fontsize=8, color="#555555")
    if not has_data:
        axes.set_xticks([])
        axes.text(
            0.5,
            0.5,
            NO_DATA_IN_WINDOW if left_out else NO_DATA,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=12,
            color="#777777",
        )
    elif axes.get_legend_handles_labels()[0]:
        figure.legend(loc="outside lower center", ncols=max(1, columns), frameon=False, fontsize=8)
    return _save(figure, fmt)


def _save(figure: Figure, fmt: ChartFormat) -> bytes:
    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _days(days: Sequence[date]) -> NDArray[np.datetime64]:
    return np.array(days, dtype="datetime64[D]")


def _threshold_points(metric: MetricId) -> float | None:
    change = load_knowledge_base().measure(metric).meaningful_change
    return change.points if change is not None else None


def _short_day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _cycle(colours: Sequence[str], count: int) -> list[str]:
    return [colours[n % len(colours)] for n in range(count)]


__all__ = [
    "CHARTS",
    "FORMATS",
    "MOST_LABELS",
    "WINDOW_WEEKS",
    "Chart",
    "ChartFormat",
    "adherence_chart",
    "pain_chart",
    "render_all",
    "session_chart",
    "thomas_chart",
    "window_start",
]
