"""Intake in, assessment and plan out: ``/assessments``, ``/plans``, and the current ones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from psoas.core.schemas import ContractName, json_schema
from psoas.errors import UnknownId
from psoas.services import care, tracking
from psoas.web.deps import DatabaseDep, JsonBody, PersonDep

router = APIRouter(tags=["intake"])

INTAKE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": json_schema(ContractName.INTAKE)}},
    }
}


@router.post("/assessments", openapi_extra=INTAKE_BODY)
def assess(body: JsonBody, database: DatabaseDep, person: PersonDep) -> dict[str, Any]:
    """Screen an intake for safety and profile the causes; the result is kept."""
    intake = care.parse_intake_document(body, source="intake")
    assessment = care.assessment_of(intake)
    care.save_assessment(
        database,
        person=person,
        intake=intake,
        source="web",
        assessment=assessment,
        answered_now=True,  # the form was just answered
    )
    return assessment.to_document()


@router.post("/plans", openapi_extra=INTAKE_BODY)
def plan(body: JsonBody, database: DatabaseDep, person: PersonDep) -> dict[str, Any]:
    """Assess an intake and build its plan; intake, assessment and plan are kept."""
    intake = care.parse_intake_document(body, source="intake")
    assessment, program = care.plan_of(intake)
    care.save_plan(
        database,
        person=person,
        intake=intake,
        source="web",
        assessment=assessment,
        plan=program,
        answered_now=True,  # the form was just answered
    )
    return program.to_document()


@router.get("/assessment")
def latest_assessment(database: DatabaseDep, person: PersonDep) -> dict[str, Any]:
    """The newest safety screen: the one that decides what may be done now."""
    found = care.latest_assessment(database, person=person)
    if found is None:
        raise UnknownId("assessment", "latest")
    return found.to_document()


@router.get("/plan")
def current_plan(database: DatabaseDep, person: PersonDep) -> dict[str, Any]:
    """The plan in force."""
    found = tracking.current_plan(database, person=person)
    if found is None:
        raise UnknownId("plan", "current")
    return found.to_document()
