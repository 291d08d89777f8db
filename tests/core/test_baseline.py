"""Where the baseline starts: near the start of care, so one stray old record changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from psoas.content import KnowledgeBase, load_knowledge_base
from psoas.content.vocabulary import MetricId, SafetyLevel
from psoas.core.gates import ReleaseStatus
from psoas.core.measures import CheckIn, parse_check_in
from psoas.core.progress import Progress, RecommendationKind, Verdict, care_anchor, compute_progress

START = date(2026, 3, 2)
"""The day of the first intake in these tests."""
CLEAR = ReleaseStatus(allowed=True, level=SafetyLevel.CLEAR, screened_at=None, holds=[])


def day(n: int) -> date:
    return START + timedelta(days=n)


def logged(when: date, pain: float, hip: float | None = None) -> CheckIn:
    return parse_check_in({"day": when.isoformat(), "low_back_pain": pain, "hip_pain": hip})


def progress_of(
    knowledge: KnowledgeBase, logs: list[CheckIn], *, start: date | None = START
) -> Progress:
    return compute_progress(
        measurements=[],
        check_ins=logs,
        sessions=[],
        plans=[],
        knowledge=knowledge,
        as_of=max(c.day for c in logs),
        release=CLEAR,
        start_of_care=start,
    )


def eight_weeks_getting_better() -> list[CheckIn]:
    """Daily pain from the intake: 6 for two weeks, then 3."""
    return [logged(day(n), 6 if n < 14 else 3) for n in range(56)]


STRAY = logged(date(1999, 3, 2), 0)
"""1999 typed for 2026, with a pain of 0: as the first record, every verdict was "worse"."""


def test_a_check_in_dated_years_before_the_intake_does_not_turn_the_verdict(
    knowledge: KnowledgeBase,
) -> None:
    logs = eight_weeks_getting_better()
    for start in (START, None):  # anchored at the intake, and with no intake at all
        alone = progress_of(knowledge, logs, start=start).metric(MetricId.LOW_BACK_PAIN)
        with_stray = progress_of(knowledge, [STRAY, *logs], start=start)
        pain = with_stray.metric(MetricId.LOW_BACK_PAIN)
        assert alone is not None and pain is not None
        assert pain.verdict is Verdict.IMPROVED
        assert pain.baseline == alone.baseline
        assert (pain.baseline.start, pain.baseline.mean) == (START, 6.0)


def test_six_weeks_without_improvement_count_from_the_baseline_not_a_stray(
    knowledge: KnowledgeBase,
) -> None:
    ten_days = [logged(day(n), 5) for n in range(10)]
    found = progress_of(knowledge, [STRAY, *ten_days])
    assert RecommendationKind.SEE_CLINICIAN not in [r.kind for r in found.recommendations]


def test_the_baseline_is_the_first_seven_days_near_the_start_of_care(
    knowledge: KnowledgeBase,
) -> None:
    # A diary copied in from 40 days before the intake: the baseline is the fortnight
    # around the intake (from 14 days before it), not the diary's first week.
    diary = [logged(day(n), 8 if n < -14 else 5) for n in range(-40, 0)]
    after = [logged(day(n), 2) for n in range(0, 30)]
    pain = progress_of(knowledge, diary + after).metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None
    assert (pain.baseline.start, pain.baseline.end, pain.baseline.days) == (day(-14), day(-8), 7)
    assert pain.baseline.mean == 5.0
    assert pain.verdict is Verdict.IMPROVED


def test_a_log_begun_weeks_after_the_intake_starts_its_baseline_at_its_first_day(
    knowledge: KnowledgeBase,
) -> None:
    later = [logged(day(n), 4) for n in range(40, 70)]
    pain = progress_of(knowledge, [STRAY, *later]).metric(MetricId.LOW_BACK_PAIN)
    assert pain is not None
    assert pain.baseline.start == day(40)
    assert pain.verdict is Verdict.NO_MEANINGFUL_CHANGE


def test_where_the_baseline_starts() -> None:
    days = [date(1999, 3, 2), day(-60), day(-59), day(-1), day(0), day(3)]
    assert care_anchor(days, span_days=14, start_of_care=START) == day(-1)
    # Nothing within 14 days of it: the first value after it (the log began later).
    assert care_anchor(days, span_days=14, start_of_care=day(-40)) == day(-1)
    # No value near the start of care, nor after it: the first value with another near it.
    assert care_anchor(days, span_days=14, start_of_care=day(100)) == day(-60)
    assert care_anchor(days, span_days=14, start_of_care=None) == day(-60)
    # A value with no neighbour at all (a measure every few weeks) still counts from the first.
    sparse = [day(0), day(21), day(42)]
    assert care_anchor(sparse, span_days=14, start_of_care=None) == day(0)


# The property: one stray old record never changes a verdict or a recommendation. -----------

gaps = st.lists(st.integers(1, 3), min_size=1, max_size=70)
"""A check-in every one to three days: a log, so its first day has a neighbour."""


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[CheckIn], date | None, CheckIn]:
    first = day(draw(st.integers(-120, 120)))
    days = [first]
    for gap in draw(gaps):
        days.append(days[-1] + timedelta(days=gap))
    pains = st.integers(0, 10)
    # Hip pain on every day or none: a metric with one value has no neighbour to tell a
    # stray from (with no intake, its first value counts, as the rule says).
    hips = pains if draw(st.booleans()) else st.none()
    logs = [logged(when, draw(pains), draw(hips)) for when in days]
    start = draw(st.none() | st.integers(-150, 150).map(day))
    # Old: more than the confirmation window before both the log and the intake.
    earliest = min(first, start) if start else first
    back = draw(st.integers(61, 40 * 365))
    stray = logged(earliest - timedelta(days=back), draw(pains), draw(hips))
    return logs, start, stray


def judged(found: Progress) -> tuple[object, ...]:
    return (
        [(m.metric, m.verdict, m.baseline, m.change) for m in found.metrics],
        [r.kind for r in found.recommendations],
    )


@settings(max_examples=200, deadline=None)
@given(history=histories())
def test_one_stray_old_record_never_changes_a_verdict(
    history: tuple[list[CheckIn], date | None, CheckIn],
) -> None:
    logs, start, stray = history
    knowledge = load_knowledge_base()  # not a fixture: hypothesis would print it on failure
    without = progress_of(knowledge, logs, start=start)
    with_stray = progress_of(knowledge, [stray, *logs], start=start)
    assert judged(with_stray) == judged(without)
