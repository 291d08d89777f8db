"""Browsing the knowledge base: every entry by section, or one by id."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from psoas.content import Listed, load_knowledge_base, load_listing
from psoas.content.names import choice_of, folded
from psoas.errors import FieldProblem, InvalidValues, UnknownId


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
    found = [
        LibraryEntry(Section(listed.section), listed.id, listed.kind, listed.name, model)
        for listed, model in load_knowledge_base().entries()
    ]
    return [entry for entry in found if chosen is None or entry.section is chosen]


def listing(section: str | None = None) -> list[Listed]:
    """What :func:`entries` lists, as plain lines: read without the models while unchanged."""
    chosen = _section(section).value if section is not None else None
    return [listed for listed in load_listing() if chosen is None or listed.section == chosen]


def entry(entry_id: str) -> LibraryEntry:
    """The entry with this id or this name (``foam_roller``, ``Foam roller``), in any case.

    An unknown one is :class:`UnknownId` with the closest ids.
    """
    everything = entries()
    for candidate in everything:
        if candidate.id == entry_id:
            return candidate
    wanted = folded(entry_id)
    for candidate in everything:
        if wanted in (folded(str(candidate.id)), folded(candidate.name)):
            return candidate
    ids = [str(candidate.id) for candidate in everything]
    raise UnknownId("library", entry_id, difflib.get_close_matches(entry_id, ids, n=2))


def _section(name: str) -> Section:
    try:
        return choice_of(Section, name)
    except ValueError as error:
        problem = FieldProblem("section", f"{error}; got {name!r}")
        raise InvalidValues("the library section", [problem]) from None
