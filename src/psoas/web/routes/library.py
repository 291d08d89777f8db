"""The knowledge base, read-only: anatomy, causes, techniques, tools and safety rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from psoas.services import library
from psoas.services.library import Section
from psoas.web.api_models import LibraryEntry, LibraryItem
from psoas.web.problems import ALWAYS, error_responses

router = APIRouter(tags=["library"], responses=error_responses(*ALWAYS))


@router.get("/library", responses=error_responses(422))
def entries(section: Section | None = None) -> list[LibraryItem]:
    """Every entry (or one section's): id, section, kind and name."""
    return [
        LibraryItem(id=e.id, section=e.section.value, kind=e.kind, name=e.name)
        for e in library.entries(section)
    ]


@router.get("/library/{entry_id}", response_model=LibraryEntry, responses=error_responses(404))
def entry(entry_id: str) -> dict[str, Any]:
    """One entry in full."""
    found = library.entry(entry_id)
    return {"section": found.section.value, **found.entry.model_dump(mode="json")}
