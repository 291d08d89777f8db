"""One name per thing: every fixed id a face shows has a name, and a person's words read back."""

from __future__ import annotations

from enum import StrEnum

import pytest

from psoas.cli.typer_app import SessionKindName, ToolName
from psoas.content.names import GROUPS, choice_of, name_of
from psoas.content.vocabulary import CareAction, FactorId, SafetyLevel, TechniqueKind, ToolId
from psoas.content.words import say
from psoas.core.intake import ActivityKind, InjuryKind, ToolChoice
from psoas.core.planning import PlanItemKind, ProgramPhase
from psoas.core.progress import RecommendationKind, Verdict
from psoas.core.records import RecordKind
from psoas.core.session_events import StepOutcome
from psoas.core.session_records import SessionStatus
from psoas.core.timeline import Phase, SessionKind, Side
from psoas.services.library import Section

NAMED: list[type[StrEnum]] = [
    TechniqueKind,
    PlanItemKind,
    SessionKind,
    SessionKindName,
    Phase,
    Side,
    SessionStatus,
    StepOutcome,
    Verdict,
    ProgramPhase,
    RecordKind,
    SafetyLevel,
    CareAction,
    Section,
    ActivityKind,
    InjuryKind,
    RecommendationKind,
    FactorId,
    ToolId,
    ToolChoice,
    ToolName,
]


def test_every_enum_named_in_words_is_listed_here() -> None:
    assert set(GROUPS) <= {kind.__name__ for kind in NAMED}


@pytest.mark.parametrize("kind", NAMED, ids=lambda kind: kind.__name__)
def test_every_member_has_a_name_that_is_not_its_id(kind: type[StrEnum]) -> None:
    for member in kind:
        name = name_of(member)
        assert name and "_" not in name, (member, name)


def test_names_come_from_the_knowledge_base_where_it_has_them() -> None:
    assert name_of(ToolId.FOAM_ROLLER) == "Foam roller"
    assert name_of(FactorId.PROLONGED_SITTING) == "Long hours of sitting"
    assert name_of("couch_stretch") == "Couch stretch"
    assert name_of(Phase.PIN_AND_STRETCH) == "Pin and stretch"
    assert name_of(SessionStatus.IN_PROGRESS) == "not finished"


@pytest.mark.parametrize("typed", ["foam roller", "Foam Roller", "foam_roller", " FOAM  roller "])
def test_a_tool_is_read_from_its_name_or_its_id(typed: str) -> None:
    assert choice_of(ToolId, typed) is ToolId.FOAM_ROLLER


def test_an_unknown_choice_lists_every_name() -> None:
    with pytest.raises(ValueError, match='"Pso-Rite", "QL Claw", "Foam roller", "Massage ball"'):
        choice_of(ToolId, "rolling pin")


@pytest.mark.parametrize(
    ("key", "count", "said"),
    [
        ("common.items", 1, "1 item"),
        ("common.items", 2, "2 items"),
        ("common.days", 1, "1 day"),
        ("common.days", 2, "2 days"),
        ("common.days", 0, "0 days"),
        ("common.streak", 1, "1 day in a row"),
        ("common.weeks", 1, "1 week"),
        ("common.plan_items", 1, "1 plan item"),
        ("common.weekly_reminders", 1, "1 weekly reminder"),
        ("common.weekly_reminders", 3, "3 weekly reminders"),
    ],
)
def test_counts_take_the_right_plural(key: str, count: int, said: str) -> None:
    assert say(key, count=count) == said
