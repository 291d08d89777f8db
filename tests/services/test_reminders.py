"""The foreground reminder loop on a fake clock, the desktop notifier, and the calendar export."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from psoas.core.planning import Plan
from psoas.core.reminders import Reminder, WorkHours, reminders_for
from psoas.services import care
from psoas.services.reminders import (
    MAX_SLEEP_SECONDS,
    desktop_notifier,
    export_calendar,
    run_reminders,
)
from tests.conftest import EXAMPLES

PARIS = ZoneInfo("Europe/Paris")
HOURS = WorkHours(timezone="Europe/Paris")
DESK: Plan = care.plan_of(care.read_intake(EXAMPLES / "desk-worker.yaml"))[1]
REMINDERS = reminders_for(DESK, HOURS)
MONDAY = datetime(2025, 3, 24, 9, 30, tzinfo=PARIS)


class FakeClock:
    """Wall time that moves only when slept on; ``jump`` plays a suspend or a clock change.

    ``jump(at, to)``: once a sleep carries the clock to ``at`` or past it, it reads ``to``
    instead (later for a suspended laptop, earlier for a clock put back).
    """

    def __init__(self, start: datetime) -> None:
        self.time = start
        self.sleeps: list[float] = []
        self._jumps: list[tuple[datetime, datetime]] = []

    def jump(self, at: datetime, to: datetime) -> None:
        self._jumps.append((at, to))

    def now(self) -> datetime:
        return self.time

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.sleeps.append(seconds)
        self.time += timedelta(seconds=seconds)
        for at, to in list(self._jumps):
            if self.time >= at:
                self._jumps.remove((at, to))
                self.time = to


class Shown:
    """A notify function that records what it showed, when, and what the clock said."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.seen: list[tuple[datetime, str, datetime]] = []

    def __call__(self, when: datetime, reminder: Reminder) -> None:
        self.seen.append((when, reminder.id, self.clock.now()))

    @property
    def ids(self) -> list[str]:
        return [reminder_id for _, reminder_id, _ in self.seen]


def _run(clock: FakeClock, stop_after: int | None, reminders: list[Reminder] = REMINDERS) -> Shown:
    shown = Shown(clock)
    count = run_reminders(
        reminders, HOURS, now=clock.now, sleep=clock.sleep, notify=shown, stop_after=stop_after
    )
    assert count == len(shown.seen)
    return shown


def test_the_loop_shows_the_next_reminders_in_order_each_on_time() -> None:
    clock = FakeClock(MONDAY)
    shown = _run(clock, stop_after=11)
    assert shown.ids == [f"movement-break-{hour}00" for hour in range(10, 17)] + [
        "program-daily",
        "program-mon-tue-wed-thu-fri",
        "program-mon-wed-fri",
        "movement-break-1000",  # Tuesday
    ]
    for when, _, at in shown.seen:
        assert when == at  # shown when due, not before, not after
        assert when.tzinfo == PARIS
    assert shown.seen[-1][0] == datetime(2025, 3, 25, 10, tzinfo=PARIS)
    assert max(clock.sleeps) <= MAX_SLEEP_SECONDS


def test_stop_after_stops_even_among_reminders_due_together() -> None:
    shown = _run(FakeClock(MONDAY), stop_after=8)
    assert shown.ids[-2:] == ["movement-break-1600", "program-daily"]
    assert len(shown.ids) == 8


def test_stop_after_zero_shows_nothing_and_never_sleeps() -> None:
    clock = FakeClock(MONDAY)
    assert _run(clock, stop_after=0).seen == []
    assert clock.sleeps == []


def test_nothing_to_remind_of_returns_at_once() -> None:
    clock = FakeClock(MONDAY)
    assert _run(clock, stop_after=None, reminders=[]).seen == []
    assert clock.sleeps == []


def test_a_reminder_due_right_now_is_shown_at_once() -> None:
    clock = FakeClock(datetime(2025, 3, 24, 10, tzinfo=PARIS))
    shown = _run(clock, stop_after=1)
    assert shown.ids == ["movement-break-1000"] and clock.sleeps == []


def test_reminders_slept_through_are_skipped_and_one_just_missed_is_shown_late() -> None:
    clock = FakeClock(MONDAY.astimezone(UTC))  # the clock may read in any zone
    # The laptop is closed at 11:30 and opened at 14:03: 12:00 and 13:00 are long gone.
    clock.jump(
        datetime(2025, 3, 24, 11, 30, tzinfo=PARIS), datetime(2025, 3, 24, 14, 3, tzinfo=PARIS)
    )
    shown = _run(clock, stop_after=4)
    assert shown.ids == [
        "movement-break-1000",
        "movement-break-1100",
        "movement-break-1400",  # three minutes late: still worth showing
        "movement-break-1500",
    ]
    late = shown.seen[2]
    assert late[0] == datetime(2025, 3, 24, 14, tzinfo=PARIS)
    assert late[2] == datetime(2025, 3, 24, 14, 3, tzinfo=PARIS)


def test_a_night_asleep_skips_the_evening_and_carries_on_next_morning() -> None:
    clock = FakeClock(datetime(2025, 3, 24, 16, 30, tzinfo=PARIS))
    clock.jump(datetime(2025, 3, 24, 17, tzinfo=PARIS), datetime(2025, 3, 25, 9, tzinfo=PARIS))
    shown = _run(clock, stop_after=2)
    assert [(when.day, when.hour, id) for when, id, _ in shown.seen] == [
        (25, 10, "movement-break-1000"),
        (25, 11, "movement-break-1100"),
    ]


def test_putting_the_clock_back_never_shows_a_reminder_twice() -> None:
    clock = FakeClock(MONDAY)
    clock.jump(
        datetime(2025, 3, 24, 10, 0, 30, tzinfo=PARIS), datetime(2025, 3, 24, 9, tzinfo=PARIS)
    )
    shown = _run(clock, stop_after=2)
    assert shown.ids == ["movement-break-1000", "movement-break-1100"]
    assert all(when == at for when, _, at in shown.seen)


def test_the_clock_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        run_reminders(
            REMINDERS,
            HOURS,
            now=lambda: datetime(2025, 3, 24, 9),
            sleep=lambda _: None,
            notify=lambda *_: None,
        )


# --- desktop notifications ------------------------------------------------------------------


def _with_notify_send(monkeypatch: pytest.MonkeyPatch, found: bool = True) -> None:
    path = "/usr/bin/notify-send" if found else None
    monkeypatch.setattr(shutil, "which", lambda name: path if name == "notify-send" else None)


def test_no_desktop_notifier_without_notify_send_or_a_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_notify_send(monkeypatch, found=False)
    assert desktop_notifier(environ={"DISPLAY": ":0"}) is None
    _with_notify_send(monkeypatch)
    assert desktop_notifier(environ={}) is None
    assert desktop_notifier(environ={"WAYLAND_DISPLAY": "wayland-0"}) is not None


def test_the_desktop_notifier_runs_notify_send_with_a_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_notify_send(monkeypatch)
    calls: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(
        subprocess, "run", lambda command, **options: calls.append((command, options))
    )
    fallback = Shown(FakeClock(MONDAY))
    notify = desktop_notifier(fallback, environ={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"})
    assert notify is not None
    when = datetime(2025, 3, 24, 10, tzinfo=PARIS)
    notify(when, REMINDERS[0])
    ((command, options),) = calls
    assert command[:3] == ["/usr/bin/notify-send", "--app-name=psoas", "--"]
    assert command[3] == "Movement break (5 min)"
    assert command[4].startswith("10:00\nStand up and move")
    assert options["timeout"] > 0 and options["check"] is True
    assert fallback.seen == []


@pytest.mark.parametrize(
    "error",
    [
        subprocess.TimeoutExpired(["notify-send"], 5),
        subprocess.CalledProcessError(1, ["notify-send"]),
        FileNotFoundError("notify-send"),
    ],
)
def test_a_failing_notify_send_falls_back(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    _with_notify_send(monkeypatch)

    def fail(command: list[str], **options: Any) -> None:
        raise error

    monkeypatch.setattr(subprocess, "run", fail)
    fallback = Shown(FakeClock(MONDAY))
    notify = desktop_notifier(fallback, environ={"DISPLAY": ":0"})
    assert notify is not None
    notify(MONDAY, REMINDERS[0])
    assert fallback.ids == ["movement-break-1000"]
    without_fallback = desktop_notifier(environ={"DISPLAY": ":0"})
    assert without_fallback is not None
    without_fallback(MONDAY, REMINDERS[0])  # swallowed


# --- calendar export ------------------------------------------------------------------------


def test_export_calendar_holds_the_plans_reminders() -> None:
    ics = export_calendar(
        DESK, HOURS, today=date(2025, 3, 24), now=datetime(2025, 3, 24, 8, tzinfo=PARIS)
    )
    calendar = Calendar.from_ical(ics)
    events = calendar.events
    assert [event.uid for event in events] == [f"{r.id}@psoas" for r in REMINDERS]
    assert calendar.calendar_name == "psoas reminders"
    assert events[0].DTSTAMP == datetime(2025, 3, 24, 7, tzinfo=UTC)
    assert events[0].start == datetime(2025, 3, 24, 10, tzinfo=PARIS)
    assert events[7].start == datetime(2025, 3, 24, 18, tzinfo=PARIS)


def test_an_empty_time_zone_is_refused_not_read_as_the_servers_own() -> None:
    from psoas.errors import InvalidDocument
    from psoas.services.reminders import work_hours_given

    with pytest.raises(InvalidDocument) as refused:
        work_hours_given(
            start="09:00", end="17:00", days="mon-fri", timezone="", practice_at="18:00"
        )
    assert [problem.field for problem in refused.value.problems] == ["timezone"]
