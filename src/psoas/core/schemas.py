"""The published JSON Schemas of the contracts, generated from the models that enforce them.

What psoas reads (intake, measures, check-in) is described as it is *accepted*
(validation mode); what it prints (assessment, plan, session, progress) as it is
*printed* (serialization mode). The same schemas are
committed under ``docs/schemas/`` and a test keeps those copies current.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from psoas.core.assessment import Assessment
from psoas.core.intake import Intake
from psoas.core.measures import CheckIn, Measurement
from psoas.core.planning import Plan
from psoas.core.progress import Progress
from psoas.core.timeline import Timeline


class ContractName(StrEnum):
    """A contract with a published schema."""

    INTAKE = "intake"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    SESSION = "session"
    MEASURES = "measures"
    CHECKIN = "checkin"
    PROGRESS = "progress"


_MODELS: dict[ContractName, tuple[type[BaseModel], str, str]] = {
    ContractName.INTAKE: (Intake, "validation", "What a person tells psoas about themselves."),
    ContractName.ASSESSMENT: (Assessment, "serialization", "Safety screen and cause profile."),
    ContractName.PLAN: (Plan, "serialization", "A personal program whose items say why."),
    ContractName.SESSION: (Timeline, "serialization", "The timed steps of a guided session."),
    ContractName.MEASURES: (Measurement, "validation", "A dated reassessment."),
    ContractName.CHECKIN: (CheckIn, "validation", "One day's check-in."),
    ContractName.PROGRESS: (Progress, "serialization", "Change against baseline, and advice."),
}


def json_schema(name: ContractName) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one contract."""
    model, mode, description = _MODELS[name]
    generated = model.model_json_schema(by_alias=True, mode=mode)  # type: ignore[arg-type]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:psoas:schema:{name.value}:1",
        **generated,
        "title": f"psoas.{name.value}/1",
        "description": description,
    }
