"""Opening the store that the settings name, for exactly as long as it is needed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psoas.settings import Settings
from psoas.store import Database, open_database


def open_store(settings: Settings) -> Database:
    """Open (and migrate) the database: ``PSOAS_DATABASE_URL``, or the local SQLite file."""
    return open_database(settings.resolved_database_url)


@contextmanager
def store(settings: Settings) -> Iterator[Database]:
    """The open store, closed again however the block ends."""
    database = open_store(settings)
    try:
        yield database
    finally:
        database.close()
