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
A date axis spans the days drawn, with a day or a little more on either side:
one day of data is that day, not the five years matplotlib pads a lone date with.

Each chart is drawn at a :class:`ChartSize`: ``wide`` for a report, a desktop page
and the files ``psoas progress --charts`` writes, ``phone`` for a page on a phone.
An SVG scaled to its box scales its text with it, so each size is drawn for the
narrowest box it is shown in, and its text is at least :data:`LEAST_TEXT_PX` CSS
pixels there (``phone`` at :data:`PHONE_BOX_PX`, ``wide`` from :data:`WIDE_FROM_PX`).
Both sizes draw the same things, so one text alternative is right for either.

A chart with nothing to draw is not drawn for a page or a report: :meth:`Chart.state`
says so, and they show a sentence and the next step instead (``psoas.content.words``,
topic ``charts``). Drawn anyway, it renders its axes with a short note.

Charts are drawn one at a time per process: matplotlib's style settings are
global, and several figures drawn at once multiply the memory a server needs.

What the charts are (:data:`CHARTS`: names, titles, captions) is known without
matplotlib or numpy, which are imported only when a chart is drawn: together
they take some 40 MB, which the web server leaves to its drawing worker
(:mod:`psoas.services.drawing`).
"""

from __future__ import annotations

import enum
import functools
import io
import math
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, get_args

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import MetricId
from psoas.content.words import say
from psoas.core.progress import (
    PAIN_METRICS,
    MetricProgress,
    Point,
    Progress,
    SessionEffect,
    WeekAdherence,
)
from psoas.core.session_records import RATING_LABELS

if TYPE_CHECKING:  # matplotlib and numpy are imported when a chart is drawn, not before
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType
    from numpy.typing import NDArray

T = TypeVar("T")

ChartFormat = Literal["svg", "png"]
FORMATS: tuple[ChartFormat, ...] = ("svg", "png")

SizeName = Literal["wide", "phone"]
SIZE_NAMES: tuple[SizeName, ...] = get_args(SizeName)

LEAST_TEXT_PX = 12.0
"""The smallest any chart text may be as displayed, in CSS pixels, where its size is shown."""
PHONE_BOX_PX = 294
"""The width a chart is shown at on a 360 px phone: the page's and the card's padding taken off."""
WIDE_FROM_PX = 702
"""The narrowest box a ``wide`` chart is shown in: pages choose it from a 48rem (768 px) window."""


@dataclass(frozen=True)
class ChartSize:
    """How big a chart is drawn, and how much fits on it."""

    name: SizeName
    inches: tuple[float, float]
    box_px: float
    """The narrowest box (CSS px) this size is shown in: its text is sized for it."""
    most_labels: int
    """The most labels along the x axis (weeks, sessions, dates) before they would collide."""
    date_labels: int
    """The most dates named along a date axis (``09 Nov`` is wider than a week's number)."""
    legend_columns: int
    legend_wrap: int
    """Long legend entries are broken into lines of this many characters."""
    axis_wrap: int | None = None
    """Long axis titles and notes are broken into lines of this many characters."""

    @property
    def text_points(self) -> float:
        """The size of every text, in the SVG's units, that shows as ``LEAST_TEXT_PX`` in the box.

        The SVG is scaled from its own width (``inches * 72`` units) to ``box_px``.
        """
        return math.ceil(2 * LEAST_TEXT_PX * self.inches[0] * 72 / self.box_px) / 2


def _wrapped(text: str, width: int | None) -> str:
    """``text`` broken into lines of ``width`` characters at most (``None``: left whole)."""
    return "\n".join(textwrap.wrap(text, width)) if width else text


SIZES: dict[SizeName, ChartSize] = {
    "wide": ChartSize(
        "wide",
        (7.5, 3.6),
        WIDE_FROM_PX,
        most_labels=12,
        date_labels=8,
        legend_columns=4,
        legend_wrap=34,
    ),
    "phone": ChartSize(
        "phone",
        (4.0, 4.6),
        PHONE_BOX_PX,
        most_labels=5,
        date_labels=4,
        legend_columns=1,
        legend_wrap=30,
        axis_wrap=30,
    ),
}
PNG_DPI = 150
NO_DATA = "No data yet"
WINDOW_WEEKS = 52
"""How far back a chart goes from the progress's day: its cost stays flat as history grows."""
WINDOW_NOTE = f"The last {WINDOW_WEEKS} weeks; earlier entries are not drawn"
"""Written on a chart that leaves older entries out."""
NO_DATA_IN_WINDOW = f"Nothing in the last {WINDOW_WEEKS} weeks"
MOST_LABELS = SIZES["wide"].most_labels
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
    "axes.spines.top": False,
    "axes.spines.right": False,
}


class Render(Protocol):
    """A chart function: progress in, the file's bytes out (drawn at a size of :data:`SIZES`)."""

    def __call__(
        self, progress: Progress, fmt: ChartFormat = "svg", size: SizeName = "wide"
    ) -> bytes: ...


class _Draw(Protocol):
    def __call__(self, progress: Progress, fmt: ChartFormat, size: ChartSize) -> bytes: ...


_DRAWING = threading.Lock()
"""Held while a chart is drawn: one figure at a time per process (see the module's docstring)."""


def _styled(render: _Draw) -> Render:
    """Draw and save inside psoas's chart style (restored afterwards), one chart at a time."""

    @functools.wraps(render)
    def styled(progress: Progress, fmt: ChartFormat = "svg", size: SizeName = "wide") -> bytes:
        if fmt not in FORMATS:
            raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
        if size not in SIZES:
            raise ValueError(f"unknown chart size {size!r}; use {' or '.join(SIZES)}")
        import matplotlib

        drawn = SIZES[size]
        every_text: dict[RcKeyType, Any] = {
            key: drawn.text_points
            for key in (
                "font.size",
                "legend.fontsize",
                "axes.titlesize",
                "axes.labelsize",
                "xtick.labelsize",
                "ytick.labelsize",
            )
        }
        with _DRAWING, matplotlib.rc_context({**_RC, **every_text}):
            return render(progress, fmt, drawn)

    return styled


def window_start(progress: Progress) -> date:
    """The first day a chart of ``progress`` draws: :data:`WINDOW_WEEKS` weeks back at most."""
    start = progress.as_of - timedelta(weeks=WINDOW_WEEKS) + timedelta(days=1)
    return max(start, progress.since) if progress.since else start


def _recent(points: Sequence[Point], start: date) -> list[Point]:
    return [point for point in points if point.day >= start]


def _recent_weeks(weeks: Sequence[WeekAdherence], start: date) -> list[WeekAdherence]:
    return [week for week in weeks if week.week_start + timedelta(days=6) >= start]


class ChartState(enum.Enum):
    """Whether a chart has something to draw."""

    DRAWN = "drawn"
    NOTHING_YET = "nothing_yet"
    """No entry of what the chart shows, ever (or since the report's start)."""
    NOTHING_RECENT = "nothing_recent"
    """Entries only from before the chart's window of :data:`WINDOW_WEEKS` weeks."""


@dataclass(frozen=True)
class _Shown(Generic[T]):
    """What one chart draws of a progress: the entries in its window, and whether any are older."""

    entries: list[T]
    left_out: bool

    @property
    def state(self) -> ChartState:
        if self.entries:
            return ChartState.DRAWN
        return ChartState.NOTHING_RECENT if self.left_out else ChartState.NOTHING_YET


@dataclass(frozen=True)
class Chart:
    """One chart a report or ``psoas progress --charts`` writes."""

    name: str
    """A short id, also the file name's stem (``pain`` → ``pain.svg``)."""
    title: str
    description: str
    """What the chart shows, in a sentence, for a report's caption."""
    render: Render
    shown: Callable[[Progress], _Shown[Any]]
    needs_release: bool = False
    """Its next step is a guided session: offered only while self-release is allowed."""

    def filename(self, fmt: ChartFormat) -> str:
        """The file name this chart is written under, e.g. ``pain.svg``."""
        return f"{self.name}.{fmt}"

    @property
    def caption(self) -> str:
        """What the chart shows, for a page's caption and the image's text alternative."""
        return say(f"charts.{self.name}_caption")

    def state(self, progress: Progress) -> ChartState:
        """Whether the chart of ``progress`` has something to draw (known without drawing it)."""
        return self.shown(progress).state

    def empty_words(self, progress: Progress) -> tuple[str, str | None]:
        """Where there is nothing to draw: what is missing, and the next step, in two sentences.

        No next step is offered that the safety gate does not allow now (a guided session
        while self-release is paused or not allowed): then only what is missing is said.
        """
        if self.state(progress) is ChartState.NOTHING_RECENT:
            start = window_start(progress)
            missing = (
                say("charts.nothing_since", day=f"{start.day} {start:%b %Y}")
                if progress.since is not None and start == progress.since
                else say("charts.nothing_recent", count=WINDOW_WEEKS)
            )
            next_step = say("charts.nothing_recent_next")
        else:
            missing = say(f"charts.{self.name}_nothing_yet")
            next_step = say(f"charts.{self.name}_next")
        allowed = progress.release is not None and progress.release.allowed
        return missing, next_step if allowed or not self.needs_release else None


@dataclass(frozen=True)
class _PainLine:
    pain: MetricProgress
    points: list[Point]


def _pain_lines(progress: Progress) -> _Shown[_PainLine]:
    start = window_start(progress)
    every = [m for metric in PAIN_METRICS if (m := progress.metric(metric)) and m.points]
    return _Shown(
        [_PainLine(pain, points) for pain in every if (points := _recent(pain.points, start))],
        left_out=any(pain.points[0].day < start for pain in every),
    )


@_styled
def pain_chart(progress: Progress, fmt: ChartFormat, size: ChartSize) -> bytes:
    """Daily pain, its baseline, and the band inside which a change is not meaningful."""
    figure, axes = _figure(size)
    shown = _pain_lines(progress)
    for colour, line in zip(_COLOURS, shown.entries, strict=False):
        pain = line.pain
        axes.plot(
            _days([point.day for point in line.points]),
            [p.value for p in line.points],
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
    _date_axis(axes, [p.day for line in shown.entries for p in line.points], size)
    axes.set_ylim(0, 10)
    axes.set_yticks(range(0, 11, 2))
    return _finish(
        figure,
        axes,
        PAIN_AXIS,
        DATE_AXIS,
        fmt,
        size,
        has_data=bool(shown.entries),
        columns=len(shown.entries),
        left_out=shown.left_out,
    )


@dataclass(frozen=True)
class _Side:
    name: str
    colour: str
    points: list[Point]


def _thomas_sides(progress: Progress) -> _Shown[_Side]:
    start = window_start(progress)
    every = [
        (side, colour, m.points)
        for side, colour, metric in (
            ("Left hip", _COLOURS[0], MetricId.THOMAS_HIP_ANGLE_LEFT),
            ("Right hip", _COLOURS[1], MetricId.THOMAS_HIP_ANGLE_RIGHT),
        )
        if (m := progress.metric(metric)) and m.points
    ]
    return _Shown(
        [
            _Side(side, colour, points)
            for side, colour, all_points in every
            if (points := _recent(all_points, start))
        ],
        left_out=any(points[0].day < start for _, _, points in every),
    )


@_styled
def thomas_chart(progress: Progress, fmt: ChartFormat, size: ChartSize) -> bytes:
    """The Modified Thomas test's hip angle, left and right, with the horizontal at 0°."""
    figure, axes = _figure(size)
    shown = _thomas_sides(progress)
    for side in shown.entries:
        axes.plot(
            _days([p.day for p in side.points]),
            [p.value for p in side.points],
            color=side.colour,
            marker="o",
            markersize=4,
            linewidth=1.2,
            label=side.name,
        )
    axes.axhline(0, color="#555555", linewidth=0.9, label="Horizontal (0°)")
    _date_axis(axes, [p.day for side in shown.entries for p in side.points], size)
    values = [p.value for side in shown.entries for p in side.points]
    low, high = min([0.0, *values]), max([10.0, *values])
    axes.set_ylim(low - 2, high + 2)
    return _finish(
        figure,
        axes,
        THOMAS_AXIS,
        DATE_AXIS,
        fmt,
        size,
        has_data=bool(shown.entries),
        columns=3,
        left_out=shown.left_out,
    )


def _adherence_weeks(progress: Progress) -> _Shown[WeekAdherence]:
    weeks = _recent_weeks(progress.adherence, window_start(progress))
    return _Shown(weeks, left_out=len(weeks) < len(progress.adherence))


@_styled
def adherence_chart(progress: Progress, fmt: ChartFormat, size: ChartSize) -> bytes:
    """Per ISO week, the share of what the plan asked for that was done.

    Up to the size's ``most_labels`` weeks each bar is labelled with its percentage; over a
    longer span every few weeks are named (the newest always) and the bars speak alone.
    """
    figure, axes = _figure(size)
    shown = _adherence_weeks(progress)
    weeks = shown.entries
    positions = list(range(len(weeks)))
    heights = [100 * week.ratio if week.ratio is not None else 0.0 for week in weeks]
    bars = axes.bar(positions, heights, color=_COLOURS[0], width=0.7)
    if len(weeks) <= size.most_labels:
        labels = [f"{100 * week.ratio:.0f}%" if week.ratio is not None else "" for week in weeks]
        axes.bar_label(bars, labels=labels, padding=2)
        for position, week in zip(positions, weeks, strict=True):
            if week.ratio is None:
                axes.text(
                    position,
                    2,
                    "nothing due",
                    rotation=90,
                    ha="center",
                    va="bottom",
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
    named = _newest_every(positions, size.most_labels)
    axes.set_xticks(named, [_short_day(weeks[n].week_start) for n in named])
    axes.set_xlim(-0.6, max(1, len(weeks)) - 0.4)
    axes.set_ylim(0, 110)  # room for a full bar's label
    axes.set_yticks(range(0, 101, 20))
    return _finish(
        figure,
        axes,
        ADHERENCE_AXIS,
        WEEK_AXIS,
        fmt,
        size,
        has_data=bool(weeks),
        left_out=shown.left_out,
    )


def _rated_sessions(progress: Progress) -> _Shown[SessionEffect]:
    start = window_start(progress)
    rated = [effect for effect in progress.session_effects.sessions if _paired(effect)]
    return _Shown(
        [effect for effect in rated if effect.day >= start][-SESSIONS_SHOWN:],
        left_out=any(effect.day < start for effect in rated),
    )


@_styled
def session_chart(progress: Progress, fmt: ChartFormat, size: ChartSize) -> bytes:
    """Each finished session's ratings before (hollow) and after (filled), side by side.

    Only ratings given both before and after are drawn; a session without any is left out.
    The change is written above each pair while the sessions drawn leave room for it.
    """
    figure, axes = _figure(size)
    shown = _rated_sessions(progress)
    sessions = shown.entries
    names = {name for s in sessions for name in _paired(s)}
    ratings = [name for name in RATING_LABELS if name in names] + sorted(names - set(RATING_LABELS))
    width = 0.8 / max(1, len(ratings))
    roomy = len(sessions) * len(ratings) <= 2 * size.most_labels
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
        if not roomy:
            continue
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
            )
    named = _newest_every(list(range(len(sessions))), size.most_labels)
    axes.set_xticks(
        named, [f"#{sessions[n].session_id}\n{_short_day(sessions[n].day)}" for n in named]
    )
    axes.set_xlim(-0.5, max(1, len(sessions)) - 0.5)
    axes.set_ylim(-0.5, 11.5)
    axes.set_yticks(range(0, 11, 2))
    return _finish(
        figure,
        axes,
        SESSION_AXIS,
        SESSION_X_AXIS,
        fmt,
        size,
        has_data=bool(sessions),
        columns=len(ratings),
        left_out=shown.left_out,
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
        _pain_lines,
    ),
    Chart(
        "thomas",
        "Modified Thomas test: hip angle",
        "The thigh's angle above the horizontal on each side; lower is longer hip flexors "
        f"(the last {WINDOW_WEEKS} weeks at most).",
        thomas_chart,
        _thomas_sides,
    ),
    Chart(
        "adherence",
        "Adherence per week",
        f"The share of the plan's items that were done, week by week, over the last "
        f"{WINDOW_WEEKS} weeks at most.",
        adherence_chart,
        _adherence_weeks,
    ),
    Chart(
        "sessions",
        "Before and after each session",
        "Each rating before a guided session (hollow) and after it (filled); "
        f"the last {SESSIONS_SHOWN} sessions within {WINDOW_WEEKS} weeks.",
        session_chart,
        _rated_sessions,
        needs_release=True,
    ),
)
"""Every chart, in the order a report shows them."""


def nothing_to_draw(progress: Progress) -> bool:
    """No chart has anything of the person's own to draw, ever: no rating, measure or item done.

    A plan alone gives weeks of adherence, all at nothing done; that is not yet a chart
    worth a person's look, so pages and reports say one sentence instead of four charts.
    Entries older than the window are something: each chart then says so on its own.
    """
    own = [chart.state(progress) for chart in CHARTS if chart.name != "adherence"]
    return all(state is ChartState.NOTHING_YET for state in own) and not any(
        week.done for week in progress.adherence
    )


@dataclass(frozen=True)
class ChartShown:
    """One chart as a page or report shows it: drawn, or a sentence and the next step."""

    name: str
    title: str
    description: str
    """What the chart shows, for a report's caption."""
    caption: str
    """What the chart shows: a page's caption, and the image's text alternative."""
    drawn: bool
    missing: str | None = None
    """Where nothing is drawn, what is missing (``No pain ratings yet.``)."""
    next_step: str | None = None
    """Where nothing is drawn, what to do to start the chart."""


@dataclass(frozen=True)
class ChartsShown:
    """Every chart of a progress as shown, or one sentence when none has anything to draw."""

    charts: list[ChartShown]
    nothing: tuple[str, str] | None
    """When no chart has anything to draw: what is missing, and the next step."""

    @property
    def drawn(self) -> list[ChartShown]:
        """The charts that are drawn (none when :attr:`nothing` is said instead)."""
        return [chart for chart in self.charts if chart.drawn] if self.nothing is None else []


def charts_shown(found: Progress) -> ChartsShown:
    """Which charts of ``found`` are drawn, and what is said for the others (nothing drawn)."""
    shown = []
    for chart in CHARTS:
        drawn = chart.state(found) is ChartState.DRAWN
        missing, next_step = (None, None) if drawn else chart.empty_words(found)
        shown.append(
            ChartShown(
                chart.name,
                chart.title,
                chart.description,
                chart.caption,
                drawn,
                missing,
                next_step,
            )
        )
    nothing = (
        (say("charts.nothing_yet"), say("charts.nothing_yet_next"))
        if nothing_to_draw(found)
        else None
    )
    return ChartsShown(shown, nothing)


def render_all(
    progress: Progress, fmt: ChartFormat = "svg", size: SizeName = "wide"
) -> dict[str, bytes]:
    """Every chart, keyed by its file name (``pain.svg`` …), ready to be written to a folder."""
    return {c.filename(fmt): c.render(progress, fmt, size) for c in CHARTS}


def _figure(size: ChartSize) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=size.inches, layout="constrained")
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
    size: ChartSize,
    *,
    has_data: bool,
    columns: int = 1,
    left_out: bool = False,
) -> bytes:
    """Axis titles, the note when there is nothing to draw, the legend; the file's bytes.

    ``left_out``: the history holds entries older than the window, which the chart says.
    """
    axes.set_ylabel(_wrapped(ylabel, size.axis_wrap))
    axes.set_xlabel(xlabel)
    if left_out and has_data:
        axes.set_title(_wrapped(WINDOW_NOTE, size.axis_wrap), loc="left", color="#555555")
    if not has_data:
        axes.set_xticks([])
        axes.text(
            0.5,
            0.5,
            NO_DATA_IN_WINDOW if left_out else NO_DATA,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=1.25 * size.text_points,
            color="#666666",
        )
    else:
        handles, labels = axes.get_legend_handles_labels()
        if handles:
            figure.legend(
                handles,
                [_wrapped(label, size.legend_wrap) for label in labels],
                loc="outside lower center",
                ncols=max(1, min(columns, size.legend_columns)),
                frameon=False,
            )
    return _save(figure, fmt)


def _save(figure: Figure, fmt: ChartFormat) -> bytes:
    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _days(days: Sequence[date]) -> NDArray[np.datetime64]:
    import numpy as np

    return np.array(days, dtype="datetime64[D]")


def _date_axis(axes: Axes, days: Sequence[date], size: ChartSize) -> None:
    """An x axis of dates that spans ``days``, with a little room on either side.

    A day of data is that day with one either side (matplotlib alone would pad a lone
    date by two years each way); a week shows its days; months show months. The ticks
    are matplotlib's, at most the size's labels; a label names the day (``09 Nov``)
    or, over months, the month, and the year when it turns.
    """
    if not days:
        return
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num

    first, last = min(days), max(days)
    pad = timedelta(days=max(1, math.ceil((last - first).days * 0.03)))
    ends = [datetime.combine(first - pad, time()), datetime.combine(last + pad, time())]
    low, high = date2num(ends)  # type: ignore[no-untyped-call]
    axes.set_xlim(float(low), float(high))
    # At least two ticks: a short span then gets days, never hours.
    locator = AutoDateLocator(minticks=2, maxticks=size.date_labels)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(
        ConciseDateFormatter(  # type: ignore[no-untyped-call]
            locator,
            formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%Y", "%b", "%d %b", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%Y", "%Y", "%Y", "%Y"],
        )
    )


def _newest_every(positions: list[int], most: int) -> list[int]:
    """At most ``most`` of ``positions``, evenly spread and counted back from the newest."""
    step = math.ceil(len(positions) / most) or 1
    return positions[::-1][::step][::-1]


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
    "LEAST_TEXT_PX",
    "MOST_LABELS",
    "SIZES",
    "SIZE_NAMES",
    "WINDOW_WEEKS",
    "Chart",
    "ChartFormat",
    "ChartShown",
    "ChartSize",
    "ChartState",
    "ChartsShown",
    "SizeName",
    "adherence_chart",
    "charts_shown",
    "nothing_to_draw",
    "pain_chart",
    "render_all",
    "session_chart",
    "thomas_chart",
    "window_start",
]
