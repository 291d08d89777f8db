"""Opening the database: engine, sessions, and migrating it to the current schema.

Errors from the driver are translated here into :class:`psoas.errors.StoreError`
with the address shown without its password.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from psoas.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
_SERIALS = itertools.count(1)


class Database:
    """An open, migrated database and a factory for transactional sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.serial = next(_SERIALS)
        """Unique among the databases this process has opened (a key for caches)."""
        self._writes = itertools.count(1)
        self.writes = 0
        """How many flushes with changes this process has made: a cheap "has anything changed
        here since" for caches (changes made by other processes are not counted)."""
        event.listen(self._sessions, "after_flush", self._count_write)

    def _count_write(self, session: Session, _context: Any) -> None:
        self.writes = next(self._writes)

    @property
    def address(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together at the end, or not at all."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as error:
            raise StoreError(f"could not use {self.address}: {_first_line(error)}") from error

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def open_database(url: str) -> Database:
    """Connect to ``url``, creating the SQLite file's folder if needed, and migrate to head."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"PSOAS_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    shown = parsed.render_as_string(hide_password=True)
    try:
        # As many connections as the web server has worker threads (anyio's 40), so a burst
        # of slow pages queues in the server, not in the pool until it times out.
        engine = create_engine(parsed, pool_size=10, max_overflow=30)
    except (ImportError, SQLAlchemyError) as error:
        raise StoreError(f"cannot use database {shown}: {_first_line(error)}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise StoreError(f"cannot open database {shown}: {_first_line(error)}") from None
    return Database(engine)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with Alembic."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
