"""``psoas correct``, ``psoas delete``, ``psoas undo`` and ``psoas history --trail``.

The bodies of the commands that change a check-in, measurement or session already
stored; the words are in ``content/words/history.yaml``. After each change the
progress rules run at once, as after ``psoas log``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from psoas.cli.commands import print_json
from psoas.cli.render import console
from psoas.content.words import say
from psoas.core.records import RecordKind
from psoas.errors import FieldProblem, InputError, InvalidDocument
from psoas.services import corrections, tracking
from psoas.services.storage import store
from psoas.settings import load_settings

KINDS = {"check-in": RecordKind.CHECK_IN, "measurement": RecordKind.MEASUREMENT}
KINDS["session"] = RecordKind.SESSION


def correct(
    kind: str,
    record_id: int,
    *,
    fields: dict[str, Any],
    settings: list[str],
    reason: str | None,
    person: str,
    today: date,
    json_output: bool,
) -> None:
    """``psoas correct KIND ID``: the options given replace those fields of the record."""
    changes = {name: value for name, value in fields.items() if value is not None}
    for setting in settings:
        _apply(changes, setting)
    if not changes:
        problem = FieldProblem("(options)", say("history.nothing_given"))
        raise InvalidDocument("command line", [problem])
    with store(load_settings()) as database:
        outcome = corrections.correct(
            database,
            person=person,
            kind=KINDS[kind],
            record_id=record_id,
            changes=changes,
            reason=reason,
            today=today,
        )
        tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, json_output=json_output)


def delete(
    kind: str,
    record_id: int,
    *,
    reason: str | None,
    yes: bool,
    person: str,
    today: date,
    json_output: bool,
) -> None:
    """``psoas delete KIND ID``: asks first on a terminal; ``--yes`` otherwise."""
    record_kind = KINDS[kind]
    if not yes:
        if not on_a_terminal():
            raise InputError(say("history.delete_needs_yes"))
        name = corrections.kind_name(record_kind)
        if not typer.confirm(say("history.confirm_delete", kind=name, id=record_id)):
            console.print(say("history.not_deleted"))
            return
    with store(load_settings()) as database:
        outcome = corrections.delete(
            database,
            person=person,
            kind=record_kind,
            record_id=record_id,
            reason=reason,
            today=today,
        )
        tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, json_output=json_output)


def on_a_terminal() -> bool:
    """Whether a person can answer a question here (standard input is a terminal)."""
    return sys.stdin.isatty()


def undo(*, person: str, today: date, json_output: bool) -> None:
    """``psoas undo``: the newest correction or deletion not undone yet."""
    with store(load_settings()) as database:
        outcome = corrections.undo(database, person=person, today=today)
        tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, json_output=json_output)


def trail(*, person: str, json_output: bool) -> None:
    """``psoas history --trail``: every change to the person's records."""
    with store(load_settings()) as database:
        changes = corrections.trail(database, person=person)
    if json_output:
        print_json([change.model_dump(mode="json") for change in changes])
        return
    if not changes:
        console.print(say("history.trail_empty"))
        return
    table = Table(title=escape(say("history.trail_title", person=person)), expand=True)
    for heading in ("trail_when", "trail_record", "trail_change", "trail_what", "trail_reason"):
        table.add_column(say(f"history.{heading}"))
    for change in changes:
        table.add_row(
            change.changed_at.strftime("%Y-%m-%d %H:%M"),
            f"{corrections.kind_name(change.kind)} {change.record_id}",
            say(f"history.action_{change.action.value}"),
            escape(corrections.describe(change)),
            escape(change.reason or say("history.no_reason")),
        )
    console.print(table)


def _apply(changes: dict[str, Any], setting: str) -> None:
    """``FIELD=VALUE`` (dotted for a session's ratings: ``after.hip_pain=2``) into ``changes``."""
    name, sep, text = setting.partition("=")
    if not sep or not name.strip():
        problem = "give FIELD=VALUE, e.g. stress=4 or after.hip_pain=2 (null clears it)"
        raise InvalidDocument("--set", [FieldProblem(setting, problem)])
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    *path, last = name.strip().split(".")
    target = changes
    for part in path:
        target = target.setdefault(part, {})
    target[last] = value


def _show(outcome: corrections.ChangeOutcome, *, json_output: bool) -> None:
    if json_output:
        print_json(
            {
                "change": outcome.change_id,
                "kind": outcome.kind.value,
                "id": outcome.record_id,
                "action": outcome.action.value,
                "record": outcome.record,
                "release_allowed": outcome.release_allowed,
                "holds": outcome.holds,
                "paused": outcome.paused,
            }
        )
        return
    kind = corrections.kind_name(outcome.kind)
    if outcome.undid is not None:
        action = say(f"history.action_{outcome.undid.value}")
        console.print(say("history.restored", kind=kind, id=outcome.record_id, action=action))
    else:
        console.print(say(f"history.{outcome.action.value}", kind=kind, id=outcome.record_id))
    if outcome.withdrawn and outcome.release_allowed:
        console.print(say("history.withdrawn"))
    elif outcome.withdrawn and outcome.release_allowed is False:
        reasons = " ".join(outcome.holds)
        console.print(escape(say("history.withdrawn_still_held", reasons=reasons)))
    for line in outcome.paused:
        console.print(escape(line))
