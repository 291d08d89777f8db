"""The safety screen that counts now, and the gates over time that pause self-release.

The screen that counts is the person's newest answers (the intake behind their
newest assessment, however it was given) screened by *today's* rules, so a rule
added in a new version of psoas applies at once, not only after the next intake.
The pauses (:mod:`psoas.core.gates`) are stored as they happen, in the same
transaction as the record that caused them, so an acknowledged 9/10 check-in has
always paused release. A pause lasts until the person answers the safety
questions again: a screen psoas made by itself after a warning sign does not
lift one.

A screen counts as the person answering again only when they gave the answers
now (the questionnaire, the web form) or the answers differ from every set
stored before: re-running an old, unchanged file (``origin = 'resubmitted'``)
makes those answers the newest, but it neither lifts a pause nor confirms an old
screen, and the warning signs reported in check-ins since the person last
answered stay in the screen, so a stale file never hides one.

A warning sign reported by mistake is withdrawn by correcting (or deleting) the
check-in that reported it: :func:`screen_after_withdrawal` screens again with the
person's newest own answers plus every warning sign still reported by a current
check-in since they last answered (``origin = 'withdrawal'``). A warning-sign pause
recorded before that screen stops holding only when none of its signs is a yes in
it; every other pause (pain, problems after a session, "something changed") holds
until the person answers again, as before. So a withdrawal never clears a flag the
person still has: not one in their answers, not one another check-in reports.

The functions taking a ``Session`` run inside a caller's transaction; the
others open their own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import AdverseEventId, MetricId, RedFlagId, ThresholdId
from psoas.core.assessment import Assessment, assess
from psoas.core.gates import (
    PAIN_METRICS,
    PainReading,
    Pause,
    PauseKind,
    RecordedPause,
    ReleaseStatus,
    adverse_event_pause,
    pain_pauses,
    release_status,
    something_changed_pause,
    warning_sign_pause,
)
from psoas.core.intake import Intake, parse_intake
from psoas.services.caching import StoredDocument
from psoas.store import Database
from psoas.store import repository as repo
from psoas.store.tables import AssessmentRow, PersonRow, ReleasePauseRow

INTAKE_PAIN = {MetricId.LOW_BACK_PAIN: "low_back_pain", MetricId.HIP_PAIN: "hip_pain"}
"""The intake's symptom ratings that pain ratings are compared with."""


@dataclass(frozen=True)
class PainReferences:
    """What a new pain rating is compared with, and since when ratings count."""

    intake: dict[MetricId, float]
    baseline: dict[MetricId, float]
    since: date | None
    """The day the person last answered the safety questions (where they are)."""
    firsts: dict[MetricId, date] = field(default_factory=dict)
    """Each pain metric's first day with a value: its baseline comes from the days after."""
    span_days: int = 0
    """How many days from its first a metric's baseline is taken from."""

    def settled_for(self, day: date, metrics: Iterable[MetricId]) -> bool:
        """Whether values of ``metrics`` dated ``day`` leave every baseline as it is."""
        return all(
            metric in self.firsts and day >= self.firsts[metric] + timedelta(days=self.span_days)
            for metric in metrics
            if metric in PAIN_METRICS
        )


def status(database: Database, *, person: str, today: date) -> ReleaseStatus:
    """Whether self-release may go ahead today for ``person``, and every reason it may not."""
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        return status_in(session, person_row, today)


def status_in(session: Session, person_row: PersonRow | None, today: date) -> ReleaseStatus:
    """:func:`status` inside a caller's transaction (no person: no screen)."""
    knowledge = load_knowledge_base()
    current = current_screen(session, person_row) if person_row is not None else None
    answered = (
        repo.latest_answered_assessment(session, person_id=person_row.id)
        if person_row is not None
        else None
    )
    pauses: list[RecordedPause] = []
    if person_row is not None and answered is not None:
        pauses = [
            RecordedPause(pause=pause, recorded_at=row.recorded_at)
            for row, pause in _pauses_in_force(session, person_row, after=answered.created_at)
        ]
    return release_status(
        safety=current[1].safety if current else None,
        screened_at=answered.created_at if answered else None,
        pauses=pauses,
        today=today,
        knowledge=knowledge,
    )


def current_screen(
    session: Session, person_row: PersonRow
) -> tuple[AssessmentRow, Assessment, Intake] | None:
    """The newest screen, and its answers screened by today's rules.

    For answers re-sent unchanged, the warning signs reported since the person last
    answered are added back (as the screen made after each sign did).
    """
    found = repo.latest_screen(session, person_id=person_row.id)
    if found is None:
        return None
    row, intake_row = found
    stored = StoredDocument(intake_row.id, intake_row.content_hash, intake_row.document)
    intake, assessment = _screened(stored)
    if row.origin == "resubmitted":
        signs = _signs_since_answered(session, person_row)
        if signs:
            intake = with_warning_signs(intake, signs, source=f"stored intake {intake_row.id}")
            assessment = assess(intake, load_knowledge_base())
    return row, assessment, intake


def with_warning_signs(intake: Intake, signs: Iterable[RedFlagId], *, source: str) -> Intake:
    """The answers with these warning signs answered yes."""
    document = intake.to_document()
    document["red_flags"] = {
        **document.get("red_flags", {}),
        **{flag.value: True for flag in signs},
    }
    return parse_intake(document, source=source)


@lru_cache(maxsize=256)
def _screened(stored: StoredDocument) -> tuple[Intake, Assessment]:
    """An intake parsed and screened, once per content in this process (rows never change)."""
    intake = parse_intake(stored.document, source=f"stored intake {stored.id}")
    return intake, assess(intake, load_knowledge_base())


def _signs_since_answered(session: Session, person_row: PersonRow) -> list[RedFlagId]:
    answered = repo.latest_answered_assessment(session, person_id=person_row.id)
    after = answered.created_at if answered else None
    signs: list[RedFlagId] = []
    for row, pause in _pauses_in_force(session, person_row, after=after):
        if row.kind == PauseKind.WARNING_SIGN.value:
            signs += [sign for sign in pause.signs if sign not in signs]
    return signs


def _pauses_in_force(
    session: Session, person_row: PersonRow, *, after: datetime | None
) -> list[tuple[ReleasePauseRow, Pause]]:
    """The pauses recorded after ``after``, less the warning signs since withdrawn.

    A warning-sign pause older than the newest withdrawal screen (see the module's
    docstring) holds only while one of its signs is still a yes in that screen.
    """
    rows = repo.pauses_of(session, person_id=person_row.id, after=after)
    withdrawal = None
    if any(row.kind == PauseKind.WARNING_SIGN.value for row in rows):
        withdrawal = repo.latest_screen(session, person_id=person_row.id, origins=[WITHDRAWAL])
    if withdrawal is not None and after is not None and withdrawal[0].created_at <= after:
        withdrawal = None
    still = _red_flags_yes(withdrawal[1].document) if withdrawal is not None else set()
    kept = []
    for row in rows:
        pause = Pause.model_validate(row.document)
        if (
            withdrawal is not None
            and row.kind == PauseKind.WARNING_SIGN.value
            and row.recorded_at < withdrawal[0].created_at
            and not any(sign.value in still for sign in pause.signs)
        ):
            continue
        kept.append((row, pause))
    return kept


def _red_flags_yes(document: dict[str, Any]) -> set[str]:
    flags = document.get("red_flags") or {}
    return {name for name, answer in flags.items() if answer is True}


WITHDRAWAL = "withdrawal"
"""The origin of a screen made after a warning sign was withdrawn."""


def screen_after_withdrawal(
    session: Session, person_row: PersonRow, *, source: str
) -> Assessment | None:
    """Screen again after a check-in's warning sign was withdrawn; None without answers.

    The answers screened are the person's newest own ones (given, or sent again) with
    every warning sign answered yes that a current check-in, stored since the person
    last answered, still reports. The screen is stored (``origin = 'withdrawal'``) with
    a plan made from it; it lifts only the warning-sign pauses none of whose signs is a
    yes in it (:func:`_pauses_in_force`), never any other pause.
    """
    found = repo.latest_screen(session, person_id=person_row.id, origins=["answers", "resubmitted"])
    if found is None:
        return None
    _, intake_row = found
    answered = repo.latest_answered_assessment(session, person_id=person_row.id)
    signs: list[RedFlagId] = []
    for check_in in repo.check_ins_of(session, person_id=person_row.id):
        if answered is not None and check_in.updated_at <= answered.created_at:
            continue
        for flag in check_in.document.get("red_flags") or []:
            if RedFlagId(flag) not in signs:
                signs.append(RedFlagId(flag))
    stored = StoredDocument(intake_row.id, intake_row.content_hash, intake_row.document)
    intake, _ = _screened(stored)
    if signs:
        intake = with_warning_signs(intake, signs, source=source)
    knowledge = load_knowledge_base()
    assessment = assess(intake, knowledge)
    new_intake, _ = repo.save_intake(
        session, person=person_row, document=intake.to_document(), source=source
    )
    assessment_row = repo.save_assessment(
        session,
        intake=new_intake,
        document=assessment.to_document(),
        safety_level=assessment.safety.level.value,
        origin=WITHDRAWAL,
    )
    from psoas.core.planning import build_plan  # only a withdrawal needs a plan here

    plan = build_plan(intake, assessment, knowledge)
    repo.save_plan(
        session,
        assessment=assessment_row,
        document=plan.to_document(),
        safety_level=plan.safety.level.value,
    )
    return assessment


Screen = tuple[AssessmentRow, Assessment, Intake]
"""A stored screen, and its answers screened by today's rules (:func:`current_screen`)."""

UNREAD: Any = object()  # "not read yet", for arguments a caller may have read already


def pain_references(
    session: Session, person_row: PersonRow, *, current: Screen | None = UNREAD
) -> PainReferences:
    """What a pain rating is compared with: the intake's ratings, and the tracked baseline.

    Bounded work whatever the history's length (it runs inside every write of a rating):
    the baseline is read from the first two weeks of tracking only. A caller that has
    read :func:`current_screen` in this transaction hands it in as ``current``.
    """
    intake: dict[MetricId, float] = {}
    if current is UNREAD:
        current = current_screen(session, person_row)
    if current is not None:
        symptoms = current[2].symptoms
        for metric, name in INTAKE_PAIN.items():
            value = getattr(symptoms, name)
            if value is not None:
                intake[metric] = float(value)
    knowledge = load_knowledge_base()
    fields = {metric.value: metric for metric in PAIN_METRICS}
    span_days = int(knowledge.threshold(ThresholdId.BASELINE_SPAN_DAYS))
    near_start = repo.values_near_start(
        session, person_id=person_row.id, fields=list(fields), span_days=span_days
    )
    dated = [
        (day, {fields[name]: value for name, value in values.items()})
        for day, values in near_start.values
    ]
    answered = (
        current[0]
        if current is not None and current[0].origin == "answers"
        else repo.latest_answered_assessment(session, person_id=person_row.id)
    )
    since = answered.created_at.astimezone().date() if answered else None
    # Here, not at the top: the progress rules are a tenth of what psoas plan imports,
    # and only a rating being recorded needs its baseline.
    from psoas.core.progress import baselines

    return PainReferences(
        intake,
        baselines(dated, PAIN_METRICS, knowledge),
        since,
        firsts={fields[name]: day for name, day in near_start.firsts.items()},
        span_days=span_days,
    )


@dataclass(frozen=True)
class WriteContext:
    """What a write of ratings reads before it stores them: the screen and the pain references."""

    screen: Screen | None
    references: PainReferences


_CONTEXTS: dict[tuple[int, int], tuple[int, WriteContext]] = {}
"""(store, person id) -> (the person's revision after the write that read it, what it read)."""
_CONTEXTS_LOCK = threading.Lock()
_MOST_CONTEXTS = 256


def write_context(session: Session, person_row: PersonRow, *, store_serial: int) -> WriteContext:
    """The screen and pain references for a write that has just locked ``person_row``.

    Read afresh, unless the last write of ratings for this person kept what it read and
    nothing else has been written about them since: the person's revision, moved on by
    every write's lock (here and in any other process), is then exactly one past it.
    """
    with _CONTEXTS_LOCK:
        kept = _CONTEXTS.get((store_serial, person_row.id))
    if kept is not None and kept[0] == person_row.revision - 1:
        return kept[1]
    screen = current_screen(session, person_row)
    return WriteContext(screen, pain_references(session, person_row, current=screen))


def keep_write_context(
    person_row: PersonRow,
    context: WriteContext,
    *,
    store_serial: int,
    rated: Iterable[tuple[date, Iterable[MetricId]]],
) -> None:
    """After a committed write of ratings that changed no screen and made no pause.

    ``context`` stays right for the next write if none of the ``rated`` days and metrics
    falls in a baseline's first days (or starts one); otherwise it is forgotten.
    """
    key = (store_serial, person_row.id)
    settled = all(context.references.settled_for(day, metrics) for day, metrics in rated)
    with _CONTEXTS_LOCK:
        if not settled:
            _CONTEXTS.pop(key, None)
            return
        kept = _CONTEXTS.get(key)
        if kept is None or kept[0] < person_row.revision:
            if len(_CONTEXTS) >= _MOST_CONTEXTS:
                _CONTEXTS.clear()
            _CONTEXTS[key] = (person_row.revision, context)


def pause_for_pain(
    session: Session,
    person_row: PersonRow,
    dated_values: Iterable[tuple[date, dict[MetricId, float]]],
    *,
    references: PainReferences,
    rises_count: bool = True,
) -> list[Pause]:
    """Store the pauses these pain ratings call for (see :func:`psoas.core.gates.pain_pauses`)."""
    readings = [
        PainReading(metric=metric, value=value, day=day)
        for day, values in dated_values
        for metric, value in values.items()
        if metric in PAIN_METRICS
    ]
    found = pain_pauses(
        readings,
        intake=references.intake,
        baseline=references.baseline,
        since=references.since,
        knowledge=load_knowledge_base(),
        rises_count=rises_count,
    )
    _store(session, person_row, found)
    return found


def pause_for_warning_signs(
    session: Session, person_row: PersonRow, signs: Sequence[RedFlagId], *, day: date
) -> Pause | None:
    """Store the pause a new warning sign calls for, whatever the new screen says."""
    pause = warning_sign_pause(signs, day=day)
    if pause is not None:
        _store(session, person_row, [pause])
    return pause


def report_change(database: Database, *, person: str, day: date) -> None:
    """The person said something has changed since their answers: pause until they answer."""
    with database.transaction() as session:
        person_row = repo.lock_existing_person(session, label=person)
        if person_row is not None:
            _store(session, person_row, [something_changed_pause(day=day)])


def pause_for_adverse_events(
    session: Session,
    person_row: PersonRow,
    events: Sequence[AdverseEventId],
    *,
    session_id: int | None,
) -> Pause | None:
    """Store the pause a session's adverse events call for, if any."""
    pause = adverse_event_pause(events, session_id=session_id, knowledge=load_knowledge_base())
    if pause is not None:
        _store(session, person_row, [pause])
    return pause


def _store(session: Session, person_row: PersonRow, pauses: Iterable[Pause]) -> None:
    for pause in pauses:
        repo.save_pause(
            session,
            person_id=person_row.id,
            kind=pause.kind.value,
            level=pause.level.value,
            document=pause.model_dump(mode="json", exclude_defaults=True),
        )
