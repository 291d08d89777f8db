"""Every fixed id of psoas, and a finder of ids in what a person reads (pages, tables)."""

from __future__ import annotations

import re
from enum import StrEnum
from html.parser import HTMLParser

from psoas.content import load_knowledge_base, vocabulary
from psoas.core import (
    gates,
    intake,
    planning,
    progress,
    records,
    session_events,
    session_records,
    timeline,
)
from psoas.services import library

_MODULES = (
    vocabulary,
    gates,
    intake,
    planning,
    progress,
    records,
    session_events,
    session_records,
    timeline,
    library,
)


def vocabulary_ids() -> frozenset[str]:
    """Every id of two or more words (``self_release``): one-word ids are plain English."""
    found: set[str] = set()
    for module in _MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum:
                found.update(member.value for member in value)
    knowledge = load_knowledge_base()
    found.update(technique.id for technique in knowledge.techniques)
    found.update(str(tool.id) for tool in knowledge.tools)
    found.update(str(cause.id) for cause in knowledge.causes)
    return frozenset(word for word in found if "_" in word)


def ids_in(text: str) -> list[str]:
    """The vocabulary ids that appear in ``text`` as words."""
    words = set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", text))
    return sorted(words & vocabulary_ids())


class _Visible(HTMLParser):
    """The text of a page a person sees or hears: no scripts, no attribute values but words."""

    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value or "" for name, value in attrs if name in self.SPOKEN]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """What a page shows and says, as one string."""
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)
