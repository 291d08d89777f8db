"""Keyword-only functions that read and write the tables inside a caller's transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psoas.store.tables import AssessmentRow, IntakeRow, PersonRow, PlanRow

__all__ = [
    "assessments_of",
    "content_hash",
    "find_person",
    "get_or_create_person",
    "intakes_of",
    "latest_plan",
    "list_people",
    "plans_of",
    "save_assessment",
    "save_intake",
    "save_plan",
]


def content_hash(document: dict[str, Any]) -> str:
    """A stable SHA-256 of a JSON document, independent of key order."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find_person(session: Session, *, label: str) -> PersonRow | None:
    """The person without a practitioner who goes by ``label``, if stored."""
    query = select(PersonRow).where(PersonRow.label == label, PersonRow.practitioner_id.is_(None))
    return session.scalars(query).first()


def get_or_create_person(session: Session, *, label: str) -> PersonRow:
    """The person called ``label``, created on first use."""
    person = find_person(session, label=label)
    if person is None:
        person = PersonRow(label=label)
        session.add(person)
        session.flush()
    return person


def save_intake(
    session: Session, *, person: PersonRow, document: dict[str, Any], source: str
) -> tuple[IntakeRow, bool]:
    """Store an intake unless the same one is already stored; returns it and whether it is new."""
    digest = content_hash(document)
    query = select(IntakeRow).where(
        IntakeRow.person_id == person.id, IntakeRow.content_hash == digest
    )
    existing = session.scalars(query).first()
    if existing is not None:
        return existing, False
    intake = IntakeRow(person=person, content_hash=digest, source=source[:500], document=document)
    session.add(intake)
    session.flush()
    return intake, True


def save_assessment(
    session: Session, *, intake: IntakeRow, document: dict[str, Any], safety_level: str
) -> AssessmentRow:
    """Store the assessment made from ``intake``."""
    assessment = AssessmentRow(
        person_id=intake.person_id,
        intake_id=intake.id,
        safety_level=safety_level,
        document=document,
    )
    session.add(assessment)
    session.flush()
    return assessment


def save_plan(
    session: Session, *, assessment: AssessmentRow, document: dict[str, Any], safety_level: str
) -> tuple[PlanRow, bool]:
    """Store a new plan version unless it equals the person's latest; returns it and if new."""
    digest = content_hash(document)
    latest = latest_plan(session, person_id=assessment.person_id)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    plan = PlanRow(
        person_id=assessment.person_id,
        assessment_id=assessment.id,
        version=(latest.version + 1) if latest else 1,
        content_hash=digest,
        safety_level=safety_level,
        document=document,
    )
    session.add(plan)
    session.flush()
    return plan, True


def latest_plan(session: Session, *, person_id: int) -> PlanRow | None:
    """The person's newest plan version."""
    query = (
        select(PlanRow)
        .where(PlanRow.person_id == person_id)
        .order_by(PlanRow.version.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def list_people(session: Session) -> list[tuple[PersonRow, int]]:
    """Every person with the number of intakes stored for them, in order of creation."""
    query = (
        select(PersonRow, func.count(IntakeRow.id))
        .outerjoin(IntakeRow, IntakeRow.person_id == PersonRow.id)
        .group_by(PersonRow.id)
        .order_by(PersonRow.id)
    )
    return [(person, count) for person, count in session.execute(query).all()]


def intakes_of(session: Session, *, person_id: int) -> list[IntakeRow]:
    """A person's intakes, oldest first."""
    query = select(IntakeRow).where(IntakeRow.person_id == person_id).order_by(IntakeRow.id)
    return list(session.scalars(query))


def assessments_of(session: Session, *, person_id: int) -> list[AssessmentRow]:
    """A person's assessments, oldest first."""
    query = (
        select(AssessmentRow).where(AssessmentRow.person_id == person_id).order_by(AssessmentRow.id)
    )
    return list(session.scalars(query))


def plans_of(session: Session, *, person_id: int) -> list[PlanRow]:
    """A person's plan versions, oldest first."""
    query = select(PlanRow).where(PlanRow.person_id == person_id).order_by(PlanRow.version)
    return list(session.scalars(query))
