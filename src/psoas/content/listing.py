"""One line per knowledge-base entry: what ``psoas library list`` shows, without the models.

Kept apart from :mod:`psoas.content.models` so that a listing read back from the
cache is plain data: unpickling it defines no pydantic model.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Listed"]


class Listed(NamedTuple):
    """An entry as listed: where it lives, its id, what kind of entry it is, and its name."""

    section: str
    id: str
    kind: str
    name: str
