"""One name for each thing: what a person reads in place of a fixed id, and back again.

Causes, techniques and tools are named by the knowledge base (``causes.yaml``,
``techniques/``, ``tools.yaml``); every other fixed id a face shows (a plan item's kind,
a session's phase or status, a verdict, a safety level) is named in
``words/names.yaml`` under ``<group>_<id>``. The faces, the report and the reminders
all call :func:`name_of`, so a thing is called the same everywhere and no id
(``self_release``, ``in_progress``) reaches a person. :func:`choice_of` reads a
person's words back: ``"foam roller"``, ``"Foam roller"`` or ``foam_roller``.

Enums of the domain core are recognised by their class name, so this module (in
``content``, below ``core``) needs none of them imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TypeVar

from psoas.content.words import say

GROUPS: Mapping[str, str] = {
    "TechniqueKind": "technique_kind",
    "PlanItemKind": "technique_kind",
    "SessionKind": "session_kind",
    "SessionKindName": "session_kind",
    "Phase": "phase",
    "Side": "side",
    "SessionStatus": "session_status",
    "StepOutcome": "step_outcome",
    "Verdict": "verdict",
    "ProgramPhase": "program_phase",
    "RecordKind": "record_kind",
    "SafetyLevel": "safety_level",
    "CareAction": "care_action",
    "Section": "section",
    "ActivityKind": "activity_kind",
    "InjuryKind": "injury_kind",
    "RecommendationKind": "recommendation_kind",
}
"""The enums named in ``words/names.yaml``, each by the group its keys start with."""

_KNOWLEDGE_BASE = frozenset({"FactorId", "ToolId", "ToolChoice", "ToolName"})
"""The enums whose members the knowledge base names (causes and tools)."""


def name_of(value: StrEnum | str) -> str:
    """The name a person reads for a fixed id: a member of a named enum, or a technique id.

    A plain string is looked up as a technique, a tool or a cause, in that order, and
    as one of the library's entry kinds; anything unknown is a bug in psoas, reported
    as a :class:`~psoas.errors.ContentError` by :func:`say`.
    """
    kind = type(value).__name__
    if kind in GROUPS:
        return say(f"names.{GROUPS[kind]}_{value}")
    names = knowledge_names()
    if kind in _KNOWLEDGE_BASE or not isinstance(value, StrEnum):
        key = str(value)
        if key in names:
            return names[key]
        if key == "none":
            return say("names.tool_choice_none")
    return say(f"names.entry_kind_{value}")


def names_of(values: Iterable[StrEnum | str]) -> str:
    """Several names as one phrase: ``Foam roller, Massage ball``."""
    return ", ".join(name_of(value) for value in values)


def knowledge_names() -> dict[str, str]:
    """Every technique, tool and cause id with its name in the knowledge base."""
    from psoas.content import load_knowledge_base

    knowledge = load_knowledge_base()
    found = {str(cause.id): cause.name for cause in knowledge.causes}
    found.update({str(tool.id): tool.name for tool in knowledge.tools})
    found.update({technique.id: technique.name for technique in knowledge.techniques})
    return found


E = TypeVar("E", bound=StrEnum)


def choice_of(kind: type[E], typed: str, *, names: Mapping[str, str] | None = None) -> E:
    """The member of ``kind`` that a person typed, by id or by name, in any case.

    ``foam_roller``, ``foam roller``, ``Foam Roller`` and the tool's name all give
    ``ToolId.FOAM_ROLLER``. Raises :class:`ValueError` (its message lists the accepted
    names) when nothing matches; each face turns that into its own words.
    """
    wanted = folded(typed)
    shown = names or {member.value: name_of(member) for member in kind}
    for member in kind:
        if wanted in (folded(member.value), folded(shown.get(member.value, member.value))):
            return member
    raise ValueError(accepted_names(kind, shown))


def accepted_names(kind: type[StrEnum], shown: Mapping[str, str] | None = None) -> str:
    """The sentence listing what may be typed for ``kind``."""
    names = shown or {member.value: name_of(member) for member in kind}
    listed = ", ".join(f'"{names[member.value]}"' for member in kind)
    return say("names.accepted", names=listed)


def folded(text: str) -> str:
    """Case, underscores, hyphens and runs of spaces do not matter when a name is typed."""
    return " ".join(text.replace("_", " ").replace("-", " ").casefold().split())


_LISTED_KIND_GROUPS = ("technique_kind", "safety_level", "entry_kind")
"""Where the kind of a library entry is named: a technique's kind, a rule's level, or else."""


def listed_name(value: str, what: str) -> str:
    """The name of a library listing's ``section`` or ``kind`` (plain strings, for speed)."""
    from psoas.content.words import topic_words

    if what == "section":
        return say(f"names.section_{value}")
    known = topic_words("names")
    for group in _LISTED_KIND_GROUPS:
        if f"{group}_{value}" in known:
            return say(f"names.{group}_{value}")
    return say(f"names.entry_kind_{value}")


def reason_name(reason: str) -> str:
    """A plan item's reason (a cause id or a safety condition) as a short name."""
    from psoas.content import load_knowledge_base

    names = knowledge_names()
    if reason in names:
        return names[reason]
    knowledge = load_knowledge_base()
    for rule in knowledge.safety_rules:
        if rule.id == reason:
            return rule.finding
    for question in knowledge.questions:
        if question.id == reason:
            return question.short
    return say(f"names.reason_{reason}")
