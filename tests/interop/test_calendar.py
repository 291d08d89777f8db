"""The .ics export, read back with icalendar and its recurrences expanded with dateutil."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # no stubs installed
from icalendar import Calendar, Event

from psoas.core.planning import Plan
from psoas.core.reminders import Reminder, WorkHours, reminders_for
from psoas.interop.calendar import calendar_for
from psoas.services import care
from tests.conftest import EXAMPLES

DESK: Plan = care.plan_of(care.read_intake(EXAMPLES / "desk-worker.yaml"))[1]
STAMP = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
START = date(2025, 3, 26)  # a Wednesday


def _export(zone: str, start: date = START) -> tuple[list[Reminder], Calendar]:
    hours = WorkHours(timezone=zone)
    reminders = reminders_for(DESK, hours)
    ics = calendar_for(reminders, hours, start=start, name="My psoas", stamp=STAMP)
    return reminders, Calendar.from_ical(ics)


def _events(calendar: Calendar) -> dict[str, Event]:
    return {event.uid: event for event in calendar.events}


def _prop(component: Any, name: str) -> Any:
    """A property as parsed (icalendar types ``component[name]`` as a union of every kind)."""
    return component[name]


def test_the_calendar_has_its_header_and_one_event_per_reminder() -> None:
    reminders, calendar = _export("Europe/Paris")
    assert str(_prop(calendar, "PRODID")) == "-//psoas//psoas reminders//EN"
    assert str(_prop(calendar, "VERSION")) == "2.0"
    assert str(_prop(calendar, "X-WR-CALNAME")) == "My psoas"
    events = _events(calendar)
    assert len(events) == len(reminders) == 11
    assert list(events) == [f"{reminder.id}@psoas" for reminder in reminders]
    for reminder in reminders:
        event = events[f"{reminder.id}@psoas"]
        assert event.summary == reminder.title
        assert event.description == reminder.description
        assert _prop(event, "DTSTAMP").dt == STAMP
        assert event.end - event.start == timedelta(minutes=reminder.minutes)


def test_each_event_recurs_weekly_on_its_days() -> None:
    _, calendar = _export("Europe/Paris")
    rules = {uid: dict(_prop(event, "RRULE")) for uid, event in _events(calendar).items()}
    assert rules["movement-break-1000@psoas"] == {
        "FREQ": ["WEEKLY"],
        "BYDAY": ["MO", "TU", "WE", "TH", "FR"],
    }
    assert rules["program-daily@psoas"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    assert rules["program-mon-wed-fri@psoas"]["BYDAY"] == ["MO", "WE", "FR"]
    assert rules["program-tue-fri@psoas"]["BYDAY"] == ["TU", "FR"]
    assert all(rule["FREQ"] == ["WEEKLY"] for rule in rules.values())


def test_each_event_has_an_alarm_early_for_the_program_on_time_for_a_break() -> None:
    reminders, calendar = _export("Europe/Paris")
    kinds = {f"{reminder.id}@psoas": reminder.kind for reminder in reminders}
    for uid, event in _events(calendar).items():
        (alarm,) = event.walk("VALARM")
        assert str(_prop(alarm, "ACTION")) == "DISPLAY"
        assert str(_prop(alarm, "DESCRIPTION")) == event.summary
        expected = timedelta(0) if kinds[uid] == "movement_break" else timedelta(minutes=-10)
        assert _prop(alarm, "TRIGGER").dt == expected
    assert str(_prop(_events(calendar)["movement-break-1000@psoas"], "TRANSP")) == "TRANSPARENT"


def test_each_event_starts_on_its_first_day_from_the_start_in_the_persons_zone() -> None:
    _, calendar = _export("Europe/Paris")
    events = _events(calendar)
    starts = {uid: _prop(event, "DTSTART") for uid, event in events.items()}
    for start in starts.values():
        assert start.params["TZID"] == "Europe/Paris"
        assert start.dt.tzinfo == ZoneInfo("Europe/Paris")
    assert starts["movement-break-1000@psoas"].dt == datetime(
        2025, 3, 26, 10, tzinfo=ZoneInfo("Europe/Paris")
    )
    assert starts["program-tue-fri@psoas"].dt.date() == date(2025, 3, 28)  # Friday
    assert starts["program-mon-wed-fri@psoas"].dt.date() == date(2025, 3, 26)  # that Wednesday
    assert starts["program-daily@psoas"].dt.time() == time(18)


def test_the_zone_is_described_in_a_vtimezone() -> None:
    _, calendar = _export("America/New_York")
    assert [zone.tz_name for zone in calendar.timezones] == ["America/New_York"]
    assert calendar.get_missing_tzids() == set()
    ics = calendar.to_ical()
    assert ics.index(b"BEGIN:VTIMEZONE") < ics.index(b"BEGIN:VEVENT")


def _expanded(event: Event, count: int) -> list[datetime]:
    rule = rrulestr(_prop(event, "RRULE").to_ical().decode(), dtstart=event.start)
    return [when for _, when in zip(range(count), rule, strict=False)]


@pytest.mark.parametrize(
    ("zone", "start", "utc_hours"),
    [
        # Paris: summer time from Sunday 30 March 2025 (UTC+1 → UTC+2)
        ("Europe/Paris", date(2025, 3, 26), [9, 9, 9, 8, 8]),
        # Paris: back to winter time on Sunday 26 October 2025
        ("Europe/Paris", date(2025, 10, 22), [8, 8, 8, 9, 9]),
        # New York: daylight time from Sunday 9 March 2025 (UTC-5 → UTC-4)
        ("America/New_York", date(2025, 3, 5), [15, 15, 15, 14, 14]),
        # New York: standard time again from Sunday 2 November 2025
        ("America/New_York", date(2025, 10, 29), [14, 14, 14, 15, 15]),
    ],
)
def test_a_10_oclock_break_stays_at_10_local_across_a_clock_change(
    zone: str, start: date, utc_hours: list[int]
) -> None:
    _, calendar = _export(zone, start)
    event = _events(calendar)["movement-break-1000@psoas"]
    expanded = _expanded(event, 5)  # Wed, Thu, Fri, then Mon, Tue past the change
    assert [when.weekday() for when in expanded] == [2, 3, 4, 0, 1]
    assert all(when.hour == 10 and when.tzinfo == ZoneInfo(zone) for when in expanded)
    assert [when.astimezone(UTC).hour for when in expanded] == utc_hours


def test_the_daily_program_expands_to_every_evening() -> None:
    _, calendar = _export("Europe/Paris")
    expanded = _expanded(_events(calendar)["program-daily@psoas"], 8)
    assert [when.date() for when in expanded] == [START + timedelta(days=n) for n in range(8)]
    assert {when.hour for when in expanded} == {18}


def test_the_same_reminders_export_the_same_bytes() -> None:
    hours = WorkHours(timezone="Europe/Paris")
    reminders = reminders_for(DESK, hours)
    first = calendar_for(reminders, hours, start=START, name="psoas", stamp=STAMP)
    again = calendar_for(reminders, hours, start=START, name="psoas", stamp=STAMP)
    assert first == again


def test_no_reminders_make_an_empty_calendar() -> None:
    hours = WorkHours(timezone="Europe/Paris")
    calendar = Calendar.from_ical(calendar_for([], hours, start=START, name="x", stamp=STAMP))
    assert calendar.events == [] and calendar.timezones == []


def test_the_stamp_must_be_aware() -> None:
    hours = WorkHours(timezone="UTC")
    naive: Any = datetime(2025, 3, 1)
    with pytest.raises(ValueError, match="aware"):
        calendar_for([], hours, start=START, name="x", stamp=naive)
