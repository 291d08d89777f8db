"""Progress: hand-checked change, thresholds, adherence, streaks and rules; then properties."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas.content import KnowledgeBase, load_knowledge_base
from psoas.content.vocabulary import MetricId, RedFlagId, SafetyLevel
from psoas.core.gates import HoldKind, ReleaseHold, ReleaseStatus
from psoas.core.measures import CheckIn, Measurement, parse_check_in, parse_measurement
from psoas.core.planning import ProgramPhase
from psoas.core.progress import (
    PlanSpan,
    RecommendationKind,
    SessionEffect,
    Verdict,
    compute_progress,
)

MONDAY = date(2026, 9, 7)
SPAN = PlanSpan(
    since=MONDAY,
    phase=ProgramPhase.ACTIVE,
    due={"stretch": 7, "release": 2},
    releases=["release"],
)


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def check_in(n: int, pain: int | None = None, **fields: object) -> CheckIn:
    return parse_check_in({"day": day(n).isoformat(), "low_back_pain": pain, **fields})


CLEAR = ReleaseStatus(allowed=True, level=SafetyLevel.CLEAR, screened_at=None, holds=[])
"""Release allowed today by a clear screen."""


def progress(
    knowledge: KnowledgeBase,
    *,
    as_of: int,
    release: ReleaseStatus | None = CLEAR,
    **records: object,
):
    return compute_progress(
        measurements=records.get("measurements", []),  # type: ignore[arg-type]
        check_ins=records.get("check_ins", []),  # type: ignore[arg-type]
        sessions=records.get("sessions", []),  # type: ignore[arg-type]
        plans=records.get("plans", [SPAN]),  # type: ignore[arg-type]
        knowledge=knowledge,
        as_of=day(as_of),
        release=release,
    )


def _paused(kind: HoldKind, level: SafetyLevel = SafetyLevel.CAUTION) -> ReleaseStatus:
    hold = ReleaseHold(kind=kind, level=level, since=None, message="paused")
    screen = SafetyLevel.CLEAR if kind is not HoldKind.SCREEN else level
    return ReleaseStatus(allowed=False, level=screen, screened_at=None, holds=[hold])


def test_change_is_between_the_first_and_the_last_week_means(knowledge: KnowledgeBase) -> None:
    # Week 1: 6,6,7,5 (mean 6); last week (days 22-28): 4,3,5 (mean 4).
    logs = [check_in(n, p) for n, p in [(0, 6), (1, 6), (3, 7), (6, 5), (22, 4), (25, 3), (28, 5)]]
    found = progress(knowledge, as_of=28, check_ins=logs)
    pain = found.metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None
    assert (pain.baseline.mean, pain.baseline.days) == (6.0, 4)
    assert (pain.current.mean, pain.current.days) == (4.0, 3)
    assert pain.change == -2.0
    assert pain.change_percent == pytest.approx(-33.333333)
    assert pain.verdict is Verdict.IMPROVED
    assert pain.threshold == "2 points or 30%"
    # A month before day 28 is day -2: nothing recorded in that week.
    assert pain.month_ago is None


@pytest.mark.parametrize(
    ("baseline", "now", "verdict"),
    [
        (6, 5, Verdict.NO_MEANINGFUL_CHANGE),  # 1 point, 17%
        (3, 2, Verdict.IMPROVED),  # 1 point but 33%
        (8, 6, Verdict.IMPROVED),  # 2 points, 25%
        (4, 6, Verdict.WORSE),
        (0, 1, Verdict.NO_MEANINGFUL_CHANGE),  # no percent of nothing
    ],
)
def test_pain_threshold_is_two_points_or_thirty_percent(
    knowledge: KnowledgeBase, baseline: int, now: int, verdict: Verdict
) -> None:
    found = progress(knowledge, as_of=20, check_ins=[check_in(0, baseline), check_in(20, now)])
    pain = found.metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None and pain.verdict is verdict


def test_psfs_scores_the_mean_and_needs_two_points(knowledge: KnowledgeBase) -> None:
    def psfs(n: int, scores: list[int]) -> Measurement:
        items = [{"activity": f"activity {i}", "score": s} for i, s in enumerate(scores)]
        return parse_measurement({"taken_on": day(n).isoformat(), "psfs": items})

    found = progress(knowledge, as_of=30, measurements=[psfs(0, [2, 3, 4]), psfs(30, [4, 5, 5, 4])])
    function = found.metric(MetricId.PSFS)
    assert function is not None
    assert (function.baseline.mean, function.current.mean) == (3.0, 4.5)
    assert function.verdict is Verdict.NO_MEANINGFUL_CHANGE  # +1.5 < 2
    better = progress(knowledge, as_of=30, measurements=[psfs(0, [2, 3, 4]), psfs(30, [5, 5, 5])])
    assert better.metric(MetricId.PSFS).verdict is Verdict.IMPROVED


def test_thomas_angles_follow_each_side_without_a_verdict(knowledge: KnowledgeBase) -> None:
    def thomas(n: int, left: float, right: float) -> Measurement:
        return parse_measurement(
            {
                "taken_on": day(n).isoformat(),
                "thomas": {"left": {"hip_angle_deg": left}, "right": {"hip_angle_deg": right}},
            }
        )

    found = progress(knowledge, as_of=28, measurements=[thomas(0, 12, 8), thomas(28, 4, 6)])
    left = found.metric(MetricId.THOMAS_HIP_ANGLE_LEFT)
    right = found.metric(MetricId.THOMAS_HIP_ANGLE_RIGHT)
    assert left is not None and right is not None
    assert (left.change, right.change) == (-8.0, -2.0)
    assert left.verdict is Verdict.NOT_JUDGED
    assert left.unit == "degrees"


def test_within_the_first_week_it_is_too_early_to_judge(knowledge: KnowledgeBase) -> None:
    found = progress(knowledge, as_of=5, check_ins=[check_in(0, 8), check_in(5, 2)])
    assert found.metric(MetricId.LOW_BACK_PAIN).verdict is Verdict.TOO_EARLY
    assert found.recommendations == []


def test_trend_is_the_weekly_slope_of_the_last_six_weeks(knowledge: KnowledgeBase) -> None:
    # Pain falls one point a week over the last 6 weeks; an old outlier is outside the window.
    logs = [check_in(0, 0)] + [check_in(60 + 7 * w, 8 - w) for w in range(6)]
    found = progress(knowledge, as_of=95, check_ins=logs)
    assert found.metric(MetricId.LOW_BACK_PAIN).trend_per_week == pytest.approx(-1.0)


def test_adherence_counts_done_over_due_per_week_without_double_counting(
    knowledge: KnowledgeBase,
) -> None:
    # Week 1 (full): stretch due 7, release due 2 = 9. Stretch done 5 days; release done on
    # 3 days (one a guided session) but only 2 count.
    logs = [check_in(n, done=["stretch"]) for n in range(5)]
    logs += [check_in(5, done=["release"]), check_in(6, done=["release"])]
    sessions = [SessionEffect(session_id=1, day=day(2), change={"low_back_pain": -2})]
    found = progress(knowledge, as_of=9, check_ins=logs, sessions=sessions)
    first, second = found.adherence
    assert (first.week_start, first.planned, first.done) == (MONDAY, 9, 7)
    assert first.ratio == pytest.approx(7 / 9, abs=1e-6)
    # Week 2 so far covers 3 days: 3 stretches and round(2 * 3 / 7) = 1 release due.
    assert (second.planned, second.done, second.ratio) == (4, 0, 0.0)
    assert found.adherence_overall == pytest.approx(7 / 13)


def test_in_a_part_week_what_is_done_still_counts(knowledge: KnowledgeBase) -> None:
    # The plan starts on a Sunday: one day of the week, so one stretch is due and no
    # release (2 a week is 0.3 of one), yet the release done that day counts.
    sunday = SPAN.model_copy(update={"since": day(6)})
    found = progress(knowledge, as_of=6, plans=[sunday], check_ins=[check_in(6, done=["release"])])
    (week,) = found.adherence
    assert (week.planned, week.done, week.ratio) == (2, 1, 0.5)


def test_a_newer_plan_version_sets_what_is_due_from_its_week(knowledge: KnowledgeBase) -> None:
    maintenance = PlanSpan(
        since=day(7), phase=ProgramPhase.MAINTENANCE, due={"release": 1}, releases=["release"]
    )
    found = progress(knowledge, as_of=13, plans=[maintenance, SPAN])
    assert [week.planned for week in found.adherence] == [9, 1]


def test_streaks_count_days_in_a_row_with_something_done(knowledge: KnowledgeBase) -> None:
    active = [0, 1, 2, 3, 6, 7, 8]
    logs = [check_in(n, done=["stretch"]) for n in active] + [check_in(9, 4)]  # 9: logged only
    found = progress(knowledge, as_of=9, check_ins=logs)
    # Today (day 9) has nothing done yet, so the streak that reached yesterday still stands.
    assert (found.streaks.current, found.streaks.longest) == (3, 4)
    assert progress(knowledge, as_of=10, check_ins=logs).streaks.current == 0


def test_session_effects_average_after_minus_before(knowledge: KnowledgeBase) -> None:
    sessions = [
        SessionEffect(session_id=1, day=day(1), change={"low_back_pain": -2, "stress": -3}),
        SessionEffect(session_id=2, day=day(3), change={"low_back_pain": -1}),
    ]
    found = progress(knowledge, as_of=5, sessions=sessions)
    assert found.session_effects.mean_change == {"low_back_pain": -1.5, "stress": -3.0}


def test_pain_up_two_points_asks_for_a_new_screen(knowledge: KnowledgeBase) -> None:
    found = progress(knowledge, as_of=20, check_ins=[check_in(0, 3), check_in(20, 5)])
    assert [r.kind for r in found.recommendations] == [RecommendationKind.RESCREEN]
    assert "2.0 points higher" in found.recommendations[0].reason


def test_a_new_warning_sign_asks_for_a_new_screen_for_two_weeks(knowledge: KnowledgeBase) -> None:
    logs = [check_in(3, red_flags=["saddle_numbness"])]
    found = progress(knowledge, as_of=10, check_ins=logs)
    assert found.red_flags_reported == [(day(3), RedFlagId.SADDLE_NUMBNESS)]
    assert found.recommendations[0].kind is RecommendationKind.RESCREEN
    assert progress(knowledge, as_of=17, check_ins=logs).recommendations == []


def _steady_improvement(adherence_days: int) -> list[CheckIn]:
    """Pain from 6 to 4 to 3 over two weeks, held at 3 for four more, the stretch done so often."""
    logs = []
    for n in range(42):
        done = ["stretch"] if n % 7 < adherence_days else []
        if n % 7 in (1, 4):
            done.append("release")
        logs.append(check_in(n, 6 if n < 7 else 4 if n < 14 else 3, done=done))
    return logs


def test_steady_improvement_with_good_adherence_moves_to_maintenance(
    knowledge: KnowledgeBase,
) -> None:
    found = progress(knowledge, as_of=42, check_ins=_steady_improvement(adherence_days=6))
    assert [r.kind for r in found.recommendations] == [RecommendationKind.MAINTENANCE]
    assert "maintenance" in found.recommendations[0].reason
    # The same improvement with the program mostly skipped does not.
    lax = progress(knowledge, as_of=42, check_ins=_steady_improvement(adherence_days=3))
    assert lax.recommendations == []
    # Nor does it once the program is in maintenance already.
    kept = SPAN.model_copy(update={"phase": ProgramPhase.MAINTENANCE})
    already = progress(
        knowledge, as_of=42, check_ins=_steady_improvement(adherence_days=6), plans=[kept]
    )
    assert already.recommendations == []


@pytest.mark.parametrize(
    "release",
    [
        None,
        _paused(HoldKind.PAIN),
        _paused(HoldKind.ADVERSE_EVENT),
        _paused(HoldKind.OLD_SCREEN),
        _paused(HoldKind.SCREEN, SafetyLevel.REFER),
        _paused(HoldKind.SCREEN, SafetyLevel.URGENT),
    ],
    ids=["no-screen-known", "pain", "adverse-event", "old-screen", "refer", "urgent"],
)
def test_never_maintenance_while_paused_or_referred(
    knowledge: KnowledgeBase, release: ReleaseStatus | None
) -> None:
    found = progress(
        knowledge, as_of=42, check_ins=_steady_improvement(adherence_days=6), release=release
    )
    assert RecommendationKind.MAINTENANCE not in [r.kind for r in found.recommendations]


def test_maintenance_needs_the_improvement_held_over_four_weeks(knowledge: KnowledgeBase) -> None:
    # Five weeks at 6, then a good last week at 3: improved now, but not held.
    logs = [check_in(n, 6 if n < 35 else 3, done=["stretch", "release"]) for n in range(42)]
    found = progress(knowledge, as_of=42, check_ins=logs)
    pain = found.metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None and pain.verdict is Verdict.IMPROVED
    assert RecommendationKind.MAINTENANCE not in [r.kind for r in found.recommendations]


def test_the_baseline_is_the_first_seven_days_with_values(knowledge: KnowledgeBase) -> None:
    # Every other day: the baseline holds the first 7 values (days 0-12), not one week's 4.
    logs = [check_in(2 * n, 6 if n < 7 else 2) for n in range(20)]
    pain = progress(knowledge, as_of=38, check_ins=logs).metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None
    assert (pain.baseline.start, pain.baseline.end, pain.baseline.days) == (day(0), day(12), 7)
    assert pain.baseline.mean == 6.0


def test_a_much_worse_global_rating_suggests_a_clinician(knowledge: KnowledgeBase) -> None:
    def rated(n: int, change: int) -> Measurement:
        return parse_measurement(
            {"taken_on": day(n).isoformat(), "global_rating_of_change": change}
        )

    worse = progress(knowledge, as_of=20, measurements=[rated(10, 1), rated(20, -3)])
    assert [r.kind for r in worse.recommendations] == [RecommendationKind.SEE_CLINICIAN]
    assert "-3" in worse.recommendations[0].reason
    slightly = progress(knowledge, as_of=20, measurements=[rated(20, -2)])
    assert slightly.recommendations == []


def test_no_improvement_after_six_weeks_suggests_a_clinician(knowledge: KnowledgeBase) -> None:
    flat = [check_in(n, 5) for n in range(43)]
    found = progress(knowledge, as_of=42, check_ins=flat)
    assert [r.kind for r in found.recommendations] == [RecommendationKind.SEE_CLINICIAN]
    assert "6 weeks" in found.recommendations[0].reason
    early = progress(knowledge, as_of=40, check_ins=flat[:41])
    assert early.recommendations == []


# Properties --------------------------------------------------------------------------------

ratings = st.none() | st.integers(0, 10)
check_ins = st.builds(
    lambda n, pain, hip, stress, hours, done: parse_check_in(
        {
            "day": day(n).isoformat(),
            "low_back_pain": pain,
            "hip_pain": hip,
            "stress": stress,
            "sitting_hours": hours,
            "done": done,
        }
    ),
    st.integers(0, 400),
    ratings,
    ratings,
    ratings,
    st.none() | st.floats(0, 24, allow_nan=False),
    st.lists(st.sampled_from(["stretch", "release", "other"]), unique=True),
)
measurements = st.builds(
    lambda n, pain, angle, knee, scores, change: parse_measurement(
        {
            "taken_on": day(n).isoformat(),
            "low_back_pain": pain,
            "thomas": {"left": {"hip_angle_deg": angle, "knee_angle_deg": knee}},
            "psfs": [{"activity": f"a{i}", "score": s} for i, s in enumerate(scores)],
            "global_rating_of_change": change,
        }
    ),
    st.integers(0, 400),
    ratings,
    st.floats(-45, 60, allow_nan=False),
    st.floats(0, 150, allow_nan=False),
    st.lists(st.integers(0, 10), min_size=3, max_size=5),
    st.integers(-7, 7),
)
effects = st.builds(
    SessionEffect,
    session_id=st.integers(1, 10_000),
    day=st.integers(0, 400).map(day),
    change=st.dictionaries(st.sampled_from(["low_back_pain", "stress"]), st.integers(-10, 10)),
)


@settings(max_examples=60, deadline=None)
@given(
    logs=st.lists(check_ins, max_size=40, unique_by=lambda c: c.day),
    measured=st.lists(measurements, max_size=8),
    sessions=st.lists(effects, max_size=6, unique_by=lambda s: s.session_id),
    as_of=st.integers(0, 420),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_valid_series_gives_bounded_results_in_any_order(
    logs, measured, sessions, as_of, seed
) -> None:
    knowledge = load_knowledge_base()  # not a fixture: hypothesis would print it on failure
    found = progress(
        knowledge, as_of=as_of, check_ins=logs, measurements=measured, sessions=sessions
    )
    shuffled = random.Random(seed)
    for records in (logs, measured, sessions):
        shuffled.shuffle(records)
    again = progress(
        knowledge, as_of=as_of, check_ins=logs, measurements=measured, sessions=sessions
    )
    assert again == found

    document = found.to_document()
    assert "NaN" not in str(document) and "inf" not in str(document).lower()
    for metric in found.metrics:
        info = knowledge.measure(metric.metric)
        # The widest a metric can move: 150 degrees of knee bend, 24 hours, 14 rating points.
        span = (
            150 if info.unit == "degrees" else 24 if metric.metric is MetricId.SITTING_HOURS else 14
        )
        assert abs(metric.change) <= span
        assert metric.change_percent is None or math.isfinite(metric.change_percent)
        if metric.trend_per_week is not None:
            assert abs(metric.trend_per_week) <= span * 7
        assert all(point.day <= day(as_of) for point in metric.points)
    for week in found.adherence:
        assert 0 <= week.done <= week.planned
        assert week.ratio is None or 0 <= week.ratio <= 1
    assert found.adherence_overall is None or 0 <= found.adherence_overall <= 1
    assert 0 <= found.streaks.current <= found.streaks.longest <= as_of + 1
