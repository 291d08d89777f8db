"""The knowledge base, read-only: anatomy, causes, techniques, tools and safety rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from psoas.services import library

router = APIRouter(tags=["library"])


@router.get("/library")
def entries(section: str | None = None) -> list[dict[str, Any]]:
    """Every entry (or one section's): id, section, kind and name."""
    return [
        {"id": e.id, "section": e.section.value, "kind": e.kind, "name": e.name}
        for e in library.entries(section)
    ]


@router.get("/library/{entry_id}")
def entry(entry_id: str) -> dict[str, Any]:
    """One entry in full."""
    found = library.entry(entry_id)
    return {"section": found.section.value, **found.entry.model_dump(mode="json")}
