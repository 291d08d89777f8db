"""Intake in, assessment and plan out: ``/assessments``, ``/plans``, and the current ones."""

from __future__ import annotations

from fastapi import APIRouter

from psoas.core.assessment import Assessment
from psoas.core.planning import Plan
from psoas.errors import UnknownId
from psoas.services import care, tracking
from psoas.web.api_models import json_body
from psoas.web.deps import DatabaseDep, JsonBody, PersonDep
from psoas.web.problems import ALWAYS, WITH_BODY, error_responses

router = APIRouter(tags=["intake"], responses=error_responses(*ALWAYS))

INTAKE_BODY = json_body("Intake")
SENT_AN_INTAKE = error_responses(*WITH_BODY)


@router.post("/assessments", openapi_extra=INTAKE_BODY, responses=SENT_AN_INTAKE)
def assess(body: JsonBody, database: DatabaseDep, person: PersonDep) -> Assessment:
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
    return assessment


@router.post("/plans", openapi_extra=INTAKE_BODY, responses=SENT_AN_INTAKE)
def plan(body: JsonBody, database: DatabaseDep, person: PersonDep) -> Plan:
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
    return program


@router.get("/assessment", responses=error_responses(404))
def latest_assessment(database: DatabaseDep, person: PersonDep) -> Assessment:
    """The newest safety screen: the one that decides what may be done now."""
    found = care.latest_assessment(database, person=person)
    if found is None:
        raise UnknownId("assessment", "latest")
    return found


@router.get("/plan", responses=error_responses(404))
def current_plan(database: DatabaseDep, person: PersonDep) -> Plan:
    """The plan in force."""
    found = tracking.current_plan(database, person=person)
    if found is None:
        raise UnknownId("plan", "current")
    return found
