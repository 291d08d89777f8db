"""Opening the store that the settings name, for exactly as long as it is needed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psoas.settings import Settings
from psoas.store import Database, open_database

__all__ = ["Database", "store"]
"""``Database`` is re-exported so the faces can name the handle they hold without the store."""


@contextmanager
def store(settings: Settings) -> Iterator[Database]:
    """The migrated database (``PSOAS_DATABASE_URL`` or the local SQLite file), then closed."""
    database = open_database(settings.resolved_database_url)
    try:
        yield database
    finally:
        database.close()
