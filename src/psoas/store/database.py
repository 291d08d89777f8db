"""Opening the database: engine, transactions, and migrating it to the current schema.

Two kinds of transaction, so that writers queue and readers never wait:

- :meth:`Database.transaction` writes. On SQLite it begins ``IMMEDIATE``: the
  file's one write lock is taken at the start, so a read-then-write (the
  same-day merge of a check-in) can never be overtaken, and a writer that has
  to wait does so in SQLite's busy handler instead of failing half-way with
  "database is locked". On PostgreSQL the services take a row lock on the
  person first (:func:`psoas.store.repository.lock_person`), which orders the
  writes of one person and leaves everyone else's alone.
- Writer threads of one process take turns on a lock of the process before
  either (reads never wait for it). A write holds the store for a few
  milliseconds, so one at a time per process costs nothing in throughput, and
  it keeps a queue of fifty writers fair and short: SQLite's busy handler polls
  with growing sleeps, so some waiting threads would starve for seconds; on
  PostgreSQL fifty threads would hold fifty pooled connections waiting on one
  row lock while the holder competes with them for the interpreter. Measured
  under 50 clients (``benchmarks/writes.py``), the write p99 fell from 8.8x to
  2.4x the health endpoint's on SQLite and from 6.2x to 2.5x on PostgreSQL.
  Other processes (more web workers, ``psoas log``) still queue on the
  database's own locks.
- :meth:`Database.reading` reads a consistent snapshot and may not write; in
  WAL mode a SQLite reader neither blocks nor waits for the writer.

SQLite runs in WAL mode with ``synchronous = FULL`` (a committed write survives
a power cut, not only a crash of psoas) and a busy timeout long enough for a
queue of ordinary writes. pysqlite's own transaction handling is turned off so
that SQLAlchemy's BEGIN is the one that counts (the SQLAlchemy documentation's
recipe for "serializable isolation / savepoints / transactional DDL").

Migrations run only when the stored revision is behind the code, and then once:
under an advisory lock on PostgreSQL and an ``EXCLUSIVE`` transaction on SQLite,
re-checking the revision once the lock is held, so two processes opening a new
store at the same moment both succeed and build it once.

Errors from the driver are translated here into :class:`psoas.errors.StoreError`
with the address shown without its password.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from psoas.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
_SERIALS = itertools.count(1)

SQLITE_BUSY_SECONDS = 30.0
"""How long a SQLite writer waits for the write lock before giving up with "locked".

A write holds the lock for milliseconds; 30 seconds lets a burst of hundreds queue
(50 browsers, 20 ``psoas log`` at once) while a lock held by a stuck process still
ends in a clear error rather than a hang.
"""

HEAD_REVISION = "0007"
"""The newest migration, so that a store already there is recognised without importing
Alembic (a tenth of a second); a test keeps it equal to Alembic's head."""

MIGRATION_LOCK = 7_361_990_211
"""The PostgreSQL advisory lock key that serialises migrations (any constant, ours alone)."""

_WRITE = "psoas_write"
"""Execution option marking the connections of write transactions."""


class ReadOnlyTransaction(RuntimeError):
    """Code tried to write inside :meth:`Database.reading`: a bug, never the person's doing."""


class Database:
    """An open, migrated database and a factory for transactional sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_turn = threading.RLock()
        self._writer = sessionmaker(
            engine.execution_options(**{_WRITE: True}), expire_on_commit=False
        )
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self.serial = next(_SERIALS)
        """Unique among the databases this process has opened (a key for caches)."""
        self._writes = itertools.count(1)
        self.writes = 0
        """How many write transactions this process has committed: a cheap "has anything
        changed here since" for caches (changes made by other processes are not counted).
        Counted at commit, not at flush, so statements run without the ORM count too."""
        event.listen(self._writer, "after_commit", self._count_write)
        event.listen(self._reader, "before_flush", _refuse_writes)

    def _count_write(self, session: Session) -> None:
        self.writes = next(self._writes)

    @property
    def address(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed together at the end, or not at all."""
        with self._write_turn, self._session(self._writer) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction over one consistent snapshot."""
        with self._session(self._reader) as session:
            yield session

    @contextmanager
    def _session(self, factory: sessionmaker[Session]) -> Iterator[Session]:
        try:
            with factory() as session, session.begin():
                yield session
        except SQLAlchemyError as error:
            raise StoreError(f"could not use {self.address}: {_first_line(error)}") from error

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyTransaction("a read-only transaction tried to write (use transaction())")


def open_database(url: str) -> Database:
    """Connect to ``url``, creating the SQLite file's folder if needed, and migrate to head."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"PSOAS_DATABASE_URL is not a database URL: {url!r}") from None
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    shown = parsed.render_as_string(hide_password=True)
    try:
        # As many connections as the web server has worker threads (anyio's 40), so a burst
        # of slow pages queues in the server, not in the pool until it times out.
        options: dict[str, Any] = {"pool_size": 10, "max_overflow": 30}
        if sqlite:
            options["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS}
        engine = create_engine(parsed, **options)
    except (ImportError, SQLAlchemyError) as error:
        raise StoreError(f"cannot use database {shown}: {_first_line(error)}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        raise StoreError(f"cannot open database {shown}: {_first_line(error)}") from None
    return Database(engine)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` with Alembic, once, however many processes try.

    The stored revision is compared with the code's first, without a lock: a store
    that is up to date (every open but the first) costs one small query, and no
    import of Alembic.
    """
    if revision == "head" and _at_head(engine):
        return
    from alembic import command

    config = _alembic_config()
    wanted = _wanted(revision)
    with engine.connect() as connection:
        if _stored_revisions(connection) == wanted:
            connection.rollback()
            return
    locked = engine.execution_options(**{_WRITE: "exclusive"})
    with locked.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        if _stored_revisions(connection) == wanted:
            return  # another process migrated while this one waited for the lock
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def _wanted(revision: str) -> frozenset[str]:
    """The revisions the code's ``revision`` stands for (head: the newest)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    if revision == "head":
        return frozenset(script.get_heads())
    return frozenset({script.get_revision(revision).revision})


def _at_head(engine: Engine) -> bool:
    """Whether the store holds :data:`HEAD_REVISION`, read with plain SQL."""
    with engine.connect() as connection:
        try:
            stored = connection.execute(text("SELECT version_num FROM alembic_version"))
            at_head = set(stored.scalars()) == {HEAD_REVISION}
        except SQLAlchemyError:
            at_head = False  # a new store: no version table yet
        connection.rollback()
    return at_head


def _stored_revisions(connection: Connection) -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    return frozenset(MigrationContext.configure(connection).get_current_heads())


def _sqlite_connect(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # SQLAlchemy's BEGIN (below) is the one that counts
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Put the file in WAL mode, waiting as a writer would if others hold it.

    WAL is a property of the file, so once one connection has switched it every later
    one finds it so and takes no lock. The switch itself needs the file to itself and
    SQLite answers it "database is locked" at once, without its busy handler, when
    another connection is in the file (two processes opening a new store together, one
    open in eight): so the switch is retried here, with growing pauses, for as long as
    a writer would wait, and a switch another connection made meanwhile ends the wait.
    A file that cannot be WAL (an in-memory database) keeps the mode SQLite gives it.
    """
    deadline = time.monotonic() + SQLITE_BUSY_SECONDS
    pause = 0.002
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_WRITE)
    if mode == "exclusive":
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    elif mode:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
