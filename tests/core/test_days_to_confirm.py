"""Which days need confirming: the rule, and the first day a form may take without asking."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from psoas.core.measures import DayToConfirm, day_to_confirm, first_day_unconfirmed

TODAY = date(2026, 12, 1)


def why(day: date, start: date | None) -> DayToConfirm | None:
    return day_to_confirm(day, today=TODAY, start_of_care=start, days_back=60)


def test_long_ago_and_before_care_are_told_apart() -> None:
    start = TODAY - timedelta(days=10)
    assert why(TODAY - timedelta(days=61), start) is DayToConfirm.LONG_AGO
    assert why(TODAY - timedelta(days=60), start) is DayToConfirm.BEFORE_CARE
    assert why(start, start) is None
    assert why(TODAY - timedelta(days=60), None) is None
    # An intake stamped after today (another clock): only the distance from today counts.
    assert why(TODAY - timedelta(days=1), TODAY + timedelta(days=3)) is None


@given(
    back=st.integers(0, 400),
    start=st.none() | st.integers(-200, 200),
    days_back=st.integers(1, 120),
)
def test_the_page_asks_exactly_where_the_service_refuses(
    back: int, start: int | None, days_back: int
) -> None:
    day = TODAY - timedelta(days=back)
    began = None if start is None else TODAY - timedelta(days=start)
    first = first_day_unconfirmed(today=TODAY, start_of_care=began, days_back=days_back)
    refused = day_to_confirm(day, today=TODAY, start_of_care=began, days_back=days_back)
    assert (refused is None) == (day >= first)
