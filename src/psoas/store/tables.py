"""The tables: practitioners, people, intakes, assessments, plans, sessions, measures, logs, pauses,
and the trail of changes to logs, measures and sessions.

Contract documents are kept whole as JSON (the record of what was said and
concluded, exactly as it was) beside the columns that are queried.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

Document = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class PractitionerRow(Base):
    """A practitioner who sees clients (accounts arrive with the practitioner issue)."""

    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


PERSONAL = text("practitioner_id IS NULL")


class PersonRow(Base):
    """A person whose psoas care is recorded; ``label`` is how they are named locally.

    One person per label and practitioner, also without a practitioner: SQL counts two
    NULLs as different, so the pair's unique key alone would let two "me" in at once;
    a partial unique index on the label of people without a practitioner closes that.
    """

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("practitioner_id", "label"),
        Index(
            "uq_people_personal_label",
            "label",
            unique=True,
            sqlite_where=PERSONAL,
            postgresql_where=PERSONAL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Moved on by every write about the person (the lock each write starts with)."""

    intakes: Mapped[list[IntakeRow]] = relationship(back_populates="person")


class IntakeRow(Base):
    """An intake document as given, deduplicated per person by content hash."""

    __tablename__ = "intakes"
    __table_args__ = (UniqueConstraint("person_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(500))
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    person: Mapped[PersonRow] = relationship(back_populates="intakes")


class AssessmentRow(Base):
    """The assessment made from one intake.

    ``origin`` is ``answers`` when the person (or their practitioner) gave the
    answers, and ``warning_sign`` when psoas screened again by itself because a
    check-in reported a new warning sign: only answered screens lift a pause.
    """

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    safety_level: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16), default="answers", server_default="answers")
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class PlanRow(Base):
    """One version of a person's plan; a new version is stored only when the plan changes."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    safety_level: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class SessionRow(Base):
    """A guided session: its timeline, where it is, and the ratings around it.

    ``step_index`` and ``step_elapsed`` are the last checkpoint: a session that
    was interrupted continues from there.
    """

    __tablename__ = "sessions"
    # The newest sessions of a person (the dashboard) read this index backwards.
    __table_args__ = (Index("ix_sessions_person_id_id", "person_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    """The safety screen that allowed it."""
    safety_level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    tool: Mapped[str | None] = mapped_column(String(32))
    minutes: Mapped[int] = mapped_column(Integer)
    timeline: Mapped[dict[str, Any]] = mapped_column(Document)
    status: Mapped[str] = mapped_column(String(16), index=True)
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    step_elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    before: Mapped[dict[str, Any] | None] = mapped_column(Document)
    after: Mapped[dict[str, Any] | None] = mapped_column(Document)
    felt: Mapped[list[str] | None] = mapped_column(Document)
    adverse_events: Mapped[list[str] | None] = mapped_column(Document)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when the person deleted it: the row stays for the trail, out of every reading."""

    person: Mapped[PersonRow] = relationship()


class SessionStepRow(Base):
    """One step of a session as it went; one row per step, however often it was saved."""

    __tablename__ = "session_steps"
    __table_args__ = (UniqueConstraint("session_id", "step_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    step_index: Mapped[int] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(32))
    side: Mapped[str | None] = mapped_column(String(8))
    planned_seconds: Mapped[int] = mapped_column(Integer)
    spent_seconds: Mapped[float] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(String(16))


class MeasurementRow(Base):
    """A dated reassessment (``psoas.measures/1``); several may share a day."""

    __tablename__ = "measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when the person deleted it: the row stays for the trail, out of every reading."""


class CheckInRow(Base):
    """One day's log (``psoas.checkin/1``); logging the same day again replaces it.

    A deleted day keeps its row (``deleted_at``), so the day stays unique: logging the
    day again takes the row back with only the new answers (the deleted ones are in the
    trail, :class:`RecordChangeRow`).
    """

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when the person deleted it: the row stays for the trail, out of every reading."""


class ReleasePauseRow(Base):
    """A pause of self-release (``psoas.core.gates.Pause``): a pain rating or an adverse event.

    Append-only: a pause is lifted by a newer answered screen, never by changing this row.
    """

    __tablename__ = "release_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(Document)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)


class RecordChangeRow(Base):
    """One correction, deletion or undo of a check-in, measurement or session; never changed.

    ``replaced`` is the record as it was before the change, ``result`` as the change left
    it (None: deleted). An undo is a change too (action ``restored``), naming the change
    it undid in ``undoes_id`` (unique: a change is undone at most once).
    """

    __tablename__ = "record_changes"
    __table_args__ = (Index("ix_record_changes_person_id_id", "person_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    record_kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    replaced: Mapped[dict[str, Any]] = mapped_column(Document)
    result: Mapped[dict[str, Any] | None] = mapped_column(Document)
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    undoes_id: Mapped[int | None] = mapped_column(
        ForeignKey("record_changes.id", ondelete="CASCADE"), unique=True
    )
