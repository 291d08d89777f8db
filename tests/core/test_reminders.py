"""Reminders: working hours, the weekly slots a plan gets, and their concrete local times."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psoas.content.models import Schedule
from psoas.content.vocabulary import Cadence
from psoas.core.planning import Plan, PlanItem, PlanItemKind
from psoas.core.reminders import (
    WEEKLY_PATTERNS,
    WORK_DAYS_PATTERN,
    Reminder,
    WorkHours,
    days_in_words,
    occurrences,
    parse_work_hours,
    reminders_for,
    weekdays_from_text,
)
from psoas.errors import InvalidDocument
from psoas.services import care
from tests.conftest import EXAMPLES

PARIS = ZoneInfo("Europe/Paris")
HOURS = WorkHours(timezone="Europe/Paris")
WEEKDAYS = [0, 1, 2, 3, 4]
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def _plan(name: str) -> Plan:
    return care.plan_of(care.read_intake(EXAMPLES / name))[1]


DESK = _plan("desk-worker.yaml")


def _item(
    technique: str, schedule: Schedule, kind: PlanItemKind = PlanItemKind.STRETCH
) -> PlanItem:
    return PlanItem(
        kind=kind,
        technique=technique,
        title=technique.replace("_", " ").capitalize(),
        dose={"sets": 2, "hold_seconds": 30, "per_side": True},
        frequency="as planned",
        schedule=schedule,
        why=["general_care"],
        reasons=["General care."],
    )


def _with_items(*items: PlanItem) -> Plan:
    return DESK.model_copy(update={"items": list(items)})


def _weekly(times: int) -> Schedule:
    return Schedule(cadence=Cadence.WEEKLY, times_per_week=times)


def _by_id(plan: Plan, hours: WorkHours = HOURS) -> dict[str, Reminder]:
    return {reminder.id: reminder for reminder in reminders_for(plan, hours)}


# --- the desk worker, checked by hand -------------------------------------------------------


def test_the_desk_worker_gets_a_break_on_every_hour_inside_working_hours() -> None:
    breaks = [r for r in reminders_for(DESK, HOURS) if r.kind == "movement_break"]
    assert [r.at for r in breaks] == [time(hour) for hour in range(10, 17)]
    assert [r.id for r in breaks] == [f"movement-break-{hour}00" for hour in range(10, 17)]
    for reminder in breaks:
        assert reminder.weekdays == WEEKDAYS
        assert reminder.minutes == 5
        assert reminder.techniques == ["hourly_movement_break"]
        assert "Hourly movement break (2 min): every hour while sitting" in reminder.description


def test_the_desk_worker_program_follows_the_weekly_patterns() -> None:
    program = {r.id: r for r in reminders_for(DESK, HOURS) if r.kind == "program"}
    assert {id: (r.weekdays, r.at) for id, r in program.items()} == {
        "program-daily": (EVERY_DAY, time(18)),
        "program-mon-tue-wed-thu-fri": (WEEKDAYS, time(18)),  # walking, 5 times a week
        "program-mon-wed-fri": ([0, 2, 4], time(18)),  # 3 times a week
        "program-tue-fri": ([1, 4], time(18)),  # release, 2 times a week: a rest day between
    }
    assert program["program-daily"].techniques == [
        "diaphragmatic_breathing",
        "standing_lunge_stretch",
        "half_kneeling_psoas_stretch",
    ]
    assert program["program-daily"].title == "Daily psoas program"
    assert program["program-mon-tue-wed-thu-fri"].techniques == ["walking"]
    assert program["program-mon-wed-fri"].techniques == [
        "couch_stretch",
        "glute_bridge",
        "dead_bug",
        "bird_dog",
    ]
    assert "Glute bridge (3 sets × 10 reps × 3 s hold): 3 times a week" in (
        program["program-mon-wed-fri"].description
    )


def test_the_release_reminder_tells_preparation_and_after_care() -> None:
    release = _by_id(DESK)["program-tue-fri"]
    assert release.title == "Psoas release session"
    assert release.techniques == ["release_preparation", "self_release_pso_rite", "after_care"]
    lines = release.description.splitlines()
    assert lines[0].startswith("Prepare first: Getting ready for a release (10 min)")
    assert lines[1].startswith("- Psoas self-release with a Pso-Rite (90 s hold")
    assert lines[-1].startswith("After-care: After a release (5 min)")
    # 10 min preparation + 2 × 90 s on the tool and a minute to settle + 5 min after-care
    assert release.minutes == 20


def test_items_done_once_get_no_reminder() -> None:
    once = [item.technique for item in DESK.items if item.schedule.cadence is Cadence.ONCE]
    assert once == ["sitting_and_posture_basics"]
    reminded = {t for reminder in reminders_for(DESK, HOURS) for t in reminder.techniques}
    assert not reminded.intersection(once)


def test_every_self_care_item_except_once_items_is_reminded_of() -> None:
    reminded = {t for reminder in reminders_for(DESK, HOURS) for t in reminder.techniques}
    due = {item.technique for item in DESK.items if item.schedule.cadence is not Cadence.ONCE}
    assert reminded == due


@pytest.mark.parametrize("example", ["safety-urgent.yaml", "safety-refer.yaml"])
def test_a_plan_without_self_care_reminds_of_nothing(example: str) -> None:
    assert reminders_for(_plan(example), HOURS) == []


# --- the rules, on made-up plans ------------------------------------------------------------


@pytest.mark.parametrize(
    ("times", "days"),
    [
        (1, [2]),
        (2, [1, 4]),
        (3, [0, 2, 4]),
        (4, [0, 1, 3, 5]),
        (5, [0, 1, 2, 3, 4]),
        (6, [0, 1, 2, 3, 4, 5]),
        (7, EVERY_DAY),
    ],
)
def test_weekly_items_fall_on_fixed_spread_out_days(times: int, days: list[int]) -> None:
    assert list(WEEKLY_PATTERNS[times]) == days
    (reminder,) = reminders_for(_with_items(_item("couch_stretch", _weekly(times))), HOURS)
    assert reminder.weekdays == days
    assert reminder.at == HOURS.practice_at
    assert reminder.kind == "program"


def test_items_on_the_same_days_share_one_reminder_and_daily_items_come_first() -> None:
    plan = _with_items(
        _item("couch_stretch", _weekly(3)),
        _item("lunge", Schedule(cadence=Cadence.DAILY)),
        _item("glute_bridge", _weekly(3), PlanItemKind.STRENGTHEN),
    )
    reminders = reminders_for(plan, HOURS)
    assert [(r.id, r.techniques) for r in reminders] == [
        ("program-daily", ["lunge"]),
        ("program-mon-wed-fri", ["couch_stretch", "glute_bridge"]),
    ]


def test_program_length_comes_from_the_doses_rounded_up_to_five_minutes() -> None:
    # 2 sets × 30 s each side = 120 s, + 30 s rest + 60 s to set up = 210 s per item
    one = reminders_for(_with_items(_item("a", _weekly(3))), HOURS)[0]
    three = reminders_for(_with_items(*(_item(t, _weekly(3)) for t in "abc")), HOURS)[0]
    assert (one.minutes, three.minutes) == (5, 15)


def test_breaks_count_whole_hours_from_the_start_of_work_on_the_working_days() -> None:
    hours = WorkHours(start=time(8, 30), end=time(12), days=[5, 6], timezone="UTC")
    breaks = reminders_for(DESK, hours)[:3]
    assert [(r.at, r.weekdays) for r in breaks] == [
        (time(9, 30), [5, 6]),
        (time(10, 30), [5, 6]),
        (time(11, 30), [5, 6]),
    ]
    assert reminders_for(DESK, hours)[3].kind == "program"


def test_no_breaks_without_an_hourly_item_and_none_in_a_single_hour_of_work() -> None:
    plan = _with_items(_item("couch_stretch", _weekly(3)))
    assert all(r.kind == "program" for r in reminders_for(plan, HOURS))
    short = WorkHours(start=time(9), end=time(10), timezone="UTC")
    assert all(r.kind == "program" for r in reminders_for(DESK, short))


def test_days_in_words() -> None:
    assert days_in_words(EVERY_DAY) == "every day"
    assert days_in_words(WEEKDAYS) == "Mon-Fri"
    assert days_in_words([4, 1]) == "Tue, Fri"
    assert days_in_words([0, 2, 4]) == "Mon, Wed, Fri"


# --- working hours --------------------------------------------------------------------------


def test_work_hours_are_read_from_a_document_with_defaults() -> None:
    hours = parse_work_hours(
        {"start": "08:30", "end": "16:30", "days": [3, 0, 1], "timezone": "America/New_York"}
    )
    assert (hours.start, hours.end, hours.days) == (time(8, 30), time(16, 30), [0, 1, 3])
    assert hours.practice_at == time(18)
    assert hours.zone == ZoneInfo("America/New_York")
    defaults = parse_work_hours({"timezone": "UTC"})
    assert (defaults.start, defaults.end, defaults.days) == (time(9), time(17), WEEKDAYS)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"start": "09:00", "end": "08:00"}, "end", "after start (09:00)"),
        ({"start": "09:00", "end": "09:00"}, "end", "after start"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone 'Mars/Olympus'"),
        ({"timezone": "../etc/passwd"}, "timezone", "unknown time zone"),
        ({"days": [0, 9]}, "days.1", "at most 6"),
        ({"days": [0, -1]}, "days.1", "at least 0"),
        ({"days": [1, 1]}, "days", "repeated: 1"),
        ({"days": []}, "days", "at least this many entries: 1"),
        ({"days": [True]}, "days.0", "whole number"),
        ({"start": 540}, "start", "quote it in YAML"),
        ({"practice_at": "25:00"}, "practice_at", "time"),
        ({"practice_at": "18:00+02:00"}, "practice_at", "without an offset"),
        ({"lunch": "12:00"}, "lunch", "unknown field"),
    ],
)
def test_bad_work_hours_name_the_field(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        parse_work_hours({"timezone": "Europe/Paris", **fields}, "--hours")
    assert caught.value.source == "--hours"
    assert [problem.field for problem in caught.value.problems] == [field]
    assert words in caught.value.problems[0].problem


def test_a_missing_zone_is_a_missing_field() -> None:
    with pytest.raises(InvalidDocument) as caught:
        parse_work_hours({})
    assert str(caught.value.problems[0]) == "timezone: is required but missing"


# --- occurrences ----------------------------------------------------------------------------


def test_occurrences_keep_local_time_across_the_spring_change() -> None:
    # Paris moves to summer time on Sunday 30 March 2025.
    start = datetime(2025, 3, 28, tzinfo=PARIS)
    found = occurrences(reminders_for(DESK, HOURS), HOURS, start, start + timedelta(days=4))
    ten = [when for when, reminder in found if reminder.id == "movement-break-1000"]
    assert [when.date() for when in ten] == [date(2025, 3, 28), date(2025, 3, 31)]
    assert all(when.hour == 10 and when.tzinfo == PARIS for when in ten)
    assert [when.astimezone(UTC).hour for when in ten] == [9, 8]
    daily = [when for when, reminder in found if reminder.id == "program-daily"]
    assert [(when.day, when.hour, when.astimezone(UTC).hour) for when in daily] == [
        (28, 18, 17),
        (29, 18, 17),
        (30, 18, 16),
        (31, 18, 16),
    ]


def test_occurrences_keep_local_time_across_the_autumn_change_in_new_york() -> None:
    hours = WorkHours(timezone="America/New_York")
    start = datetime(2025, 10, 31, tzinfo=UTC)  # clocks go back on Sunday 2 November
    found = occurrences(reminders_for(DESK, hours), hours, start, start + timedelta(days=4))
    ten = [when for when, reminder in found if reminder.id == "movement-break-1000"]
    assert [(when.day, when.hour, when.astimezone(UTC).hour) for when in ten] == [
        (31, 10, 14),
        (3, 10, 15),
    ]


def test_occurrences_are_in_order_with_simultaneous_ones_in_reminder_order() -> None:
    start = datetime(2025, 3, 28, 17, tzinfo=PARIS)  # a Friday
    found = occurrences(reminders_for(DESK, HOURS), HOURS, start, start + timedelta(hours=2))
    assert [reminder.id for _, reminder in found] == [
        "program-daily",
        "program-mon-tue-wed-thu-fri",
        "program-mon-wed-fri",
        "program-tue-fri",
    ]


def test_a_time_skipped_by_the_clock_change_moves_past_the_gap() -> None:
    night = Reminder(
        id="night",
        kind="program",
        title="Night",
        description="-",
        weekdays=EVERY_DAY,
        at=time(2, 30),
        minutes=5,
        techniques=[],
    )
    start = datetime(2025, 3, 29, 12, tzinfo=PARIS)
    found = [when for when, _ in occurrences([night], HOURS, start, start + timedelta(days=2))]
    assert [when.isoformat() for when in found] == [
        "2025-03-30T03:30:00+02:00",
        "2025-03-31T02:30:00+02:00",
    ]


def test_occurrences_include_the_start_and_exclude_the_end() -> None:
    start = datetime(2025, 3, 24, 10, tzinfo=PARIS)
    found = occurrences(reminders_for(DESK, HOURS), HOURS, start, start + timedelta(hours=1))
    assert [(when.hour, reminder.id) for when, reminder in found] == [(10, "movement-break-1000")]
    assert occurrences(reminders_for(DESK, HOURS), HOURS, start, start) == []


def test_occurrences_need_aware_instants() -> None:
    with pytest.raises(ValueError, match="aware"):
        occurrences([], HOURS, datetime(2025, 1, 1), datetime(2025, 1, 2, tzinfo=UTC))


ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]

reminder_strategy = st.builds(
    Reminder,
    id=st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    kind=st.sampled_from(["movement_break", "program"]),
    title=st.just("Reminder"),
    description=st.just("Do it."),
    weekdays=st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(sorted),
    at=st.times(),
    minutes=st.integers(1, 60),
    techniques=st.just([]),
)


@settings(max_examples=200, deadline=None)
@given(
    reminders=st.lists(reminder_strategy, max_size=4),
    zone=st.sampled_from(ZONES),
    start=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    span=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=15)),
)
def test_occurrences_are_ordered_in_range_and_at_each_reminders_local_time(
    reminders: list[Reminder], zone: str, start: datetime, span: timedelta
) -> None:
    hours = WorkHours(timezone=zone)
    end = start + span
    found = occurrences(reminders, hours, start, end)
    instants = [when for when, _ in found]
    assert instants == sorted(instants)
    seen = set()
    for when, reminder in found:
        assert start <= when < end
        assert when.tzinfo == hours.zone
        assert when.weekday() in reminder.weekdays
        wall = datetime.combine(when.date(), reminder.at, tzinfo=hours.zone)
        exists = wall.astimezone(UTC).astimezone(hours.zone).replace(tzinfo=None) == wall.replace(
            tzinfo=None
        )
        if exists:
            assert when.time() == reminder.at
        else:  # skipped by a clock change: moved forward by the gap, never back
            assert when.replace(tzinfo=None) > wall.replace(tzinfo=None)
        key = (when, id(reminder))
        assert key not in seen
        seen.add(key)
    # Every reminder comes round once a week: a full week holds each of its weekdays.
    if span >= timedelta(days=8):
        for reminder in reminders:
            mine = {when.weekday() for when, r in found if r is reminder}
            assert mine == set(reminder.weekdays)


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("mon-fri", [0, 1, 2, 3, 4]),
        ("Mon, Wed, Fri", [0, 2, 4]),
        ("friday-monday", [0, 4, 5, 6]),  # a range runs forward through the weekend
        ("mon-wed,tue", [0, 1, 2]),  # overlapping days are counted once
        ("weekdays", [0, 1, 2, 3, 4]),
        ("Weekends", [5, 6]),
        ("every day", [0, 1, 2, 3, 4, 5, 6]),
        ("monday to friday", [0, 1, 2, 3, 4]),
        ("Monday through Wednesday", [0, 1, 2]),
        ("mon,tue,thu", [0, 1, 3]),
        ("Mon Wed and Fri", [0, 2, 4]),
        ("tues-thurs", [1, 2, 3]),
        ("mondays", [0]),
        ("funday", None),
        ("mon to", None),
        ("monday friday tuesday x", None),
        ("weekdays-fri", None),
        ("monxyz", None),
        ("mon-", None),
    ],
)
def test_working_days_are_read_as_their_pattern_says(typed: str, days: list[int] | None) -> None:
    assert weekdays_from_text(typed) == days
    assert (re.fullmatch(WORK_DAYS_PATTERN, typed) is not None) == (days is not None)
