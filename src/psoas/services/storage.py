"""Opening the store that the settings name."""

from __future__ import annotations

from psoas.settings import Settings
from psoas.store import Database, open_database


def open_store(settings: Settings) -> Database:
    """Open (and migrate) the database: ``PSOAS_DATABASE_URL``, or the local SQLite file."""
    return open_database(settings.resolved_database_url)
