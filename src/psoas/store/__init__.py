"""Persistence: SQLAlchemy 2 tables, keyword-only repository functions, Alembic migrations.

SQLite in the user's data folder by default, PostgreSQL for a clinic. Every
record belongs to a person, and people may belong to a practitioner, so the
schema holds many of both from the start.
"""

from psoas.store.database import Database, open_database

__all__ = ["Database", "open_database"]
