"""What each command does once parsed: call a service, then render. Imported lazily.

Each command imports the services it calls when it runs, so that ``psoas library
list`` never loads the store (SQLAlchemy) and ``psoas schema`` never loads rich.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from psoas.core.intake import Intake
    from psoas.core.records import SavedOutcome
    from psoas.services.care import StoredAnswers
    from psoas.services.storage import Database


def save_and_tell(
    save: Callable[[Database], SavedOutcome], *, person: str, quiet: bool = False
) -> None:
    """Store with ``save``, then say what was kept and what it means for release now."""
    from psoas.cli import render
    from psoas.services import gates
    from psoas.services.storage import store
    from psoas.settings import load_settings

    with store(load_settings()) as database:
        saved = save(database)
        status = gates.status(database, person=person, today=date.today())
    if not quiet:
        render.saved(saved, database.address)
        render.after_saving(saved, status)


def stored_answers(person: str, *, command: str | None = None) -> StoredAnswers:
    """The person's stored answers; none stored is an input error (exit 2) saying what to do.

    ``command`` (plan, assess) also takes a file, and the message says so.
    """
    import shlex

    from psoas.cli import DEFAULT_PERSON
    from psoas.content.words import say
    from psoas.errors import InputError
    from psoas.services import care
    from psoas.services.storage import store
    from psoas.settings import load_settings

    with store(load_settings()) as database:
        found = care.stored_answers(database, person=person)
    if found is not None:
        return found
    if person == DEFAULT_PERSON:
        message = say("intake.none_stored_you")
    else:
        option = f" --person {shlex.quote(person)}"
        message = say("intake.none_stored", person=repr(person), person_option=option)
    if command is not None:
        message = say("intake.or_name_file", message=message, command=command)
    raise InputError(message)


def _intake_of(file: Path | None, *, command: str, person: str, quiet: bool) -> tuple[Intake, str]:
    """The intake in ``file``, or without one the stored answers; and where it came from."""
    from psoas.services import care

    if file is not None:
        return care.read_intake(file), str(file)
    from psoas.cli import render
    from psoas.content.words import say

    stored = stored_answers(person, command=command)
    if not quiet:
        day = stored.screened_at.astimezone().date().isoformat()
        render.console.print(say("intake.plan_or_assess_stored", day=day), style="dim")
    return stored.intake, "stored answers"


def assess(file: Path | None, *, json_output: bool, person: str, save: bool) -> None:
    """``psoas assess``: of ``file``, or of the stored answers without one."""
    from psoas.cli import render
    from psoas.services import care

    person = care.check_person_label(person)
    intake, source = _intake_of(file, command="assess", person=person, quiet=json_output)
    assessment = care.assessment_of(intake)
    if json_output:
        print_json(assessment.to_document())
    else:
        render.assessment(assessment)
    if save:
        save_and_tell(
            lambda database: care.save_assessment(
                database, person=person, intake=intake, source=source, assessment=assessment
            ),
            person=person,
            quiet=json_output,
        )


def plan(file: Path | None, *, json_output: bool, person: str, save: bool) -> None:
    """``psoas plan``: from ``file``, or from the stored answers without one."""
    from psoas.cli import render
    from psoas.services import care

    person = care.check_person_label(person)
    intake, source = _intake_of(file, command="plan", person=person, quiet=json_output)
    assessment, program = care.plan_of(intake)
    if json_output:
        print_json(program.to_document())
    else:
        render.plan(program)
    if save:
        save_and_tell(
            lambda database: care.save_plan(
                database,
                person=person,
                intake=intake,
                source=source,
                assessment=assessment,
                plan=program,
            ),
            person=person,
            quiet=json_output,
        )


def schema(name: str) -> None:
    """``psoas schema``."""
    from psoas.core.schemas import ContractName, json_schema

    print_json(json_schema(ContractName(name)))


def history(*, person: str | None, json_output: bool) -> None:
    """``psoas history``."""
    from psoas.cli import render
    from psoas.services import history as history_service
    from psoas.services.storage import store
    from psoas.settings import load_settings

    with store(load_settings()) as database:
        entries = history_service.history(database, person=person)
    if json_output:
        print_json([entry.model_dump(mode="json") for entry in entries])
    else:
        render.history(entries, database.address)


def library_list(*, section: str | None, json_output: bool) -> None:
    """``psoas library list``."""
    from psoas.cli import render
    from psoas.services import library

    found = library.listing(section)
    if json_output:
        print_json(
            [{"id": e.id, "section": e.section, "kind": e.kind, "name": e.name} for e in found]
        )
    else:
        render.library_list(found)


def library_show(entry_id: str, *, json_output: bool) -> None:
    """``psoas library show``."""
    from psoas.cli import render
    from psoas.services import library

    found = library.entry(entry_id)
    if json_output:
        print_json({"section": found.section.value, **found.entry.model_dump(mode="json")})
    else:
        render.library_entry(found)


def print_json(document: Any) -> None:
    """A document as indented JSON on standard output (what every ``--json`` prints)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
