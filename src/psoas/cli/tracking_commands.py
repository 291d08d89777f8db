"""``psoas measure``, ``psoas log`` and ``psoas progress``: record how it goes, see the change.

Flags make each command scriptable; with no flags on a terminal they ask
their questions instead. Whatever the route, the document is checked by the
same models the web app uses, and nothing is stored unless all of it is valid.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from psoas.cli import tracking_render
from psoas.cli.commands import print_json
from psoas.core.measures import parse_check_in, parse_measurement
from psoas.errors import FieldProblem, InvalidDocument
from psoas.services import tracking
from psoas.services.storage import store
from psoas.settings import load_settings


def measure(
    fields: dict[str, Any], *, file: Path | None, person: str, today: date, json_output: bool
) -> None:
    """``psoas measure``: from flags, a file (one or a list), or questions on a terminal."""
    if file is not None:
        _refuse_mixing(fields, "--file")
        found = tracking.read_measurements(file)
        source = str(file)
    elif _given(fields, ignore="taken_on"):
        document = measurement_document({"taken_on": today, **_without_none(fields)})
        found = [parse_measurement(document, source="command line")]
        source = "command line"
    elif sys.stdin.isatty():
        from psoas.cli.tracking_prompts import TrackingPrompts

        prompts = TrackingPrompts(Console(), today=today)
        found = [prompts.measurement(fields.get("taken_on") or today)]
        source = "answers"
    else:
        raise _nothing_given("a measure, e.g. --low-back-pain 4, or --file FILE")
    with store(load_settings()) as database:
        outcome = tracking.record_measurements(
            database, person=person, measurements=found, today=today, source=source
        )
        rules = tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, rules, what="measurement", json_output=json_output)


def log(
    fields: dict[str, Any], *, file: Path | None, person: str, today: date, json_output: bool
) -> None:
    """``psoas log``: the daily check-in, from flags, a file, or a half-minute of questions."""
    if file is not None:
        _refuse_mixing(fields, "--file")
        found = tracking.read_check_ins(file)
        source = str(file)
    elif _given(fields, ignore="day"):
        document = _without_none(fields)
        document.setdefault("day", today)
        found = [parse_check_in(document, source="command line")]
        source = "command line"
    elif sys.stdin.isatty():
        from psoas.cli.tracking_prompts import TrackingPrompts

        with store(load_settings()) as database:
            plan = tracking.current_plan(database, person=person)
        prompts = TrackingPrompts(Console(), today=today)
        found = [prompts.check_in(fields.get("day") or today, plan)]
        source = "answers"
    else:
        raise _nothing_given("a rating or a done item, e.g. --pain 3 --done walking, or --file")
    with store(load_settings()) as database:
        outcome = tracking.record_check_ins(
            database, person=person, check_ins=found, today=today, source=source
        )
        rules = tracking.apply_progress_rules(database, person=person, today=today)
    _show(outcome, rules, what="check-in", json_output=json_output)


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
