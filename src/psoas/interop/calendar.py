"""Reminders as an iCalendar (.ics) file any calendar program can import.

One weekly recurring event per reminder, in the person's own time zone (with
its VTIMEZONE, so a 10:00 break stays at 10:00 across daylight-saving
changes), each with an alarm. UIDs come from the reminders' stable ids, so
importing a newer export updates the events instead of doubling them; the
DTSTAMP is passed in, so the same plan exports the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vRecur

from psoas.core.reminders import Reminder, WorkHours

PRODID = "-//psoas//psoas reminders//EN"
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PROGRAM_ALARM_BEFORE = timedelta(minutes=10)
"""Time to change and roll out a mat; a movement break is announced when it is due."""
TIMEZONE_YEARS = 20
"""How far ahead the VTIMEZONE spells out daylight-saving changes."""


def calendar_for(
    reminders: Sequence[Reminder],
    hours: WorkHours,
    *,
    start: date,
    name: str,
    stamp: datetime,
) -> bytes:
    """The reminders as an .ics calendar, each recurring weekly from ``start`` on.

    ``stamp`` is the export time (DTSTAMP); it must be aware.
    """
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp must be an aware datetime")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for reminder in reminders:
        calendar.add_component(_event(reminder, hours, start, stamp.astimezone(UTC)))
    calendar.add_missing_timezones(
        first_date=start - timedelta(days=7),
        last_date=date(start.year + TIMEZONE_YEARS, 1, 1),
    )
    ics: bytes = calendar.to_ical()
    return ics


def _event(reminder: Reminder, hours: WorkHours, start: date, stamp: datetime) -> Event:
    first_day = _first_on_or_after(start, reminder.weekdays)
    begins = datetime.combine(first_day, reminder.at, tzinfo=hours.zone)
    event = Event()
    event.add("uid", f"{reminder.id}@psoas")
    event.add("dtstamp", stamp)
    event.add("dtstart", begins)
    event.add("dtend", begins + timedelta(minutes=reminder.minutes))
    event.add("rrule", vRecur(freq="WEEKLY", byday=[RRULE_DAYS[day] for day in reminder.weekdays]))
    event.add("summary", reminder.title)
    event.add("description", reminder.description)
    event.add("categories", ["psoas", reminder.kind.replace("_", " ")])
    if reminder.kind == "movement_break":
        event.add("transp", "TRANSPARENT")  # a break does not make a person busy for meetings
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder.title)
    before = PROGRAM_ALARM_BEFORE if reminder.kind == "program" else timedelta(0)
    alarm.add("trigger", -before)
    event.add_component(alarm)
    return event


def _first_on_or_after(start: date, weekdays: Sequence[int]) -> date:
    return min(start + timedelta(days=(day - start.weekday()) % 7) for day in weekdays)
