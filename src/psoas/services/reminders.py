"""Reminders for a plan: export them to a calendar, or show them from a foreground loop.

The loop never trusts a single long sleep. It sleeps in chunks of at most a
minute and re-reads the clock after each, so a suspended laptop or a changed
clock neither skips a reminder nor shows one twice: a reminder is shown once,
when its time comes, or (if the machine slept through it and woke more than
:data:`MISSED_AFTER` later) not at all, rather than hours late. Putting the
clock back never repeats what was already shown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

import tzlocal

from psoas.content.words import say
from psoas.core.planning import Plan, PlanItemKind
from psoas.core.reminders import (
    Reminder,
    WorkHours,
    known_time_zones,
    occurrences,
    parse_work_hours,
    reminders_for,
    weekdays_from_text,
)
from psoas.errors import ConflictsWithRecord, FieldProblem, InvalidDocument, InvalidValues
from psoas.interop.calendar import calendar_for
from psoas.services import gates
from psoas.services.tracking import current_plan
from psoas.store import Database

Notify = Callable[[datetime, Reminder], None]
"""Shows one reminder; gets its scheduled local time and the reminder."""

CALENDAR_NAME = "psoas reminders"
MISSED_AFTER = timedelta(minutes=5)
"""A reminder found this late (the machine slept through it) is skipped, not shown late."""
MAX_SLEEP_SECONDS = 60.0
"""The longest single sleep: the clock is re-read at least this often."""
LOOK_AHEAD = timedelta(days=8)
"""Every reminder recurs weekly, so the next one is always within a week."""
NOTIFY_SEND = "notify-send"
NOTIFY_TIMEOUT_SECONDS = 5.0
NOTIFY_BODY_LIMIT = 600


def export_calendar(plan: Plan, hours: WorkHours, *, today: date, now: datetime) -> bytes:
    """The plan's reminders as an .ics file, recurring from ``today``, stamped ``now``."""
    reminders = reminders_for(plan, hours)
    return calendar_for(reminders, hours, start=today, name=CALENDAR_NAME, stamp=now)


def run_reminders(
    reminders: Sequence[Reminder],
    hours: WorkHours,
    *,
    now: Callable[[], datetime],
    sleep: Callable[[float], None],
    notify: Notify,
    stop_after: int | None = None,
) -> int:
    """Show each reminder when it is due, from ``now()`` on; return how many were shown.

    Runs until ``stop_after`` reminders were shown (for ever when None, until
    interrupted); returns at once when there is nothing to remind of.
    Reminders due at the same moment are shown one after the other.
    """
    if stop_after is not None and stop_after < 0:
        raise ValueError("stop_after must not be negative")
    shown = 0
    # Reminders before the cursor were shown or skipped; it only ever moves forward.
    cursor = _aware(now())
    while stop_after is None or shown < stop_after:
        due = _next_due(reminders, hours, cursor)
        if not due:
            return shown
        when = due[0][0]
        current = _wait_until(when, now, sleep)
        cursor = when + timedelta(microseconds=1)
        if current - when > MISSED_AFTER:
            continue
        for _, reminder in due:
            if stop_after is not None and shown >= stop_after:
                break
            notify(when, reminder)
            shown += 1
    return shown


def _next_due(
    reminders: Sequence[Reminder], hours: WorkHours, cursor: datetime
) -> list[tuple[datetime, Reminder]]:
    """The reminders of the first moment at or after ``cursor`` that has any."""
    upcoming = occurrences(reminders, hours, cursor, cursor + LOOK_AHEAD)
    if not upcoming:
        return []
    first = upcoming[0][0]
    return [(when, reminder) for when, reminder in upcoming if when == first]


def _wait_until(
    when: datetime, now: Callable[[], datetime], sleep: Callable[[float], None]
) -> datetime:
    """Sleep in short chunks until ``when``; return the clock's reading once it is reached."""
    while True:
        current = _aware(now())
        remaining = (when - current).total_seconds()
        if remaining <= 0:
            return current
        sleep(min(remaining, MAX_SLEEP_SECONDS))


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("the clock must give aware datetimes, e.g. datetime.now(UTC)")
    return instant


def desktop_notifier(
    fallback: Notify | None = None, *, environ: Mapping[str, str] | None = None
) -> Notify | None:
    """A desktop notification through ``notify-send``, or None where it cannot be shown.

    It can be shown when ``notify-send`` is on PATH and there is a graphical or
    D-Bus session. If one ever fails (no notification daemon, a hang), the
    error is swallowed and the reminder goes to ``fallback`` instead.
    """
    environment = os.environ if environ is None else environ
    executable = shutil.which(NOTIFY_SEND)
    session = any(
        environment.get(name) for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY")
    )
    if executable is None or not session:
        return None
    found = executable

    def notify(when: datetime, reminder: Reminder) -> None:
        summary = f"{reminder.title} ({reminder.minutes} min)"
        body = f"{when:%H:%M}\n{reminder.description}"
        if len(body) > NOTIFY_BODY_LIMIT:
            body = body[: NOTIFY_BODY_LIMIT - 1] + "…"
        command = [found, "--app-name=psoas", "--", summary, body]
        try:
            subprocess.run(
                command,
                check=True,
                timeout=NOTIFY_TIMEOUT_SECONDS,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, subprocess.SubprocessError):
            if fallback is not None:
                fallback(when, reminder)

    return notify


def work_hours_given(
    *, start: str, end: str, days: str, timezone: str | None, practice_at: str
) -> WorkHours:
    """Working hours as a person types them (``09:00``, ``mon-fri``, ``weekdays``).

    A refusal is :class:`InvalidValues` naming the fields of :class:`WorkHours` (``days``,
    ``timezone``, ...); each face words them for its own inputs. The zone defaults to
    the machine's own (tzlocal), so reminders follow its clock changes.
    """
    weekdays = weekdays_from_text(days)
    problems = []
    if weekdays is None:
        problems.append(FieldProblem("days", say("errors.work_days", typed=days)))
    data = {
        "start": start,
        "end": end,
        "days": weekdays or [0],  # a refusal is already noted; the other fields still checked
        "timezone": local_zone_name() if timezone is None else timezone,
        "practice_at": practice_at,
    }
    try:
        hours = parse_work_hours(data, source="working hours")
    except InvalidDocument as error:
        problems += [FieldProblem(p.field.split(".")[0], p.problem) for p in error.problems]
    if problems:
        raise InvalidValues("working hours", problems)
    return hours


def local_zone_name() -> str:
    """The machine's IANA time zone, or UTC where it cannot be told."""
    try:
        name = str(tzlocal.get_localzone_name() or "UTC")
    except Exception:  # tzlocal raises its own errors for odd /etc/localtime set-ups
        return "UTC"
    return name if name in known_time_zones() else "UTC"


def plan_to_remind(database: Database, *, person: str, today: date | None = None) -> Plan:
    """The person's current plan; reminders need one. While release is paused, no release."""
    plan = current_plan(database, person=person)
    if plan is None:
        problem = FieldProblem("person", f"{person!r} has no plan yet: run 'psoas plan FILE' first")
        raise ConflictsWithRecord("psoas remind", [problem])
    if gates.status(database, person=person, today=today or date.today()).allowed:
        return plan
    kept = [item for item in plan.items if item.kind not in RELEASE_KINDS]
    return plan.model_copy(update={"items": kept})


RELEASE_KINDS = (PlanItemKind.SELF_RELEASE, PlanItemKind.PREPARATION)
"""What a reminder leaves out while self-release is off or paused."""
