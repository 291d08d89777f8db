"""The knowledge base: anatomy, causes, techniques, tools, safety, session script, measures.

The files beside this module are written in psoas's own words and checked
against :mod:`psoas.content.models` when loaded. :func:`load_knowledge_base`
reads them once per process; every later call returns the same object.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from pydantic import ValidationError

from psoas.content.models import KnowledgeBase, Technique
from psoas.content.vocabulary import (
    CareAction,
    ConditionId,
    DerivedConditionId,
    FactorId,
    RedFlagId,
    SafetyLevel,
    TechniqueKind,
    ToolId,
)
from psoas.documents import parse_text
from psoas.errors import ContentError

__all__ = [
    "CareAction",
    "ConditionId",
    "DerivedConditionId",
    "FactorId",
    "KnowledgeBase",
    "RedFlagId",
    "SafetyLevel",
    "Technique",
    "TechniqueKind",
    "ToolId",
    "load_knowledge_base",
]

_SECTIONS = {
    "anatomy": ("anatomy",),
    "causes": ("causes",),
    "tools": ("tools",),
    "safety_rules": ("safety_rules",),
    "session": ("session",),
    "measures": ("measures",),
    "thresholds": ("thresholds",),
    "questions": ("question_groups", "questions"),
    "gates": ("gates",),
}
"""Each file (without ``.yaml``) and the top-level keys it holds."""


@functools.cache
def load_knowledge_base() -> KnowledgeBase:
    """Read and validate every knowledge-base file shipped with psoas."""
    root = resources.files(__name__)
    data: dict[str, Any] = {}
    for name, keys in _SECTIONS.items():
        for key in keys:
            data[key] = _read(root.joinpath(f"{name}.yaml"), key)
    techniques: list[Any] = []
    for entry in sorted(root.joinpath("techniques").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            techniques.extend(_read(entry, "techniques") or [])
    data["techniques"] = techniques
    try:
        return KnowledgeBase.model_validate(data)
    except ValidationError as error:
        raise ContentError(f"the knowledge base is invalid:\n{error}") from error


def _read(resource: Any, key: str) -> Any:
    document = parse_text(resource.read_text(encoding="utf-8"), source=resource.name, fmt="yaml")
    if not isinstance(document, dict) or key not in document:
        raise ContentError(f"{resource.name}: expected a top-level '{key}' key")
    return document[key]
