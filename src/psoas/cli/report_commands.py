"""``psoas report`` and ``psoas remind``: a report to hand over, reminders to live by."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.panel import Panel

from psoas.cli.render import console
from psoas.content.words import say
from psoas.core.reminders import Reminder, reminders_for
from psoas.services.files import write_file
from psoas.services.storage import store
from psoas.settings import load_settings


def report(
    *, person: str, since: date | None, fmt: str, out: Path, today: date, name: str | None = None
) -> None:
    """``psoas report``."""
    from psoas.errors import FieldProblem, InvalidDocument
    from psoas.services.reporting import ReportFormat, report_data, report_name, write_report

    try:
        report_name(name, person=person)
    except InvalidDocument as error:  # worded for the option the person typed
        problems = [FieldProblem("--name", p.problem) for p in error.problems]
        raise InvalidDocument("--name", problems) from None
    with store(load_settings()) as database:
        data = report_data(database, person=person, today=today, since=since, name=name)
    with console.status(f"Drawing the {fmt.upper()} report…"):
        written = write_report(data, fmt=ReportFormat(fmt), out=out)
    console.print(f"Report written: {written}")


def remind_export(*, person: str, out: Path, hours: dict[str, Any], today: date) -> None:
    """``psoas remind export``."""
    from psoas.services import reminders

    work_hours = reminders.work_hours_given(**hours)
    with store(load_settings()) as database:
        plan = reminders.plan_to_remind(database, person=person)
    content = reminders.export_calendar(plan, work_hours, today=today, now=datetime.now(UTC))
    write_file(out, content, field="out")
    found = reminders_for(plan, work_hours)
    console.print(
        f"Calendar written: {out} ({say('common.weekly_reminders', count=len(found))}, times in "
        f"{work_hours.timezone}). Import it into any calendar app."
    )


def remind_loop(*, person: str, hours: dict[str, Any]) -> None:
    """``psoas remind``: show each reminder when due, until Ctrl-C."""
    from psoas.services import reminders

    work_hours = reminders.work_hours_given(**hours)
    with store(load_settings()) as database:
        plan = reminders.plan_to_remind(database, person=person)
    found = reminders_for(plan, work_hours)
    if not found:
        console.print("Your plan has nothing to remind you of.")
        return

    def show(when: datetime, reminder: Reminder) -> None:
        console.bell()
        console.print(
            Panel(
                f"{escape(reminder.description)}",
                title=f"{when:%H:%M}  {escape(reminder.title)} ({reminder.minutes} min)",
                title_align="left",
                border_style="cyan",
            )
        )

    desktop = reminders.desktop_notifier(fallback=None)

    def notify(when: datetime, reminder: Reminder) -> None:
        show(when, reminder)
        if desktop is not None:
            desktop(when, reminder)

    console.print(
        f"Reminding you of {say('common.weekly_reminders', count=len(found))} "
        f"({work_hours.timezone}); "
        "leave this running, Ctrl-C to stop."
    )
    try:
        reminders.run_reminders(
            found,
            work_hours,
            now=lambda: datetime.now(UTC),
            sleep=time.sleep,
            notify=notify,
        )
    except KeyboardInterrupt:
        console.print("Stopped.")
