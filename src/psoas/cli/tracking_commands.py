"""``psoas measure``, ``psoas log`` and ``psoas progress``: record how it goes, see the change.

Flags make each command scriptable; with no flags on a terminal they ask
their questions instead. Whatever the route, the document is checked by the
same models the web app uses, and nothing is stored unless all of it is valid.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from rich.console import Console
from rich.prompt import Confirm

from psoas.cli import tracking_render
from psoas.cli.commands import print_json
from psoas.content.words import say
from psoas.core.measures import parse_check_in, parse_measurement
from psoas.errors import FieldProblem, InputError, InvalidDocument, UnconfirmedDay
from psoas.services import gates, tracking
from psoas.services.storage import store
from psoas.settings import load_settings

Record = TypeVar("Record", bound=BaseModel)


def measure(
    fields: dict[str, Any],
    *,
    file: Path | None,
    person: str,
    today: date,
    json_output: bool,
    backfill: bool = False,
) -> None:
    """``psoas measure``: from flags, a file (one or a list), or questions on a terminal.

    A day long ago or before the first intake is asked about on a terminal, and otherwise
    needs ``--backfill``.
    """
    if file is not None:
        _refuse_mixing(fields, "--file")
        found = tracking.read_measurements(file)
        source = str(file)
    elif _given(fields, ignore="taken_on"):
        document = measurement_document({"taken_on": today, **_without_none(fields)})
        found = [parse_measurement(document, source="command line")]
        source = "command line"
    elif on_a_terminal():
        from psoas.cli.tracking_prompts import TrackingPrompts

        taken_on = fields.get("taken_on") or today
        backfill = backfill or _day_confirmed(person, taken_on, "taken_on", today)
        prompts = TrackingPrompts(Console(), today=today)
        found = [prompts.measurement(taken_on)]
        source = "answers"
    else:
        raise _nothing_given("a measure, e.g. --low-back-pain 4, or --file FILE")
    with store(load_settings()) as database:
        outcome = _stored_once_confirmed(
            lambda items: tracking.record_measurements(
                database, person=person, measurements=items, today=today, source=source
            ),
            _confirmed(found) if backfill else found,
        )
        rules = tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, rules, what="measurement", json_output=json_output)


def log(
    fields: dict[str, Any],
    *,
    file: Path | None,
    person: str,
    today: date,
    json_output: bool,
    backfill: bool = False,
) -> None:
    """``psoas log``: the daily check-in, from flags, a file, or a half-minute of questions.

    A day long ago or before the first intake is asked about on a terminal, and otherwise
    needs ``--backfill``.
    """
    something_else_new = False
    if file is not None:
        _refuse_mixing(fields, "--file")
        found = tracking.read_check_ins(file)
        source = str(file)
    elif _given(fields, ignore="day"):
        document = _without_none(fields)
        document.setdefault("day", today)
        found = [parse_check_in(document, source="command line")]
        source = "command line"
    elif on_a_terminal():
        from psoas.cli.tracking_prompts import TrackingPrompts

        day = fields.get("day") or today
        backfill = backfill or _day_confirmed(person, day, "day", today)
        with store(load_settings()) as database:
            plan = tracking.current_plan(database, person=person)
        prompts = TrackingPrompts(Console(), today=today)
        found = [prompts.check_in(day, plan)]
        source = "answers"
        something_else_new = prompts.something_else_new
    else:
        raise _nothing_given("a rating or a done item, e.g. --pain 3 --done walking, or --file")
    with store(load_settings()) as database:
        outcome = _stored_once_confirmed(
            lambda items: tracking.record_check_ins(
                database, person=person, check_ins=items, today=today, source=source
            ),
            _confirmed(found) if backfill else found,
        )
        if source == "answers" and something_else_new:
            gates.report_change(database, person=person, day=today)
        rules = tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, rules, what="check-in", json_output=json_output)
    if source == "answers" and something_else_new:
        Console(stderr=True).print(say("checkin.something_else_paused"), style="bold")


def progress(
    *, person: str, since: date | None, today: date, json_output: bool, charts: Path | None
) -> None:
    """``psoas progress``."""
    with store(load_settings()) as database:
        found = tracking.progress(database, person=person, today=today, since=since)
    written = []
    if charts is not None:
        from psoas.services.reporting import write_charts

        written = write_charts(found, charts)
    if json_output:
        print_json(found.to_document())
    else:
        tracking_render.progress(found)
        for path in written:
            print(f"Chart written: {path}")


def _stored_once_confirmed(
    record: Callable[[list[Record]], tracking.TrackingOutcome], found: list[Record]
) -> tracking.TrackingOutcome:
    """Store; a day that needs confirming is asked about on a terminal, else refused (exit 2)."""
    try:
        return record(found)
    except UnconfirmedDay as refused:
        _ask_to_confirm(refused)
        return record(_confirmed(found))


def _day_confirmed(person: str, day: date, field: str, today: date) -> bool:
    """Before the questions: whether the day needed confirming (and was confirmed)."""
    with store(load_settings()) as database:
        try:
            tracking.check_days_confirmed(
                database, person=person, days=[day], field=field, today=today, source="answers"
            )
        except UnconfirmedDay as refused:
            _ask_to_confirm(refused)
            return True
    return False


def _ask_to_confirm(refused: UnconfirmedDay) -> None:
    """Ask on a terminal whether the day is right; refuse in the CLI's words otherwise."""
    reason = refused.problems[0].problem
    if len(refused.days) > 1:
        reason = say("checkin.and_more", reason=reason, count=len(refused.days) - 1)
    if not on_a_terminal():
        raise InputError(say("checkin.cli_refused", reason=reason))
    if not Confirm.ask(say("checkin.cli_confirm", reason=reason), default=False):
        raise InputError(say("checkin.cli_not_confirmed"))


def on_a_terminal() -> bool:
    """Whether a person is there to answer a question (tests stand in for one)."""
    return sys.stdin.isatty()


def _confirmed(found: Sequence[Record]) -> list[Record]:
    return [item.model_copy(update={"backfill": True}) for item in found]


THOMAS_FLAGS = {
    "thomas_left_hip": ("left", "hip_angle_deg"),
    "thomas_left_knee": ("left", "knee_angle_deg"),
    "thomas_left_abduction": ("left", "abduction"),
    "thomas_right_hip": ("right", "hip_angle_deg"),
    "thomas_right_knee": ("right", "knee_angle_deg"),
    "thomas_right_abduction": ("right", "abduction"),
}
POSTURE_FLAGS = {
    "anterior_pelvic_tilt": "anterior_pelvic_tilt",
    "lumbar_curve": "exaggerated_lumbar_curve",
}


def measurement_document(flags: dict[str, Any]) -> dict[str, Any]:
    """Flat option values arranged as a ``psoas.measures/1`` document."""
    document: dict[str, Any] = {}
    thomas: dict[str, dict[str, Any]] = {}
    posture: dict[str, Any] = {}
    for name, value in flags.items():
        if name in THOMAS_FLAGS:
            side, field = THOMAS_FLAGS[name]
            thomas.setdefault(side, {})[field] = value
        elif name in POSTURE_FLAGS:
            posture[POSTURE_FLAGS[name]] = value
        elif name == "psfs":
            document["psfs"] = [_psfs_item(text) for text in value]
        elif name == "global_change":
            document["global_rating_of_change"] = value
        else:
            document[name] = value
    if thomas:
        document["thomas"] = thomas
    if posture:
        document["posture"] = posture
    return document


def _psfs_item(text: str) -> dict[str, Any]:
    """``"climbing stairs=6"`` as a PSFS item; a bad score is left for the model to name."""
    if "=" not in text:
        return {"activity": text}  # the model names the missing score
    activity, _, score = text.rpartition("=")
    return {"activity": activity, "score": int(score) if score.strip().isdigit() else score}


def _show(
    outcome: tracking.TrackingOutcome,
    rules: tracking.RulesOutcome,
    *,
    what: str,
    json_output: bool,
) -> None:
    if json_output:
        print_json(rules.progress.to_document())
    else:
        tracking_render.recorded(what=what, outcome=outcome, rules=rules)


def _given(fields: dict[str, Any], *, ignore: str) -> bool:
    return any(value not in (None, [], ()) for name, value in fields.items() if name != ignore)


def _without_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value not in (None, [])}


def _refuse_mixing(fields: dict[str, Any], option: str) -> None:
    if _given(fields, ignore=""):
        problem = FieldProblem(option, "give either a file or measures as options, not both")
        raise InvalidDocument("command line", [problem])


def _nothing_given(what: str) -> InvalidDocument:
    problem = FieldProblem("(options)", f"nothing to record: give {what}")
    return InvalidDocument("command line", [problem])
