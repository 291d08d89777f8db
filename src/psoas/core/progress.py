"""Progress (``psoas.progress/1``): change against baseline, trend, adherence, and what to do next.

Everything here is a pure function of dated records, so it is the same
whatever order they arrive in:

- Each metric becomes one value per day (the mean of that day's values).
- **Current** is the mean of the 7 calendar days ending at the latest value,
  **baseline** the mean of the first 7 days *with values* near the start of
  care (within 14 days of where the baseline starts, and before the current
  week: a daily log that skips days still gets 7 values, and a measure taken
  every few weeks starts from its first reading), **a month ago** the 7 days
  ending 30 days before the latest value.
- **Where the baseline starts** (:func:`care_anchor`): at the first value within
  14 days either side of the start of care, the day of the first intake; with
  none there, at the first value after it (the log began later); with none
  after it either (a history copied in before the intake, or no intake), at the
  first value that has another value within 14 days, or else the first value.
  Anchoring at the intake rather than at the oldest record means one stray old
  record (1999 typed for 2026) can never become the baseline: it lies far from
  the start of care and has no neighbour, so it is passed over, and every
  verdict is what it would be without it. The same start is where "6 weeks
  without improvement" is counted from.
  Averaging a week steadies daily 0-10 ratings, which wobble by a point from
  day to day; a single bad day pauses release at once instead
  (:mod:`psoas.core.gates`).
- A change is **meaningful** when it reaches the knowledge base's threshold
  (pain: 2 points or 30% of the baseline; PSFS: 2 points). Where no threshold
  is established the change is shown without a verdict. While every value
  falls in the current week the verdict is "too early".
- **Trend** is the least-squares slope over the last 6 weeks, per week.
- **Adherence** per ISO week is items done over items due by the plan in
  force that week; doing a thing more often than planned does not count twice.
  A week the plan covers only in part asks for a share of each weekly amount.
- **Rules**: weekly pain up by 2 points, or a new warning sign, asks for a new
  safety screen (single ratings pause release at once: :mod:`psoas.core.gates`).
  A global rating of change of -3 or worse, or no meaningful improvement in
  pain after 6 weeks, suggests seeing a clinician. The program moves to its
  maintenance phase only when a meaningful improvement in pain has held in
  each of the last 4 weeks, with at least 70% adherence over them, never while
  the screen refers or is urgent and never while release is paused. Every
  number is a sourced threshold of the knowledge base.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from psoas.content.models import KnowledgeBase, MeasureInfo
from psoas.content.vocabulary import MetricId, QuestionId, RedFlagId, SafetyLevel, ThresholdId
from psoas.core.gates import ReleaseStatus
from psoas.core.measures import CheckIn, Measurement
from psoas.core.planning import Plan, PlanItemKind, ProgramPhase

PROGRESS_SCHEMA: Literal["psoas.progress/1"] = "psoas.progress/1"

WINDOW_DAYS = 7
MONTH_DAYS = 30
TREND_DAYS = 42
PAIN_METRICS = (MetricId.LOW_BACK_PAIN, MetricId.HIP_PAIN)


class Verdict(StrEnum):
    """What a change amounts to."""

    IMPROVED = "improved"
    WORSE = "worse"
    NO_MEANINGFUL_CHANGE = "no_meaningful_change"
    NOT_JUDGED = "not_judged"
    """No threshold is established for this measure, or it is itself a change."""
    TOO_EARLY = "too_early"
    """Less than two weeks of values: baseline and now overlap."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Window(_Frozen):
    """The mean of a metric's values over a few days."""

    start: date
    end: date
    mean: float
    days: int
    """How many days in the window had a value."""


class Point(_Frozen):
    """One day's value of a metric."""

    day: date
    value: float


class MetricProgress(_Frozen):
    """One metric: where it started, where it is, and whether the change matters."""

    metric: MetricId
    name: str
    unit: str
    better: Literal["lower", "higher"]
    baseline: Window
    current: Window
    month_ago: Window | None
    change: float
    """Current minus baseline, in the metric's unit."""
    change_percent: float | None
    """The change as a percentage of the baseline (None when the baseline is 0)."""
    change_from_month: float | None
    verdict: Verdict
    threshold: str | None
    """The meaningful change in words, e.g. ``2 points or 30%``."""
    trend_per_week: float | None
    """Least-squares slope over the last 6 weeks (at least 3 days of values)."""
    points: list[Point]


class WeekAdherence(_Frozen):
    """One ISO week: what the plan asked for and what was done."""

    week_start: date
    planned: int
    done: int
    ratio: float | None
    """done / planned, 0..1; None when nothing was due."""


class Streaks(_Frozen):
    """Days in a row with something of the plan done (a check-in item or a session)."""

    current: int
    longest: int


class SessionEffect(_Frozen):
    """A finished session's ratings before and after, and the change (after minus before)."""

    session_id: int
    day: date
    change: dict[str, int]
    before: dict[str, int] = {}
    after: dict[str, int] = {}


class SessionEffects(_Frozen):
    """The effect of sessions: each one, and the mean change per rating."""

    sessions: list[SessionEffect]
    mean_change: dict[str, float]


class RecommendationKind(StrEnum):
    """What the rules ask for."""

    RESCREEN = "rescreen"
    MAINTENANCE = "maintenance"
    SEE_CLINICIAN = "see_clinician"


class Recommendation(_Frozen):
    """A rule that fired, and why, in words."""

    kind: RecommendationKind
    reason: str


class PlanSpan(_Frozen):
    """A plan version and the day it came into force: what was due each week."""

    since: date
    phase: ProgramPhase
    due: dict[str, int]
    """Technique id → days a week it is due (items with nothing countable are left out)."""
    releases: list[str]
    """The release techniques among them: a finished guided session counts as doing them."""


class Progress(_Frozen):
    """Everything known of a person's progress on one day."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    schema_id: Literal["psoas.progress/1"] = Field(default=PROGRESS_SCHEMA, alias="schema")
    as_of: date
    since: date | None
    metrics: list[MetricProgress]
    adherence: list[WeekAdherence]
    adherence_overall: float | None
    streaks: Streaks
    session_effects: SessionEffects
    red_flags_reported: list[tuple[date, RedFlagId]]
    recommendations: list[Recommendation]
    release: ReleaseStatus | None = None
    """Whether self-release may go ahead now, and why not (None when it was not asked)."""

    def metric(self, metric: MetricId) -> MetricProgress | None:
        """One metric's progress, when it has values."""
        return next((found for found in self.metrics if found.metric is metric), None)

    def to_document(self) -> dict[str, Any]:
        """Progress as JSON."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return document


def plan_span(plan: Plan, since: date) -> PlanSpan:
    """What a plan version asks for each week, from the day it was made."""
    due = {item.technique: item.schedule.per_week for item in plan.items}
    releases = [
        item.technique
        for item in plan.items
        if item.kind is PlanItemKind.SELF_RELEASE and item.schedule.per_week
    ]
    return PlanSpan(
        since=since,
        phase=plan.phase,
        due={technique: count for technique, count in due.items() if count > 0},
        releases=releases,
    )


def compute_progress(
    *,
    measurements: Iterable[Measurement],
    check_ins: Iterable[CheckIn],
    sessions: Iterable[SessionEffect],
    plans: Iterable[PlanSpan],
    knowledge: KnowledgeBase,
    as_of: date,
    since: date | None = None,
    release: ReleaseStatus | None = None,
    start_of_care: date | None = None,
) -> Progress:
    """Progress up to ``as_of``; ``since`` trims what is listed, never the baseline.

    ``release`` is the person's release status now: without it (or while it is
    paused, or the screen refers or is urgent) the plan never moves to maintenance.
    ``start_of_care`` (the first intake's day) is where baselines are anchored.
    """
    measurements = [m for m in measurements if m.taken_on <= as_of]
    check_ins = sorted((c for c in check_ins if c.day <= as_of), key=lambda c: c.day)
    effects = sorted((s for s in sessions if s.day <= as_of), key=lambda s: (s.day, s.session_id))
    every_plan = sorted(plans, key=lambda p: p.since)
    spans = [p for p in every_plan if p.since <= as_of]
    phase = every_plan[-1].phase if every_plan else None

    series = _daily_series(
        [(m.taken_on, m.values()) for m in measurements] + [(c.day, c.values()) for c in check_ins]
    )
    span = int(knowledge.threshold(ThresholdId.BASELINE_SPAN_DAYS))
    metrics = [
        _metric_progress(knowledge.measure(metric), series[metric], since, span, start_of_care)
        for metric in MetricId
        if series.get(metric)
    ]
    done = _done_by_day(check_ins, effects, spans)
    weeks = _adherence(spans, done, as_of)
    shown_weeks = [w for w in weeks if since is None or w.week_start + timedelta(days=6) >= since]
    planned = sum(w.planned for w in shown_weeks)
    flags = sorted({(c.day, flag) for c in check_ins for flag in c.red_flags})
    progress_metrics = {m.metric: m for m in metrics}
    return Progress(
        as_of=as_of,
        since=since,
        metrics=metrics,
        adherence=shown_weeks,
        adherence_overall=sum(w.done for w in shown_weeks) / planned if planned else None,
        streaks=_streaks({day for day, items in done.items() if items}, as_of),
        session_effects=_session_effects([s for s in effects if since is None or s.day >= since]),
        red_flags_reported=[f for f in flags if since is None or f[0] >= since],
        recommendations=_rules(
            progress_metrics, series, weeks, flags, phase, as_of, release, knowledge
        ),
        release=release,
    )


def _daily_series(
    dated: Sequence[tuple[date, dict[MetricId, float]]],
) -> dict[MetricId, list[Point]]:
    by_day: dict[MetricId, dict[date, list[float]]] = defaultdict(lambda: defaultdict(list))
    for day, values in dated:
        for metric, value in values.items():
            by_day[metric][day].append(value)
    # model_construct: the days and values come from validated records, and a decade of
    # daily logs makes tens of thousands of points, where validating each again doubles the cost.
    return {
        metric: [Point.model_construct(day=day, value=_mean(days[day])) for day in sorted(days)]
        for metric, days in by_day.items()
    }


def _metric_progress(
    info: MeasureInfo,
    points: list[Point],
    since: date | None,
    span_days: int,
    start_of_care: date | None,
) -> MetricProgress:
    last = points[-1].day
    current = _window(points, last - timedelta(days=WINDOW_DAYS - 1), last)
    assert current is not None  # it holds the last point
    baseline = baseline_window(
        points, span_days=span_days, start_of_care=start_of_care, before=current.start
    )
    month_end = last - timedelta(days=MONTH_DAYS)
    month_ago = _window(points, month_end - timedelta(days=WINDOW_DAYS - 1), month_end)
    change = _tidy(current.mean - baseline.mean)
    return MetricProgress(
        metric=info.id,
        name=info.name,
        unit=info.unit,
        better=info.better,
        baseline=baseline,
        current=current,
        month_ago=month_ago,
        change=change,
        change_percent=_tidy(100 * change / abs(baseline.mean)) if baseline.mean else None,
        change_from_month=_tidy(current.mean - month_ago.mean) if month_ago else None,
        verdict=_verdict(info, baseline, current, change),
        threshold=_threshold_words(info),
        trend_per_week=_trend(points, last),
        points=[p for p in points if since is None or p.day >= since],
    )


def care_anchor(days: Sequence[date], *, span_days: int, start_of_care: date | None) -> date:
    """Where the baseline starts, among ``days`` (sorted, at least one): see the module's notes.

    The first day within ``span_days`` either side of ``start_of_care``; else the first
    after it; else the first day with another within ``span_days`` after it; else the first.
    """
    if start_of_care is not None:
        near = start_of_care - timedelta(days=span_days)
        after = [day for day in days if day >= near]
        if after:
            return after[0]
    for day, following in zip(days, days[1:], strict=False):
        if (following - day).days < span_days:
            return day
    return days[0]


def baseline_window(
    points: Sequence[Point],
    *,
    span_days: int,
    start_of_care: date | None = None,
    before: date | None = None,
) -> Window:
    """The mean of the first 7 days with values within ``span_days`` of :func:`care_anchor`.

    Only days before ``before`` (the current week) when there are any; with none, the
    baseline overlaps the current week and the verdict is "too early".
    """
    start = care_anchor([p.day for p in points], span_days=span_days, start_of_care=start_of_care)
    near = [p for p in points if 0 <= (p.day - start).days < span_days]
    earlier = [p for p in near if before is None or p.day < before]
    first = (earlier or near)[:WINDOW_DAYS]
    return Window(
        start=first[0].day,
        end=first[-1].day,
        mean=_tidy(_mean([p.value for p in first])),
        days=len(first),
    )


def baselines(
    dated: Sequence[tuple[date, dict[MetricId, float]]],
    metrics: Iterable[MetricId],
    knowledge: KnowledgeBase,
) -> dict[MetricId, float]:
    """Each metric's starting level, as :func:`baseline_window` takes it (when it has values).

    What a new pain rating is compared with, before the current week is known.
    """
    series = _daily_series(dated)
    span = int(knowledge.threshold(ThresholdId.BASELINE_SPAN_DAYS))
    return {m: baseline_window(series[m], span_days=span).mean for m in metrics if series.get(m)}


def _window(points: list[Point], start: date, end: date) -> Window | None:
    inside = [p.value for p in points if start <= p.day <= end]
    if not inside:
        return None
    return Window(start=start, end=end, mean=_tidy(_mean(inside)), days=len(inside))


def _verdict(info: MeasureInfo, baseline: Window, current: Window, change: float) -> Verdict:
    if info.meaningful_change is None or info.id is MetricId.GLOBAL_RATING_OF_CHANGE:
        return Verdict.NOT_JUDGED
    if current.start <= baseline.end:
        return Verdict.TOO_EARLY
    threshold = info.meaningful_change
    by_points = abs(change) >= threshold.points
    by_percent = (
        threshold.percent is not None
        and baseline.mean != 0
        and 100 * abs(change) / abs(baseline.mean) >= threshold.percent
    )
    if not (by_points or by_percent):
        return Verdict.NO_MEANINGFUL_CHANGE
    better = change < 0 if info.better == "lower" else change > 0
    return Verdict.IMPROVED if better else Verdict.WORSE


def _threshold_words(info: MeasureInfo) -> str | None:
    threshold = info.meaningful_change
    if threshold is None:
        return None
    words = f"{threshold.points:g} points"
    return f"{words} or {threshold.percent:g}%" if threshold.percent else words


def _trend(points: list[Point], last: date) -> float | None:
    recent = [p for p in points if p.day > last - timedelta(days=TREND_DAYS)]
    if len(recent) < 3:
        return None
    days = [float((p.day - last).days) for p in recent]
    values = [p.value for p in recent]
    if len(set(values)) == 1:
        return 0.0
    slope, _ = statistics.linear_regression(days, values)
    return _tidy(slope * 7)


def _done_by_day(
    check_ins: Sequence[CheckIn], effects: Sequence[SessionEffect], spans: Sequence[PlanSpan]
) -> dict[date, set[str]]:
    done: dict[date, set[str]] = defaultdict(set)
    for check_in in check_ins:
        done[check_in.day].update(check_in.done)
    releases = {technique for span in spans for technique in span.releases}
    for effect in effects:
        done[effect.day].update(releases)
    return done


def _adherence(
    spans: Sequence[PlanSpan], done: dict[date, set[str]], as_of: date
) -> list[WeekAdherence]:
    if not spans:
        return []
    weeks = []
    week_start = _monday(spans[0].since)
    while week_start <= as_of:
        week_end = week_start + timedelta(days=6)
        span = [s for s in spans if s.since <= week_end][-1]
        first = max(week_start, spans[0].since)
        covered = [
            first + timedelta(days=n) for n in range((min(week_end, as_of) - first).days + 1)
        ]
        planned = done_count = 0
        for technique, per_week in span.due.items():
            # A week the plan only partly covers (its first, or this one) asks for a share
            # of the weekly amount; whatever is done, up to the weekly amount, still counts.
            done_days = min(per_week, sum(1 for d in covered if technique in done.get(d, ())))
            due = max(math.floor(per_week * len(covered) / 7 + 0.5), done_days)
            planned += due
            done_count += done_days
        weeks.append(
            WeekAdherence(
                week_start=week_start,
                planned=planned,
                done=done_count,
                ratio=_tidy(done_count / planned) if planned else None,
            )
        )
        week_start += timedelta(days=7)
    return weeks


def _streaks(active: set[date], as_of: date) -> Streaks:
    longest = run = 0
    previous: date | None = None
    for day in sorted(active):
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        longest = max(longest, run)
        previous = day
    # Today still counts as open: a streak that reached yesterday is not broken yet.
    day = as_of if as_of in active else as_of - timedelta(days=1)
    current = 0
    while day in active:
        current += 1
        day -= timedelta(days=1)
    return Streaks(current=current, longest=longest)


def _session_effects(effects: Sequence[SessionEffect]) -> SessionEffects:
    changes: dict[str, list[int]] = defaultdict(list)
    for effect in effects:
        for rating, change in effect.change.items():
            changes[rating].append(change)
    return SessionEffects(
        sessions=list(effects),
        mean_change={rating: _tidy(_mean(values)) for rating, values in sorted(changes.items())},
    )


def _rules(
    metrics: dict[MetricId, MetricProgress],
    series: dict[MetricId, list[Point]],
    weeks: Sequence[WeekAdherence],
    flags: Sequence[tuple[date, RedFlagId]],
    phase: ProgramPhase | None,
    as_of: date,
    release: ReleaseStatus | None,
    knowledge: KnowledgeBase,
) -> list[Recommendation]:
    found: list[Recommendation] = []
    recent_days = knowledge.threshold(ThresholdId.WARNING_SIGN_RECENT_DAYS)
    recent = [(day, flag) for day, flag in flags if (as_of - day).days < recent_days]
    if recent:
        names = "; ".join(
            knowledge.question(QuestionId(flag.value)).short
            for flag in sorted({f for _, f in recent})
        )
        last = max(day for day, _ in recent).isoformat()
        found.append(
            Recommendation(
                kind=RecommendationKind.RESCREEN,
                reason=f"You reported a warning sign (latest on {last}: {names}): no "
                "self-release until you have gone through the safety questions again.",
            )
        )
    rise_points = knowledge.threshold(ThresholdId.PAIN_RISE_POINTS)
    for metric in PAIN_METRICS:
        progress = metrics.get(metric)
        if progress is None:
            continue
        rises = [progress.change]
        if progress.change_from_month is not None:
            rises.append(progress.change_from_month)
        if progress.verdict is not Verdict.TOO_EARLY and max(rises) >= rise_points:
            found.append(
                Recommendation(
                    kind=RecommendationKind.RESCREEN,
                    reason=f"{progress.name} is {max(rises):.1f} points higher than before: go "
                    "through the safety questions again, and see a clinician if the screen "
                    "says so.",
                )
            )
    found += _see_a_clinician(metrics, series, as_of, knowledge)
    if phase is ProgramPhase.ACTIVE and not found and _may_maintain(release):
        reason = _ready_for_maintenance(metrics, series, weeks, as_of, knowledge)
        if reason:
            found.append(Recommendation(kind=RecommendationKind.MAINTENANCE, reason=reason))
    return found


def _may_maintain(release: ReleaseStatus | None) -> bool:
    """Never without a known screen, while it refers or is urgent, or while release is paused."""
    if release is None or release.level is None or release.paused:
        return False
    return release.level in (SafetyLevel.CLEAR, SafetyLevel.CAUTION)


def _see_a_clinician(
    metrics: dict[MetricId, MetricProgress],
    series: dict[MetricId, list[Point]],
    as_of: date,
    knowledge: KnowledgeBase,
) -> list[Recommendation]:
    found = []
    worse = knowledge.threshold(ThresholdId.GLOBAL_RATING_WORSE)
    ratings = series.get(MetricId.GLOBAL_RATING_OF_CHANGE)
    if ratings and ratings[-1].value <= worse:
        found.append(
            Recommendation(
                kind=RecommendationKind.SEE_CLINICIAN,
                reason=f"You rated yourself {ratings[-1].value:+g} compared with when you "
                f"started ({ratings[-1].day.isoformat()}): worse by an amount that matters. "
                "Please see a doctor or physiotherapist about it.",
            )
        )
    weeks = int(knowledge.threshold(ThresholdId.NO_IMPROVEMENT_WEEKS))
    pains = [metrics[m] for m in PAIN_METRICS if m in metrics]
    first = min((p.baseline.start for p in pains), default=None)  # not a stray older record
    if (
        first is not None
        and (as_of - first).days >= 7 * weeks
        and not any(p.verdict is Verdict.IMPROVED for p in pains)
    ):
        found.append(
            Recommendation(
                kind=RecommendationKind.SEE_CLINICIAN,
                reason=f"After {weeks} weeks your pain has not improved by an amount that "
                "matters. Please see a doctor or physiotherapist to look at other causes and "
                "other treatment.",
            )
        )
    return found


def _ready_for_maintenance(
    metrics: dict[MetricId, MetricProgress],
    series: dict[MetricId, list[Point]],
    weeks: Sequence[WeekAdherence],
    as_of: date,
    knowledge: KnowledgeBase,
) -> str | None:
    held_weeks = int(knowledge.threshold(ThresholdId.MAINTENANCE_WEEKS))
    least = knowledge.threshold(ThresholdId.MAINTENANCE_ADHERENCE)
    pains = [metrics[m] for m in PAIN_METRICS if m in metrics]
    improved = [p for p in pains if p.verdict is Verdict.IMPROVED]
    if not improved or any(p.verdict is Verdict.WORSE for p in pains):
        return None
    steady = knowledge.threshold(ThresholdId.STEADY_TREND_POINTS)
    if any(p.trend_per_week is not None and p.trend_per_week > steady for p in pains):
        return None
    best = improved[0]
    info = knowledge.measure(best.metric)
    if not _held(series[best.metric], best.baseline, info, held_weeks):
        return None
    complete = [w for w in weeks if w.week_start + timedelta(days=6) < as_of]
    last = complete[-held_weeks:]
    if len(last) < held_weeks:
        return None
    planned = sum(w.planned for w in last)
    ratio = sum(w.done for w in last) / planned if planned else 0.0
    if ratio < least:
        return None
    return (
        f"{best.name} has come down from {best.baseline.mean:.1f} to {best.current.mean:.1f}, "
        f"held for {held_weeks} weeks, and you kept to {ratio:.0%} of the program over them: "
        "the program moves to maintenance, with a release once a week."
    )


def _held(points: list[Point], baseline: Window, info: MeasureInfo, weeks: int) -> bool:
    """A meaningful improvement in each of the last ``weeks`` weekly windows, none empty."""
    last = points[-1].day
    for week in range(weeks):
        end = last - timedelta(days=WINDOW_DAYS * week)
        window = _window(points, end - timedelta(days=WINDOW_DAYS - 1), end)
        if window is None or window.start <= baseline.end:
            return False
        change = _tidy(window.mean - baseline.mean)
        if _verdict(info, baseline, window, change) is not Verdict.IMPROVED:
            return False
    return True


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _tidy(value: float) -> float:
    """Round away float noise so equal inputs in any order give equal outputs."""
    return round(value, 6)
