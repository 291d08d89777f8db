"""Browsing the knowledge base: every entry by section, or one by id."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from psoas.content import load_knowledge_base
from psoas.errors import FieldProblem, InvalidDocument, UnknownId


class Section(StrEnum):
    """A part of the knowledge base."""

    ANATOMY = "anatomy"
    CAUSES = "causes"
    TECHNIQUES = "techniques"
    TOOLS = "tools"
    SAFETY = "safety"
    THRESHOLDS = "thresholds"


@dataclass(frozen=True)
class LibraryEntry:
    """One entry with where it lives and a one-line label."""

    section: Section
    id: str
    kind: str
    name: str
    entry: BaseModel


def entries(section: str | None = None) -> list[LibraryEntry]:
    """Every entry, or those of one section (named as on the command line)."""
    chosen = _section(section) if section is not None else None
    knowledge = load_knowledge_base()
    found = [
        *(
            LibraryEntry(Section.ANATOMY, m.id, "muscle", m.name, m)
            for m in knowledge.anatomy.muscles
        ),
        *(
            LibraryEntry(Section.ANATOMY, n.id, "neighbour", n.name, n)
            for n in knowledge.anatomy.neighbours
        ),
        *(LibraryEntry(Section.CAUSES, c.id, "cause", c.name, c) for c in knowledge.causes),
        *(
            LibraryEntry(Section.TECHNIQUES, t.id, t.kind.value, t.name, t)
            for t in knowledge.techniques
        ),
        *(LibraryEntry(Section.TOOLS, t.id, "tool", t.name, t) for t in knowledge.tools),
        *(
            LibraryEntry(Section.SAFETY, r.id, r.level.value, r.finding, r)
            for r in knowledge.safety_rules
        ),
        *(
            LibraryEntry(Section.THRESHOLDS, t.id, "threshold", f"{t.value:g} {t.unit}", t)
            for t in knowledge.thresholds
        ),
    ]
    return [entry for entry in found if chosen is None or entry.section is chosen]


def entry(entry_id: str) -> LibraryEntry:
    """The entry with this id, or :class:`UnknownId` with the closest ids."""
    everything = entries()
    for candidate in everything:
        if candidate.id == entry_id:
            return candidate
    ids = [candidate.id for candidate in everything]
    raise UnknownId("library", entry_id, difflib.get_close_matches(entry_id, ids, n=2))


def _section(name: str) -> Section:
    try:
        return Section(name)
    except ValueError:
        allowed = ", ".join(section.value for section in Section)
        problem = FieldProblem("--section", f"expected one of: {allowed}; got {name!r}")
        raise InvalidDocument("psoas library list", [problem]) from None
