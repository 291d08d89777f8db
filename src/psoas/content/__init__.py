"""The knowledge base: anatomy, causes, techniques, tools, safety, session script, measures.

The files beside this module are written in psoas's own words and checked
against :mod:`psoas.content.models` when loaded. :func:`load_knowledge_base`
reads them once per process; every later call returns the same object. What
was validated once is kept in the user's cache folder and read back while
every file it came from is unchanged (:mod:`psoas.content.cache`), beside the
one-line listing of every entry, which :func:`load_listing` reads without
defining a single model.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from psoas.content import cache
from psoas.content.listing import Listed
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

if TYPE_CHECKING:
    from psoas.content.models import KnowledgeBase, Technique

__all__ = [
    "CareAction",
    "ConditionId",
    "DerivedConditionId",
    "FactorId",
    "KnowledgeBase",
    "Listed",
    "RedFlagId",
    "SafetyLevel",
    "Technique",
    "TechniqueKind",
    "ToolId",
    "listing_from",
    "load_from",
    "load_knowledge_base",
    "load_listing",
]

_MODELS = frozenset({"KnowledgeBase", "Technique"})


def __getattr__(name: str) -> Any:
    """The models, defined only when asked for: a listing from the cache needs none."""
    if name in _MODELS:
        from psoas.content import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


HERE = Path(__file__).parent
"""The package folder: the YAML files ship beside the models (a plain folder, never a zip)."""

_CODE = (HERE / "models.py", HERE / "vocabulary.py", HERE.parent / "documents.py")
"""The code that decides what a file validates into: part of the cache key."""


@functools.cache
def load_knowledge_base() -> KnowledgeBase:
    """Every knowledge-base file shipped with psoas, validated (once: see :mod:`cache`)."""
    return load_from(HERE, cache_file=cache.default_file())


@functools.cache
def load_listing() -> list[Listed]:
    """Every entry's section, id, kind and name: :meth:`KnowledgeBase.listing`, from the cache."""
    return listing_from(HERE, cache_file=cache.default_file())


def load_from(root: Path, *, cache_file: Path | None) -> KnowledgeBase:
    """The knowledge base in ``root``, read back from ``cache_file`` while nothing has changed."""
    texts, key = _sources(root)
    if cache_file is not None and (cached := cache.read(cache_file, key)) is not None:
        return cached
    knowledge = _validate(texts)
    if cache_file is not None:
        cache.write(cache_file, key, knowledge)
    return knowledge


def listing_from(root: Path, *, cache_file: Path | None) -> list[Listed]:
    """The listing of the knowledge base in ``root``, validating it only when it changed."""
    if cache_file is not None:
        listed = cache.read_listing(cache_file, _sources(root)[1])
        if listed is not None:
            return listed
    return load_from(root, cache_file=cache_file).listing()


def _sources(root: Path) -> tuple[dict[Path, bytes], bytes]:
    """Every file's bytes, and the cache key they make with the code that checks them."""
    files = [root / f"{name}.yaml" for name in _SECTIONS]
    files += sorted((root / "techniques").glob("*.yaml"))
    texts = {path: path.read_bytes() for path in files}
    key = cache.cache_key(
        [(path.relative_to(root).as_posix(), text) for path, text in texts.items()]
        + [(path.name, path.read_bytes()) for path in _CODE]
    )
    return texts, key


def _validate(texts: dict[Path, bytes]) -> KnowledgeBase:
    from psoas.content.models import KnowledgeBase

    data: dict[str, Any] = {"techniques": []}
    for path, text in texts.items():
        if path.parent.name == "techniques":
            data["techniques"].extend(_read(path, text, "techniques") or [])
        else:
            for key in _SECTIONS[path.stem]:
                data[key] = _read(path, text, key)
    try:
        return KnowledgeBase.model_validate(data)
    except ValidationError as error:
        raise ContentError(f"the knowledge base is invalid:\n{error}") from error


def _read(path: Path, text: bytes, key: str) -> Any:
    document = parse_text(text.decode("utf-8"), source=path.name, fmt="yaml")
    if not isinstance(document, dict) or key not in document:
        raise ContentError(f"{path.name}: expected a top-level '{key}' key")
    return document[key]
