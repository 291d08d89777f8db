"""Assess an intake, build its plan, and keep both in the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from psoas.content import load_knowledge_base
from psoas.core.assessment import Assessment, assess
from psoas.core.intake import Intake, parse_intake
from psoas.core.planning import Plan, build_plan
from psoas.core.records import SavedOutcome, checked_person_label
from psoas.documents import read_document
from psoas.errors import InvalidDocument, InvalidValues
from psoas.services import gates
from psoas.store import Database
from psoas.store import repository as repo
from psoas.store.tables import AssessmentRow


def read_intake(path: Path) -> Intake:
    """Read and validate an intake file (JSON or YAML)."""
    return parse_intake(read_document(path), source=str(path))


def check_person_label(label: str) -> str:
    """A person's name as given on the command line or in a form, trimmed and checked."""
    try:
        return checked_person_label(label.strip(), source="person")
    except InvalidDocument as error:
        raise InvalidValues("the person's name", error.problems) from None


def assessment_of(intake: Intake) -> Assessment:
    """Assess an intake against the shipped knowledge base."""
    return assess(intake, load_knowledge_base())


def plan_of(intake: Intake) -> tuple[Assessment, Plan]:
    """Assess an intake and build its plan."""
    knowledge = load_knowledge_base()
    assessment = assess(intake, knowledge)
    return assessment, build_plan(intake, assessment, knowledge)


def save_assessment(
    database: Database,
    *,
    person: str,
    intake: Intake,
    source: str,
    assessment: Assessment,
    answered_now: bool = False,
) -> SavedOutcome:
    """Keep the intake (once per distinct content) and its assessment, in one transaction.

    ``answered_now``: the person gave these answers just now (the questionnaire, the web
    form). Otherwise answers identical to a set stored before are a *resubmission*: kept
    in the history, but they neither lift a pause nor confirm an old screen.
    """
    with database.transaction() as session:
        saved, _ = _save(
            session,
            person=person,
            intake=intake,
            source=source,
            assessment=assessment,
            answered_now=answered_now,
        )
    return saved


def save_plan(
    database: Database,
    *,
    person: str,
    intake: Intake,
    source: str,
    assessment: Assessment,
    plan: Plan,
    answered_now: bool = False,
) -> SavedOutcome:
    """Keep intake, assessment and a new plan version (when the plan changed), together.

    ``answered_now`` as for :func:`save_assessment`.
    """
    with database.transaction() as session:
        saved, assessment_row = _save(
            session,
            person=person,
            intake=intake,
            source=source,
            assessment=assessment,
            answered_now=answered_now,
        )
        plan_row, plan_is_new = repo.save_plan(
            session,
            assessment=assessment_row,
            document=plan.to_document(),
            safety_level=plan.safety.level.value,
        )
    return saved.model_copy(update={"plan_version": plan_row.version, "plan_is_new": plan_is_new})


def _save(
    session: Session,
    *,
    person: str,
    intake: Intake,
    source: str,
    assessment: Assessment,
    answered_now: bool,
) -> tuple[SavedOutcome, AssessmentRow]:
    person_row = repo.get_or_create_person(session, label=checked_person_label(person))
    intake_row, intake_is_new = repo.save_intake(
        session, person=person_row, document=intake.to_document(), source=source
    )
    counts = answered_now or intake_is_new
    assessment_row = repo.save_assessment(
        session,
        intake=intake_row,
        document=assessment.to_document(),
        safety_level=assessment.safety.level.value,
        origin="answers" if counts else "resubmitted",
    )
    saved = SavedOutcome(
        person=person_row.label,
        intake_id=intake_row.id,
        intake_is_new=intake_is_new,
        assessment_id=assessment_row.id,
        resubmitted=not counts,
        first_given=intake_row.created_at,
    )
    return saved, assessment_row


def latest_assessment(database: Database, *, person: str) -> Assessment | None:
    """The safety screen that counts now: the person's newest answers, by today's rules."""
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        current = gates.current_screen(session, person_row) if person_row else None
        return current[1] if current else None


@dataclass(frozen=True)
class StoredAnswers:
    """A person's newest answers (the intake behind the screen that counts now)."""

    intake: Intake
    screened_at: datetime
    """When these answers were screened: the day a face names when it offers them again."""


def stored_answers(database: Database, *, person: str) -> StoredAnswers | None:
    """The answers behind the person's newest screen, or None when nothing is stored.

    Warning signs reported since the person last answered are in them (answered yes),
    as the screen that counts now has them: offering the answers again never drops one.
    """
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        current = gates.current_screen(session, person_row) if person_row else None
        if current is None:
            return None
        row, _, intake = current
        return StoredAnswers(intake=intake, screened_at=row.created_at)


def parse_intake_document(data: object, *, source: str) -> Intake:
    """Validate an intake given as data (a web form, an API body), naming every bad field."""
    return parse_intake(data, source=source)
