"""The assessment contract (``psoas.assessment/1``): the safety screen plus the cause profile."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from psoas.content.models import KnowledgeBase
from psoas.core.factors import Factor, profile
from psoas.core.intake import Intake
from psoas.core.safety import SafetyResult, screen

ASSESSMENT_SCHEMA: Literal["psoas.assessment/1"] = "psoas.assessment/1"


class Assessment(BaseModel):
    """What psoas concludes from an intake: is self-care safe, and what drives the tightness."""

    model_config = ConfigDict(
        frozen=True, populate_by_name=True, json_schema_serialization_defaults_required=True
    )

    schema_id: Literal["psoas.assessment/1"] = Field(default=ASSESSMENT_SCHEMA, alias="schema")
    safety: SafetyResult
    factors: list[Factor]
    """Contributing causes, strongest first."""

    def to_document(self) -> dict[str, Any]:
        """The assessment as contract JSON."""
        document: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return document


def assess(intake: Intake, knowledge: KnowledgeBase) -> Assessment:
    """Screen an intake for safety and profile its causes."""
    return Assessment(safety=screen(intake, knowledge), factors=profile(intake))
