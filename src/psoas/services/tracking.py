"""Measures, daily check-ins and progress: record them, and let the rules adapt the plan.

After every measurement or check-in the gates and the progress rules run:

- A pain rating of 8 or more, or 2 above the intake's or the baseline, pauses
  self-release at once (:mod:`psoas.services.gates`), in the same transaction
  as the record, so the session gate refuses release from then on.
- A new warning sign in a check-in screens the person again at once (their
  newest answers with that one changed), so release stops straight away and
  the new plan holds the referral where the screen gives one.
- Steady improvement held over 4 weeks with good adherence stores a
  maintenance version of the plan, but never in the step that paused release,
  while release is paused, or while the screen refers or is urgent.
"""

from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import ThresholdId
from psoas.content.words import say
from psoas.core.assessment import Assessment, assess
from psoas.core.gates import Pause, describe_pause
from psoas.core.measures import (
    CheckIn,
    DayToConfirm,
    Measurement,
    check_done_in_plan,
    check_not_in_future,
    day_to_confirm,
    first_day_unconfirmed,
    kept_within_bounds,
)
from psoas.core.measures import parse_check_ins as parse_check_ins  # the faces' batch readers
from psoas.core.measures import parse_measurements as parse_measurements
from psoas.core.planning import Plan, ProgramPhase, build_plan
from psoas.core.progress import (
    PlanSpan,
    Progress,
    RecommendationKind,
    SessionEffect,
    care_anchor,
    compute_progress,
    plan_span,
)
from psoas.core.records import checked_person_label
from psoas.core.session_records import Ratings, SessionStatus
from psoas.documents import read_document
from psoas.errors import FieldProblem, InvalidValues, UnconfirmedDay, UnknownId
from psoas.services import gates
from psoas.services.caching import SingleFlightCache, StoredDocument
from psoas.store import Database
from psoas.store import repository as repo
from psoas.store.tables import PersonRow


@dataclass(frozen=True)
class TrackingOutcome:
    """What recording measurements or check-ins stored, for the face to tell.

    Only what the write itself did: progress, and a move to maintenance it may call
    for, come after the commit (:func:`apply_progress_rules`).
    """

    person: str
    recorded: int = 0
    """How many measurements or check-ins were stored."""
    merged: int = 0
    """How many check-ins were added to one already stored for their day."""
    stored: list[dict[str, Any]] = field(default_factory=list)
    """Each record as stored (a same-day check-in: joined with the one before)."""
    rescreen: Assessment | None = None
    """The new safety screen made because of a new warning sign."""
    rescreen_impossible: bool = False
    """A warning sign was reported but no intake is stored to screen again."""
    plan_version: int | None = None
    """A new plan version stored after a new screen."""
    paused: list[str] = field(default_factory=list)
    """Why self-release was paused by what was just recorded, in words (empty: not paused)."""


@dataclass(frozen=True)
class RulesOutcome:
    """What the progress rules found after a write, and the plan version they stored."""

    progress: Progress
    plan_version: int | None = None
    """A maintenance version of the plan, stored because improvement has held."""
    notes: list[str] = field(default_factory=list)


def record_measurements(
    database: Database,
    *,
    person: str,
    measurements: Sequence[Measurement],
    today: date,
    source: str,
) -> TrackingOutcome:
    """Store measurements (none dated after today) and the pauses they call for.

    All or nothing: one refused measurement stores none of them.
    """
    for n, measurement in enumerate(measurements):
        where = _item_source(source, n, len(measurements))
        check_not_in_future(measurement.taken_on, today=today, field="taken_on", source=where)
    documents = [measurement.to_document() for measurement in measurements]
    with database.transaction() as session:
        person_row = repo.lock_person(session, label=checked_person_label(person))
        check_confirmed_days(
            session,
            person_row,
            [(m.taken_on, m.backfill) for m in measurements],
            field="taken_on",
            today=today,
            source=source,
        )
        references = gates.pain_references(session, person_row)
        for measurement, document in zip(measurements, documents, strict=True):
            repo.save_measurement(
                session, person=person_row, taken_on=measurement.taken_on, document=document
            )
        pauses = gates.pause_for_pain(
            session,
            person_row,
            [(m.taken_on, m.values()) for m in measurements],
            references=references,
        )
    return TrackingOutcome(
        person=person_row.label,
        recorded=len(measurements),
        stored=documents,
        paused=_described(pauses),
    )


def record_check_ins(
    database: Database, *, person: str, check_ins: Sequence[CheckIn], today: date, source: str
) -> TrackingOutcome:
    """Store check-ins (``done`` naming items of the current plan) and the pauses they call for.

    A second check-in of a day is added to the first, under the person's lock, so two
    sent at once both count. A new warning sign screens the person again at once.
    All or nothing: one refused check-in stores none.
    """
    for n, check_in in enumerate(check_ins):
        where = _item_source(source, n, len(check_ins))
        check_not_in_future(check_in.day, today=today, field="day", source=where)
    merged = 0
    rescreen = None
    impossible = False
    screened_plan = None
    stored = []
    with database.transaction() as session:
        person_row = repo.lock_person(session, label=checked_person_label(person))
        check_confirmed_days(
            session,
            person_row,
            [(c.day, c.backfill) for c in check_ins],
            field="day",
            today=today,
            source=source,
        )
        context = gates.write_context(session, person_row, store_serial=database.serial)
        screen, references = context.screen, context.references
        if any(check_in.done for check_in in check_ins):
            latest = _current_plan(session, person_row, current=screen)
            in_plan = [item.technique for item in latest.items] if latest else []
            for n, check_in in enumerate(check_ins):
                where = _item_source(source, n, len(check_ins))
                check_done_in_plan(check_in, in_plan, source=where)
        for check_in in check_ins:
            document = check_in.to_document()
            if not repo.add_check_in(
                session, person=person_row, day=check_in.day, document=document
            ):
                earlier = repo.check_in_of_day(session, person_id=person_row.id, day=check_in.day)
                assert earlier is not None  # the person's lock keeps it there
                whole = check_in
                if earlier.deleted_at is None:  # a deleted day is logged afresh
                    whole = CheckIn.model_validate(earlier.document).merged_with(check_in)
                    merged += 1
                document = whole.to_document()
                repo.save_check_in(
                    session, person=person_row, day=whole.day, document=document, earlier=earlier
                )
            stored.append(document)
            if check_in.red_flags:
                screened = screen_again(session, person_row, check_in)
                impossible = screened is None
                if screened is not None:
                    rescreen, screened_plan = screened
        pauses = gates.pause_for_pain(
            session,
            person_row,
            [(c.day, c.values()) for c in check_ins],  # what was given now, not merged
            references=references,
        )
        for check_in in check_ins:
            signs = gates.pause_for_warning_signs(
                session, person_row, check_in.red_flags, day=check_in.day
            )
            problems = gates.pause_for_adverse_events(
                session, person_row, check_in.adverse_events, session_id=None
            )
            pauses += [pause for pause in (signs, problems) if pause is not None]
    if not pauses and rescreen is None and not impossible:
        gates.keep_write_context(
            person_row,
            context,
            store_serial=database.serial,
            rated=[(c.day, c.values()) for c in check_ins],
        )
    return TrackingOutcome(
        person=person_row.label,
        recorded=len(check_ins),
        merged=merged,
        stored=stored,
        rescreen=rescreen,
        rescreen_impossible=impossible,
        plan_version=screened_plan,
        paused=_described(pauses),
    )


def check_days_confirmed(
    database: Database,
    *,
    person: str,
    days: Sequence[date],
    field: str,
    today: date,
    source: str,
) -> None:
    """Before asking for a record's values: refuse a day that needs confirming, as storing would.

    A face that asks its questions one by one asks for the confirmation first.
    """
    with database.reading() as session:
        person_row = repo.find_person(session, label=checked_person_label(person))
        _refuse_unconfirmed(
            [(day, None) for day in days],
            field=field,
            today=today,
            source=source,
            start=lambda: start_of_care(session, person_row) if person_row else None,
        )


def confirm_before(database: Database, *, person: str, today: date) -> date:
    """The earliest day a record can be dated without confirming it (a form asks before it)."""
    with database.reading() as session:
        person_row = repo.find_person(session, label=checked_person_label(person))
        began = start_of_care(session, person_row) if person_row else None
    days_back = int(load_knowledge_base().threshold(ThresholdId.BACKFILL_CONFIRM_DAYS))
    return first_day_unconfirmed(today=today, start_of_care=began, days_back=days_back)


def check_confirmed_days(
    session: Session,
    person_row: PersonRow,
    records: Sequence[tuple[date, bool | None]],
    *,
    field: str,
    today: date,
    source: str,
) -> None:
    """In a write, under the person's lock: refuse a day that needs confirming (nothing stored)."""
    _refuse_unconfirmed(
        records,
        field=field,
        today=today,
        source=source,
        start=lambda: start_of_care(session, person_row),
    )


def _refuse_unconfirmed(
    records: Sequence[tuple[date, bool | None]],
    *,
    field: str,
    today: date,
    source: str,
    start: Callable[[], date | None],
) -> None:
    """Refuse a record whose day needs confirming (``backfill``) and is not confirmed.

    A day more than 60 days back or before the first intake (``backfill_confirm_days``,
    :func:`psoas.core.measures.day_to_confirm`) needs ``backfill: true``. The error names
    the first such record's ``field`` and ``backfill``, and holds every such day.
    ``start`` reads the start of care, only when a day before today is given.
    """
    open_days = [(n, day) for n, (day, confirmed) in enumerate(records) if not confirmed]
    if not open_days or all(day >= today for _, day in open_days):
        return  # today's check-in, the usual write, reads nothing more
    knowledge = load_knowledge_base()
    days_back = int(knowledge.threshold(ThresholdId.BACKFILL_CONFIRM_DAYS))
    began = start()
    found = [
        (n, day, why)
        for n, day in open_days
        if (why := day_to_confirm(day, today=today, start_of_care=began, days_back=days_back))
    ]
    if not found:
        return
    n, day, why = found[0]
    reason = (
        say("checkin.day_long_ago", day=day.isoformat(), limit=days_back)
        if why is DayToConfirm.LONG_AGO
        else say("checkin.day_before_care", day=day.isoformat(), start=_iso(began))
    )
    problems = [
        FieldProblem(field, reason),
        FieldProblem("backfill", say("checkin.backfill_needed", day=day.isoformat())),
    ]
    raise UnconfirmedDay(
        _item_source(source, n, len(records)), problems, [found_day for _, found_day, _ in found]
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def start_of_care(session: Session, person_row: PersonRow) -> date | None:
    """The day of the person's first intake (where the baseline is anchored); None before one."""
    first = repo.first_intake_at(session, person_id=person_row.id)
    return first.astimezone().date() if first else None


def apply_progress_rules(database: Database, *, person: str, today: date) -> RulesOutcome:
    """After a write has committed: progress, and the move to maintenance it may call for.

    Progress is computed outside any write transaction. The maintenance version is then
    stored in a short write of its own, only if nothing was recorded for the person in
    between (the rules would then be judging old data; that write runs them again).
    """
    version = _known_version(database, person)
    found = progress(database, person=person, today=today)
    kinds = {recommendation.kind for recommendation in found.recommendations}
    if RecommendationKind.MAINTENANCE not in kinds:
        return RulesOutcome(progress=found)
    with database.transaction() as session:
        person_row = repo.lock_existing_person(session, label=person)
        if person_row is None or (database.serial, _version(session, person_row)) != version:
            return RulesOutcome(progress=found)
        plan_version = _store_plan(session, person_row, ProgramPhase.MAINTENANCE)
    if plan_version is None:
        return RulesOutcome(progress=found)
    note = f"Your plan moved to its maintenance phase (version {plan_version})."
    return RulesOutcome(
        progress=progress(database, person=person, today=today),
        plan_version=plan_version,
        notes=[note],
    )


def _described(pauses: Sequence[Pause]) -> list[str]:
    knowledge = load_knowledge_base()
    return [describe_pause(pause, knowledge) for pause in pauses]


def progress(
    database: Database, *, person: str, today: date, since: date | None = None
) -> Progress:
    """A person's progress up to ``today`` (kept while their records are unchanged)."""
    _refuse_a_future_start(since, today)
    version = _known_version(database, person)
    return _PROGRESS.get_or_make(
        (version, today, since),
        lambda: _fresh_progress(database, person, today, since),
        group=(records_of(version), since),
    )


def progress_json(
    database: Database, *, person: str, today: date, since: date | None = None
) -> bytes:
    """:func:`progress` as ``psoas.progress/1`` JSON bytes, kept while nothing changes."""
    _refuse_a_future_start(since, today)
    version = _known_version(database, person)
    return _PROGRESS_JSON.get_or_make(
        (version, today, since),
        lambda: (
            progress(database, person=person, today=today, since=since)
            .model_dump_json(by_alias=True)
            .encode("utf-8")
        ),
        group=(records_of(version), since),
    )


def _refuse_a_future_start(since: date | None, today: date) -> None:
    """Progress from a day still to come would be empty and say nothing: that is a mistake."""
    if since is not None and since > today:
        problem = FieldProblem("since", f"{since.isoformat()} is after today ({today.isoformat()})")
        raise InvalidValues("progress", [problem])


VERSION_TRUSTED_FOR = 1.0
"""Seconds a reading of the store's version is reused while this process has written nothing.

Writes made here are seen at once (the database counts them); a check-in made by
another process, such as the CLI beside the web app, shows within this long.
"""


def data_version(database: Database, *, person: str) -> tuple[Any, ...] | None:
    """What changes whenever anything stored for the person changes (None: nobody stored)."""
    key = (database.serial, person)
    now = time.monotonic()
    with _VERSIONS_LOCK:
        kept = _VERSIONS.get(key)
    if kept is not None and kept[0] == database.writes and now - kept[1] < VERSION_TRUSTED_FOR:
        return kept[2]
    writes = database.writes  # read first: a write during the query makes the next call look again
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        version = (database.serial, _version(session, person_row)) if person_row else None
    with _VERSIONS_LOCK:
        _VERSIONS[key] = (writes, now, version)
    return version


def records_of(version: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """Whose records a :func:`data_version` is of (the store and the person), as every version
    of them says: a cache keeps one version of a person's values (see
    :mod:`psoas.services.caching`)."""
    if version is None:
        return None
    serial, (person_id, *_) = version
    return (serial, person_id)


_VERSIONS: dict[tuple[int, str], tuple[int, float, tuple[Any, ...] | None]] = {}
_VERSIONS_LOCK = threading.Lock()


def _known_version(database: Database, person: str) -> tuple[Any, ...]:
    version = data_version(database, person=person)
    if version is not None:
        return version
    with database.reading() as session:  # nobody by that name: say so, and how to start
        return (database.serial, _version(session, find_person(session, person)))


def _fresh_progress(database: Database, person: str, today: date, since: date | None) -> Progress:
    with database.reading() as session:
        person_row = find_person(session, person)
        return _progress(session, person_row, today, since)


def _version(session: Session, person_row: PersonRow) -> tuple[Any, ...]:
    return (person_row.id, *repo.tracking_version(session, person_id=person_row.id))


_PROGRESS: SingleFlightCache[Progress] = SingleFlightCache(size=8)  # 1-2 MB each at 2 years
_PROGRESS_JSON: SingleFlightCache[bytes] = SingleFlightCache(size=8)


def current_plan(database: Database, *, person: str) -> Plan | None:
    """The plan in force: the newest version, remade if today's safety rules screen differently.

    A plan stored before a safety rule changed could hold an item the rule now
    rules out; the plan shown and checked against is then made again from the
    same answers and phase (and stored the next time anything is recorded).
    """
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        return _current_plan(session, person_row) if person_row else None


@lru_cache(maxsize=64)
def _stored_plan(stored: StoredDocument) -> Plan:
    """A stored plan version parsed once per process (rows never change; plans are frozen)."""
    return Plan.model_validate(stored.document)


def _current_plan(
    session: Session, person_row: PersonRow, *, current: gates.Screen | None = gates.UNREAD
) -> Plan | None:
    row = repo.latest_plan(session, person_id=person_row.id)
    if row is None:
        return None
    stored = _stored_plan(StoredDocument(row.id, row.content_hash, row.document))
    if current is gates.UNREAD:
        current = gates.current_screen(session, person_row)
    if current is None or current[1].safety == stored.safety:
        return stored
    _, assessment, intake = current
    return build_plan(intake, assessment, load_knowledge_base(), stored.phase)


def read_measurements(path: Path) -> list[Measurement]:
    """A file of one measurement or a list of them (JSON or YAML)."""
    return parse_measurements(read_document(path), source=str(path))


def read_check_ins(path: Path) -> list[CheckIn]:
    """A file of one check-in or a list of them (JSON or YAML)."""
    return parse_check_ins(read_document(path), source=str(path))


def find_person(session: Session, person: str) -> PersonRow:
    """The stored person called ``person``, or an error that suggests near names."""
    row = repo.find_person(session, label=person)
    if row is None:
        labels = [found.label for found, _ in repo.list_people(session)]
        close = difflib.get_close_matches(person, labels, n=2)
        start = "nothing is stored yet; start with 'psoas intake', 'psoas plan FILE' or 'psoas log'"
        raise UnknownId("person", person, close, otherwise=start)
    return row


def _progress_inputs(
    session: Session, person_row: PersonRow, start: date | None
) -> tuple[list[Measurement], list[CheckIn], list[SessionEffect], list[PlanSpan]]:
    """Everything stored that progress is computed from, as core types."""
    measurements = kept_within_bounds(
        Measurement,
        (row.document for row in repo.measurements_of(session, person_id=person_row.id)),
    )
    check_ins = kept_within_bounds(
        CheckIn, (row.document for row in repo.check_ins_of(session, person_id=person_row.id))
    )
    effects = [
        _effect(row)
        for row in repo.session_ratings_of(
            session, person_id=person_row.id, status=SessionStatus.COMPLETED.value
        )
    ]
    spans = [
        plan_span(Plan.model_validate(row.document), row.created_at.astimezone().date())
        for row in repo.plans_of(session, person_id=person_row.id)
    ]
    tracked = sorted({m.taken_on for m in measurements} | {c.day for c in check_ins})
    if spans and tracked:
        # A history imported after the plan was saved: the first plan counts from where the
        # baseline starts (not from a stray record years before it).
        span_days = int(load_knowledge_base().threshold(ThresholdId.BASELINE_SPAN_DAYS))
        begins = care_anchor(tracked, span_days=span_days, start_of_care=start)
        if begins < spans[0].since:
            spans[0] = spans[0].model_copy(update={"since": begins})
    return measurements, check_ins, effects, spans


def _effect(row: repo.SessionRatings) -> SessionEffect:
    before = Ratings.model_validate(row.before or {})
    after = Ratings.model_validate(row.after or {})
    return SessionEffect(
        session_id=row.id,
        day=row.started_at.astimezone().date(),
        change=before.change_to(after) if row.before and row.after else {},
        before=before.given(),
        after=after.given(),
    )


def _progress(session: Session, person_row: PersonRow, today: date, since: date | None) -> Progress:
    start = start_of_care(session, person_row)
    measurements, check_ins, effects, spans = _progress_inputs(session, person_row, start)
    return compute_progress(
        measurements=measurements,
        check_ins=check_ins,
        sessions=effects,
        plans=spans,
        knowledge=load_knowledge_base(),
        as_of=today,
        since=since,
        release=gates.status_in(session, person_row, today),
        start_of_care=start,
    )


def _item_source(source: str, index: int, count: int) -> str:
    """Where an item came from: ``file.yaml[3]`` in a list, the file itself for one."""
    return f"{source}[{index}]" if count > 1 else source


def screen_again(
    session: Session, person_row: PersonRow, check_in: CheckIn
) -> tuple[Assessment, int | None] | None:
    """Screen again with the new warning signs answered yes; None without a stored screen."""
    current = gates.current_screen(session, person_row)
    if current is None:
        return None
    intake = gates.with_warning_signs(current[2], check_in.red_flags, source="check-in")
    knowledge = load_knowledge_base()
    assessment = assess(intake, knowledge)
    new_intake, _ = repo.save_intake(
        session,
        person=person_row,
        document=intake.to_document(),
        source=f"check-in of {check_in.day.isoformat()} (new warning sign)",
    )
    assessment_row = repo.save_assessment(
        session,
        intake=new_intake,
        document=assessment.to_document(),
        safety_level=assessment.safety.level.value,
        origin="warning_sign",
    )
    plan = build_plan(intake, assessment, knowledge)
    plan_row, is_new = repo.save_plan(
        session,
        assessment=assessment_row,
        document=plan.to_document(),
        safety_level=plan.safety.level.value,
    )
    return assessment, plan_row.version if is_new else None


def _store_plan(session: Session, person_row: PersonRow, phase: ProgramPhase) -> int | None:
    """Store the plan rebuilt from the latest screen in ``phase``; its version if it changed."""
    current = gates.current_screen(session, person_row)
    if current is None:
        return None
    assessment_row, assessment, intake = current
    plan = build_plan(intake, assessment, load_knowledge_base(), phase)
    plan_row, is_new = repo.save_plan(
        session,
        assessment=assessment_row,
        document=plan.to_document(),
        safety_level=plan.safety.level.value,
    )
    return plan_row.version if is_new else None
