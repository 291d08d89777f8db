"""Keyword-only functions that read and write the tables inside a caller's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, cast

from sqlalchemy import Executable, bindparam, func, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from psoas.store.tables import (
    AssessmentRow,
    CheckInRow,
    IntakeRow,
    MeasurementRow,
    PersonRow,
    PlanRow,
    RecordChangeRow,
    ReleasePauseRow,
    SessionRow,
    SessionStepRow,
    utc_now,
)

__all__ = [
    "SessionRatings",
    "StepEntry",
    "CHANGEABLE",
    "assessments_of",
    "changes_of",
    "changeable_record",
    "last_change",
    "record_state",
    "save_change",
    "set_record_state",
    "add_check_in",
    "check_in_of_day",
    "check_ins_of",
    "content_hash",
    "create_session",
    "find_person",
    "get_or_create_person",
    "get_session",
    "intakes_of",
    "latest_answered_assessment",
    "latest_screen",
    "latest_assessment",
    "latest_intake",
    "latest_plan",
    "latest_unfinished_session",
    "list_people",
    "lock_existing_person",
    "lock_person",
    "lock_session",
    "measurements_of",
    "pauses_of",
    "plans_of",
    "save_assessment",
    "save_check_in",
    "save_intake",
    "save_measurement",
    "save_pause",
    "save_plan",
    "save_progress",
    "session_ratings_of",
    "sessions_of",
    "set_aftermath",
    "steps_of",
    "steps_of_sessions",
    "tracking_version",
    "values_near_start",
    "NearStart",
]


def content_hash(document: dict[str, Any]) -> str:
    """A stable SHA-256 of a JSON document, independent of key order."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find_person(session: Session, *, label: str) -> PersonRow | None:
    """The person without a practitioner who goes by ``label``, if stored."""
    query = (
        select(PersonRow)
        .where(PersonRow.label == label, PersonRow.practitioner_id.is_(None))
        .order_by(PersonRow.id)
    )
    return session.scalars(query.limit(1)).first()


def lock_person(session: Session, *, label: str) -> PersonRow:
    """The person called ``label`` (created on first use), locked for this write transaction.

    Every write about a person starts here, so two writes for one person follow each
    other: a read-then-write (the same-day merge, the next plan version, the gate
    before a session) is never overtaken. The lock is an ``UPDATE`` that moves the
    person's :attr:`~psoas.store.tables.PersonRow.revision` on: on PostgreSQL it locks
    the row until the transaction ends; on SQLite the write transaction already holds
    the file's write lock (``BEGIN IMMEDIATE``). A person not yet stored is inserted
    with ``ON CONFLICT DO NOTHING`` on the unique label, so concurrent first writes make
    one person, not several; the common case (the person exists) is one statement.
    """
    person = session.scalars(_PERSONAL_LOCKED, {"person_label": label}).one_or_none()
    if person is not None:
        return person
    insert = _insert_for(session)
    session.execute(
        insert(PersonRow)
        .values(label=label, created_at=utc_now())
        .on_conflict_do_nothing(
            index_elements=[PersonRow.label], index_where=PersonRow.practitioner_id.is_(None)
        )
    )
    return session.scalars(_PERSONAL_LOCKED, {"person_label": label}).one()


def lock_existing_person(session: Session, *, label: str) -> PersonRow | None:
    """:func:`lock_person` for a person who must already be stored (None: nobody by that name)."""
    return session.scalars(_PERSONAL_LOCKED, {"person_label": label}).one_or_none()


def lock_session(
    session: Session, *, session_id: int, deleted_too: bool = False
) -> SessionRow | None:
    """A guided session (not deleted, unless ``deleted_too``), read after locking its person
    for this write transaction."""
    query = select(SessionRow.person_id).where(SessionRow.id == session_id)
    person_id = session.scalar(query if deleted_too else query.where(_CURRENT_SESSION))
    if person_id is None:
        return None
    session.execute(_LOCKED_BY_ID, {"person_id": person_id})
    return session.get(SessionRow, session_id, populate_existing=True)


def get_or_create_person(session: Session, *, label: str) -> PersonRow:
    """The person called ``label``, created on first use (and locked: see :func:`lock_person`)."""
    return lock_person(session, label=label)


# Statements that run in every write, built once rather than on each call (SQLAlchemy caches
# their compiled form either way; building a statement is what costs).
_PERSONAL_LOCKED = (
    update(PersonRow)
    .where(PersonRow.label == bindparam("person_label"), PersonRow.practitioner_id.is_(None))
    .values(revision=PersonRow.revision + 1)
    .returning(PersonRow)
    .execution_options(populate_existing=True, synchronize_session=False)
)
_LOCKED_BY_ID = (
    update(PersonRow)
    .where(PersonRow.id == bindparam("person_id"))
    .values(revision=PersonRow.revision + 1)
    .execution_options(synchronize_session=False)
)
_LATEST_ASSESSMENT = (
    select(AssessmentRow)
    .where(AssessmentRow.person_id == bindparam("person_id"))
    .order_by(AssessmentRow.id.desc())
    .limit(1)
)
_LATEST_SCREEN = (
    select(AssessmentRow, IntakeRow)
    .join(IntakeRow, IntakeRow.id == AssessmentRow.intake_id)
    .where(AssessmentRow.person_id == bindparam("person_id"))
    .order_by(AssessmentRow.id.desc())
    .limit(1)
)
_LATEST_PLAN = (
    select(PlanRow)
    .where(PlanRow.person_id == bindparam("person_id"))
    .order_by(PlanRow.version.desc())
    .limit(1)
)
_CURRENT_SESSION = SessionRow.deleted_at.is_(None)
_CHECK_IN_OF_DAY = select(CheckInRow).where(
    CheckInRow.person_id == bindparam("person_id"), CheckInRow.day == bindparam("day")
)


def _insert_for(session: Session) -> Any:
    """The dialect's INSERT with ``ON CONFLICT`` (SQLite and PostgreSQL both have one)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert
    return sqlite_insert


def save_intake(
    session: Session, *, person: PersonRow, document: dict[str, Any], source: str
) -> tuple[IntakeRow, bool]:
    """Store an intake unless the same one is already stored; returns it and whether it is new."""
    digest = content_hash(document)
    query = select(IntakeRow).where(
        IntakeRow.person_id == person.id, IntakeRow.content_hash == digest
    )
    existing = session.scalars(query).first()
    if existing is not None:
        return existing, False
    intake = IntakeRow(person=person, content_hash=digest, source=source[:500], document=document)
    session.add(intake)
    session.flush()
    return intake, True


def save_assessment(
    session: Session,
    *,
    intake: IntakeRow,
    document: dict[str, Any],
    safety_level: str,
    origin: str = "answers",
) -> AssessmentRow:
    """Store the assessment made from ``intake`` (``origin``: ``answers`` or ``warning_sign``)."""
    assessment = AssessmentRow(
        person_id=intake.person_id,
        intake_id=intake.id,
        safety_level=safety_level,
        document=document,
        origin=origin,
    )
    session.add(assessment)
    session.flush()
    return assessment


def save_plan(
    session: Session, *, assessment: AssessmentRow, document: dict[str, Any], safety_level: str
) -> tuple[PlanRow, bool]:
    """Store a new plan version unless it equals the person's latest; returns it and if new."""
    digest = content_hash(document)
    latest = latest_plan(session, person_id=assessment.person_id)
    if latest is not None and latest.content_hash == digest:
        return latest, False
    plan = PlanRow(
        person_id=assessment.person_id,
        assessment_id=assessment.id,
        version=(latest.version + 1) if latest else 1,
        content_hash=digest,
        safety_level=safety_level,
        document=document,
    )
    session.add(plan)
    session.flush()
    return plan, True


def latest_plan(session: Session, *, person_id: int) -> PlanRow | None:
    """The person's newest plan version."""
    return session.scalars(_LATEST_PLAN, {"person_id": person_id}).first()


def list_people(session: Session) -> list[tuple[PersonRow, int]]:
    """Every person with the number of intakes stored for them, in order of creation."""
    query = (
        select(PersonRow, func.count(IntakeRow.id))
        .outerjoin(IntakeRow, IntakeRow.person_id == PersonRow.id)
        .group_by(PersonRow.id)
        .order_by(PersonRow.id)
    )
    return [(person, count) for person, count in session.execute(query).all()]


def intakes_of(session: Session, *, person_id: int) -> list[IntakeRow]:
    """A person's intakes, oldest first."""
    query = select(IntakeRow).where(IntakeRow.person_id == person_id).order_by(IntakeRow.id)
    return list(session.scalars(query))


def first_intake_at(session: Session, *, person_id: int) -> datetime | None:
    """When the person's first intake was stored (the start of care); None before any."""
    query = (
        select(IntakeRow.created_at)
        .where(IntakeRow.person_id == person_id)
        .order_by(IntakeRow.id)
        .limit(1)
    )
    return session.scalar(query)


def assessments_of(session: Session, *, person_id: int) -> list[AssessmentRow]:
    """A person's assessments, oldest first."""
    query = (
        select(AssessmentRow).where(AssessmentRow.person_id == person_id).order_by(AssessmentRow.id)
    )
    return list(session.scalars(query))


def plans_of(session: Session, *, person_id: int) -> list[PlanRow]:
    """A person's plan versions, oldest first."""
    query = select(PlanRow).where(PlanRow.person_id == person_id).order_by(PlanRow.version)
    return list(session.scalars(query))


def latest_intake(session: Session, *, person_id: int) -> IntakeRow | None:
    """The person's most recently stored intake."""
    query = select(IntakeRow).where(IntakeRow.person_id == person_id).order_by(IntakeRow.id.desc())
    return session.scalars(query.limit(1)).first()


def latest_assessment(
    session: Session, *, person_id: int, origins: Sequence[str] | None = None
) -> AssessmentRow | None:
    """The person's most recent assessment (of these ``origins``, when given)."""
    if origins is None:
        return session.scalars(_LATEST_ASSESSMENT, {"person_id": person_id}).first()
    query = select(AssessmentRow).where(
        AssessmentRow.person_id == person_id, AssessmentRow.origin.in_(origins)
    )
    return session.scalars(query.order_by(AssessmentRow.id.desc()).limit(1)).first()


def latest_screen(
    session: Session, *, person_id: int, origins: Sequence[str] | None = None
) -> tuple[AssessmentRow, IntakeRow] | None:
    """The person's most recent assessment (of these ``origins``) with its intake (one query)."""
    if origins is None:
        found = session.execute(_LATEST_SCREEN, {"person_id": person_id}).first()
    else:
        query = _LATEST_SCREEN.where(AssessmentRow.origin.in_(origins))
        found = session.execute(query, {"person_id": person_id}).first()
    return (found[0], found[1]) if found is not None else None


def latest_answered_assessment(session: Session, *, person_id: int) -> AssessmentRow | None:
    """The person's newest screen made from answers they gave (not one psoas made by itself)."""
    query = (
        select(AssessmentRow)
        .where(AssessmentRow.person_id == person_id, AssessmentRow.origin == "answers")
        .order_by(AssessmentRow.id.desc())
    )
    return session.scalars(query.limit(1)).first()


def save_pause(
    session: Session, *, person_id: int, kind: str, level: str, document: dict[str, Any]
) -> ReleasePauseRow:
    """Store a pause of self-release."""
    row = ReleasePauseRow(person_id=person_id, kind=kind, level=level, document=document)
    session.add(row)
    session.flush()
    return row


def pauses_of(
    session: Session, *, person_id: int, after: datetime | None = None
) -> list[ReleasePauseRow]:
    """A person's pauses of self-release (those recorded after ``after``), oldest first."""
    query = select(ReleasePauseRow).where(ReleasePauseRow.person_id == person_id)
    if after is not None:
        query = query.where(ReleasePauseRow.recorded_at > after)
    return list(session.scalars(query.order_by(ReleasePauseRow.id)))


def create_session(
    session: Session,
    *,
    person: PersonRow,
    assessment: AssessmentRow,
    kind: str,
    tool: str | None,
    minutes: int,
    timeline: dict[str, Any],
    status: str,
    before: dict[str, Any] | None,
) -> SessionRow:
    """Store a new guided session, not yet begun."""
    row = SessionRow(
        person=person,
        assessment_id=assessment.id,
        safety_level=assessment.safety_level,
        kind=kind,
        tool=tool,
        minutes=minutes,
        timeline=timeline,
        status=status,
        step_index=0,
        step_elapsed=0.0,
        before=before,
    )
    session.add(row)
    session.flush()
    return row


def get_session(session: Session, *, session_id: int) -> SessionRow | None:
    """One session by id (None: none, or deleted)."""
    row = session.get(SessionRow, session_id)
    return row if row is not None and row.deleted_at is None else None


def sessions_of(
    session: Session, *, person_id: int | None = None, newest: int | None = None
) -> list[SessionRow]:
    """Every session (or one person's, or only the ``newest`` few), oldest first, with person."""
    query = select(SessionRow).options(selectinload(SessionRow.person)).where(_CURRENT_SESSION)
    if person_id is not None:
        query = query.where(SessionRow.person_id == person_id)
    if newest is not None:
        query = query.order_by(SessionRow.id.desc()).limit(newest)
        return sorted(session.scalars(query), key=lambda row: row.id)
    return list(session.scalars(query.order_by(SessionRow.id)))


@dataclass(frozen=True)
class SessionRatings:
    """What progress needs of a session: when it began and the ratings around it."""

    id: int
    started_at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def session_ratings_of(session: Session, *, person_id: int, status: str) -> list[SessionRatings]:
    """A person's sessions in ``status`` with their ratings only, oldest first.

    Without the timeline (kilobytes of JSON a session) that progress never reads.
    """
    query = (
        select(SessionRow.id, SessionRow.started_at, SessionRow.before, SessionRow.after)
        .where(SessionRow.person_id == person_id, SessionRow.status == status, _CURRENT_SESSION)
        .order_by(SessionRow.id)
    )
    return [SessionRatings(*row) for row in session.execute(query)]


def latest_unfinished_session(
    session: Session, *, person_id: int, status: str
) -> SessionRow | None:
    """The person's newest session still in ``status`` (the one a resume continues)."""
    query = (
        select(SessionRow)
        .where(SessionRow.person_id == person_id, SessionRow.status == status, _CURRENT_SESSION)
        .order_by(SessionRow.id.desc())
    )
    return session.scalars(query.limit(1)).first()


@dataclass(frozen=True)
class StepEntry:
    """What is stored of one step: planned and spent seconds, and how it was left."""

    index: int
    phase: str
    side: str | None
    planned_seconds: int
    spent_seconds: float
    outcome: str | None


def save_progress(
    session: Session,
    *,
    session_id: int,
    status: str,
    step_index: int,
    step_elapsed: float,
    steps: Sequence[StepEntry],
    finished: bool,
) -> None:
    """Record a checkpoint: the position, and each step's row (updated, never duplicated)."""
    row = session.get(SessionRow, session_id)
    if row is None:
        raise LookupError(f"no session {session_id}")
    now = utc_now()
    row.status = status
    row.step_index = step_index
    row.step_elapsed = step_elapsed
    row.updated_at = now
    row.finished_at = now if finished else None
    stored = {step.step_index: step for step in steps_of(session, session_id=session_id)}
    for entry in steps:
        step_row = stored.get(entry.index)
        if step_row is None:
            session.add(
                SessionStepRow(
                    session_id=session_id,
                    step_index=entry.index,
                    phase=entry.phase,
                    side=entry.side,
                    planned_seconds=entry.planned_seconds,
                    spent_seconds=entry.spent_seconds,
                    outcome=entry.outcome,
                )
            )
        elif (step_row.spent_seconds, step_row.outcome) != (entry.spent_seconds, entry.outcome):
            step_row.spent_seconds = entry.spent_seconds
            step_row.outcome = entry.outcome
    session.flush()


def steps_of(session: Session, *, session_id: int) -> list[SessionStepRow]:
    """A session's step rows, in step order."""
    return steps_of_sessions(session, session_ids=[session_id]).get(session_id, [])


def steps_of_sessions(
    session: Session, *, session_ids: Sequence[int]
) -> dict[int, list[SessionStepRow]]:
    """The step rows of many sessions in one query, by session id, each in step order."""
    query = (
        select(SessionStepRow)
        .where(SessionStepRow.session_id.in_(session_ids))
        .order_by(SessionStepRow.session_id, SessionStepRow.step_index)
    )
    found: dict[int, list[SessionStepRow]] = {}
    for row in session.scalars(query):
        found.setdefault(row.session_id, []).append(row)
    return found


def set_aftermath(
    session: Session,
    *,
    session_id: int,
    after: dict[str, Any] | None,
    felt: list[str] | None,
    adverse_events: list[str] | None = None,
    at: datetime | None = None,
) -> None:
    """Keep the ratings after a session, what was felt, and what went wrong."""
    row = session.get(SessionRow, session_id)
    if row is None:
        raise LookupError(f"no session {session_id}")
    row.after = after
    row.felt = felt
    row.adverse_events = adverse_events
    row.updated_at = at or utc_now()


def save_measurement(
    session: Session, *, person: PersonRow, taken_on: date, document: dict[str, Any]
) -> MeasurementRow:
    """Store a measurement."""
    row = MeasurementRow(person_id=person.id, taken_on=taken_on, document=document)
    session.add(row)
    session.flush()
    return row


def measurements_of(session: Session, *, person_id: int) -> list[MeasurementRow]:
    """A person's measurements, by date then by when they were stored."""
    query = (
        select(MeasurementRow)
        .where(MeasurementRow.person_id == person_id, MeasurementRow.deleted_at.is_(None))
        .order_by(MeasurementRow.taken_on, MeasurementRow.id)
    )
    return list(session.scalars(query))


def save_check_in(
    session: Session,
    *,
    person: PersonRow,
    day: date,
    document: dict[str, Any],
    earlier: CheckInRow | None | Literal["unread"] = "unread",
) -> tuple[CheckInRow, bool]:
    """Store the day's check-in, replacing an earlier one of the same day; returns it and that.

    The caller merges what it wants kept of the earlier one (:func:`check_in_of_day`), and
    may hand that row (or None: there is none) in as ``earlier`` so it is not read twice.
    A deleted earlier one is taken back with ``document`` alone (its answers stay in the
    trail of changes).
    """
    row = check_in_of_day(session, person_id=person.id, day=day) if earlier == "unread" else earlier
    replaced = row is not None
    if row is None:
        row = CheckInRow(person_id=person.id, day=day, document=document)
        session.add(row)
    else:
        replaced = row.deleted_at is None
        row.document = document
        row.updated_at = utc_now()
        row.deleted_at = None
    session.flush()
    return row, replaced


def add_check_in(
    session: Session, *, person: PersonRow, day: date, document: dict[str, Any]
) -> bool:
    """Store the day's check-in if the day has none yet (one statement); False if it has one.

    The common case, a new day, costs one ``INSERT ... ON CONFLICT DO NOTHING``; for a
    day already logged the caller merges with :func:`check_in_of_day` and
    :func:`save_check_in`.
    """
    statement = _new_check_in(session.get_bind().dialect.name)
    added = session.execute(
        statement, {"person_id": person.id, "day": day, "document": document}
    ).first()
    return added is not None


@lru_cache(maxsize=2)
def _new_check_in(dialect: str) -> Executable:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = CheckInRow.metadata.tables[CheckInRow.__tablename__]  # Core: no ORM bookkeeping
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.person_id, table.c.day])
        .returning(table.c.id)
    )


def check_in_of_day(session: Session, *, person_id: int, day: date) -> CheckInRow | None:
    """The check-in stored for one day, if any (also a deleted one: see ``deleted_at``)."""
    return session.scalars(_CHECK_IN_OF_DAY, {"person_id": person_id, "day": day}).first()


@dataclass(frozen=True)
class NearStart:
    """:func:`values_near_start`'s answer: the values, and each field's first day with one."""

    values: list[tuple[date, dict[str, float]]]
    firsts: dict[str, date]


def values_near_start(
    session: Session, *, person_id: int, fields: Sequence[str], span_days: int
) -> NearStart:
    """The ``fields`` of check-ins and measurements dated within ``span_days`` of each one's first.

    Bounded by the start of tracking, however long the history: what a baseline is taken
    from, read without loading every record (one indexed lookup per field, then two weeks).
    """
    firsts_query, near = _near_start_queries(tuple(fields))
    found = session.execute(firsts_query, {"person_id": person_id}).one()
    firsts: dict[str, date] = {}
    for n, first in enumerate(found):  # the fields of check-ins, then those of measurements
        name = fields[n % len(fields)]
        if first is not None and (name not in firsts or first < firsts[name]):
            firsts[name] = first
    if not firsts:
        return NearStart([], {})
    start = min(firsts.values())
    end = max(firsts.values()) + timedelta(days=span_days)
    values: list[tuple[date, dict[str, float]]] = []
    for row_day, *numbers in session.execute(
        near, {"person_id": person_id, "start": start, "end": end}
    ):
        given = {name: n for name, n in zip(fields, numbers, strict=True) if n is not None}
        if given:
            values.append((row_day, given))
    return NearStart(values, firsts)


@lru_cache(maxsize=8)
def _near_start_queries(fields: tuple[str, ...]) -> tuple[Executable, Executable]:
    """:func:`values_near_start`'s two statements, built once (they run inside every write)."""
    sources = ((CheckInRow, CheckInRow.day), (MeasurementRow, MeasurementRow.taken_on))
    person_id: Any = bindparam("person_id")
    # The first day with each value: walked up the (person, day) index from the start and
    # stopped at the first row that has it, so the cost does not grow with the history.
    firsts = select(
        *(
            select(day)
            .where(
                table.person_id == person_id,
                table.deleted_at.is_(None),
                table.document[name].as_float().is_not(None),
            )
            .order_by(day)
            .limit(1)
            .scalar_subquery()
            for table, day in sources
            for name in fields
        )
    )
    near = union_all(
        *(
            select(day.label("day"), *(table.document[name].as_float() for name in fields)).where(
                table.person_id == person_id,
                table.deleted_at.is_(None),
                day >= bindparam("start"),
                day < bindparam("end"),
            )
            for table, day in sources
        )
    )
    return firsts, near


def check_ins_of(session: Session, *, person_id: int) -> list[CheckInRow]:
    """A person's check-ins, oldest day first."""
    query = (
        select(CheckInRow)
        .where(CheckInRow.person_id == person_id, CheckInRow.deleted_at.is_(None))
        .order_by(CheckInRow.day)
    )
    return list(session.scalars(query))


def tracking_version(session: Session, *, person_id: int) -> tuple[Any, ...]:
    """A value that changes whenever anything progress (or a page of it) is made of changes.

    Counts and newest stamps of check-ins, measurements, sessions, plan versions,
    assessments, release pauses and changes (a correction, deletion or undo), in one
    query of indexed aggregates: far cheaper than the records.
    """
    parts = []
    for table, stamp in (
        (CheckInRow, CheckInRow.updated_at),
        (MeasurementRow, MeasurementRow.id),
        (SessionRow, SessionRow.updated_at),
        (PlanRow, PlanRow.version),
        (AssessmentRow, AssessmentRow.id),
        (ReleasePauseRow, ReleasePauseRow.id),
        (RecordChangeRow, RecordChangeRow.id),
    ):
        mine = table.person_id == person_id
        parts += [
            select(func.count()).where(mine).scalar_subquery(),
            select(func.max(stamp)).where(mine).scalar_subquery(),
        ]
    return tuple(session.execute(select(*parts)).one())


ChangeableRow = CheckInRow | MeasurementRow | SessionRow
CHANGEABLE: dict[str, type[CheckInRow] | type[MeasurementRow] | type[SessionRow]] = {
    "check_in": CheckInRow,
    "measurement": MeasurementRow,
    "session": SessionRow,
}
"""The records a person may correct or delete, by the kind a change names them with."""

_SESSION_STATE = ("before", "after", "felt", "adverse_events")
"""What of a session a change keeps and restores: the ratings around it and what was felt."""


def changeable_record(
    session: Session, *, person_id: int, kind: str, record_id: int, deleted: bool = False
) -> ChangeableRow | None:
    """One of the person's check-ins, measurements or sessions by id (None: not theirs).

    A deleted record is found only when ``deleted`` is true (an undo looks for it).
    """
    table = CHANGEABLE[kind]
    query = select(table).where(table.id == record_id, table.person_id == person_id)
    if not deleted:
        query = query.where(table.deleted_at.is_(None))
    found = session.scalars(query.execution_options(populate_existing=True)).first()
    return cast(ChangeableRow | None, found)


def record_state(row: ChangeableRow) -> dict[str, Any]:
    """What a change replaces of a record: its document (a session: ratings and what was felt)."""
    if isinstance(row, SessionRow):
        return {name: getattr(row, name) for name in _SESSION_STATE}
    return dict(row.document)


def set_record_state(row: ChangeableRow, state: dict[str, Any] | None) -> None:
    """Put ``state`` (as :func:`record_state` gives it) into the record; None deletes it."""
    now = utc_now()
    if state is None:
        row.deleted_at = now
    else:
        row.deleted_at = None
        if isinstance(row, SessionRow):
            for name in _SESSION_STATE:
                setattr(row, name, state.get(name))
        else:
            row.document = state
            if isinstance(row, MeasurementRow):
                row.taken_on = date.fromisoformat(state["taken_on"])
    if not isinstance(row, MeasurementRow):
        row.updated_at = now


def save_change(
    session: Session,
    *,
    person_id: int,
    row: ChangeableRow,
    kind: str,
    action: str,
    result: dict[str, Any] | None,
    reason: str | None,
    undoes: RecordChangeRow | None = None,
) -> RecordChangeRow:
    """Keep what ``row`` is now in the trail, then change it to ``result`` (None: delete it)."""
    change = RecordChangeRow(
        person_id=person_id,
        record_kind=kind,
        record_id=row.id,
        action=action,
        replaced=record_state(row),
        result=result,
        reason=reason,
        undoes_id=undoes.id if undoes is not None else None,
    )
    session.add(change)
    set_record_state(row, result)
    session.flush()
    return change


def last_change(session: Session, *, person_id: int) -> RecordChangeRow | None:
    """The person's newest correction or deletion not undone yet (undos are not counted)."""
    undo = RecordChangeRow.__table__.alias("undo")
    query = (
        select(RecordChangeRow)
        .where(
            RecordChangeRow.person_id == person_id,
            RecordChangeRow.undoes_id.is_(None),
            ~select(undo.c.id).where(undo.c.undoes_id == RecordChangeRow.id).exists(),
        )
        .order_by(RecordChangeRow.id.desc())
    )
    return session.scalars(query.limit(1)).first()


def changes_of(session: Session, *, person_id: int) -> list[RecordChangeRow]:
    """Every change to the person's records, oldest first."""
    query = (
        select(RecordChangeRow)
        .where(RecordChangeRow.person_id == person_id)
        .order_by(RecordChangeRow.id)
    )
    return list(session.scalars(query))
