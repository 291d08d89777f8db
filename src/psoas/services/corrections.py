"""Correct, delete and undo: check-ins, measurements and sessions, kept append-only.

A correction or deletion changes the record's current version and keeps what it
replaced in the trail (``record_changes``, with when and the person's reason); an
undo is one more change, which puts back what the newest change not yet undone
replaced, and only if the record is still as that change left it. Every reading of
progress, charts, reports, reminders, baselines and the pain references sees the
current versions only (deleted records are left out in :mod:`psoas.store.repository`).

Each change is one write under the person's lock, like a new check-in, and has the
same safety effects in that transaction: a pain rating raised or a problem added
pauses release as a new one would; a warning sign added screens again and pauses; a
warning sign taken away (corrected out, or its check-in deleted) screens again with
the answers that still hold (:func:`psoas.services.gates.screen_after_withdrawal`).
A pause is never lifted by a correction otherwise: a lowered pain rating or a
problem taken back keeps release paused until the person answers the safety
questions again. The progress rules run after the commit, as after a check-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from psoas.content import load_knowledge_base
from psoas.content.vocabulary import AdverseEventId, MetricId, QuestionId, RedFlagId
from psoas.content.words import say
from psoas.core.assessment import Assessment
from psoas.core.gates import PAIN_METRICS
from psoas.core.measures import (
    CheckIn,
    check_done_in_plan,
    check_not_in_future,
    parse_check_in,
    parse_measurement,
)
from psoas.core.records import (
    CHANGEABLE_KINDS,
    ChangeAction,
    RecordChange,
    RecordKind,
    checked_person_label,
)
from psoas.core.session_records import Ratings
from psoas.core.validation import validate_document
from psoas.errors import (
    ConflictsWithRecord,
    ContentError,
    FieldProblem,
    InvalidDocument,
    UnknownId,
)
from psoas.services import gates
from psoas.services.tracking import _current_plan, _described, check_confirmed_days, screen_again
from psoas.store import Database
from psoas.store import repository as repo
from psoas.store.tables import PersonRow, SessionRow

REASON_LIMIT = 500
"""The longest reason kept with a change (characters)."""


@dataclass(frozen=True)
class ChangeOutcome:
    """What a correction, deletion or undo stored, for the face to tell."""

    person: str
    change_id: int
    kind: RecordKind
    record_id: int
    action: ChangeAction
    record: dict[str, Any] | None
    """The record as it is now (None: deleted)."""
    undid: ChangeAction | None = None
    """For an undo, what the change it undid had done."""
    rescreen: Assessment | None = None
    """The new screen, when a warning sign was added or withdrawn."""
    withdrawn: list[RedFlagId] = field(default_factory=list)
    """The warning signs taken back."""
    paused: list[str] = field(default_factory=list)
    """Why release was paused by this change, in words."""
    release_allowed: bool | None = None
    """Whether self-release may go ahead after a new screen (None: no new screen)."""
    holds: list[str] = field(default_factory=list)
    """After a new screen, every reason self-release may not go ahead, in words."""


def kind_name(kind: RecordKind) -> str:
    """A changeable record's kind in words ("check-in")."""
    return say(f"history.kind_{kind.value}")


def correct(
    database: Database,
    *,
    person: str,
    kind: RecordKind,
    record_id: int,
    changes: Mapping[str, Any],
    reason: str | None,
    today: date,
) -> ChangeOutcome:
    """Correct one of the person's records: ``changes`` holds the fields given (None clears).

    The corrected record must keep its contract (errors name the field); a check-in's
    day stays (delete it and log the day again), and of a session only the ratings
    before and after it can be corrected.
    """
    source = f"{kind_name(kind)} {record_id}"
    reason = _checked_reason(reason, source=source)
    with database.transaction() as session:
        person_row = _locked(session, person)
        row = _record(session, person_row, kind, record_id)
        replaced = repo.record_state(row)
        result = _corrected(kind, replaced, changes, today=today, source=source)
        if result == replaced:
            problem = FieldProblem("values", say("history.nothing_changed"))
            raise ConflictsWithRecord(source, [problem])
        moved = result.get("taken_on") != replaced.get("taken_on")
        if kind is RecordKind.MEASUREMENT and moved:
            # A measurement moved to a day long ago or before care began needs the same
            # confirmation as one recorded there; a confirmation of its old day does not count.
            day = date.fromisoformat(str(result["taken_on"]))
            check_confirmed_days(
                session,
                person_row,
                [(day, changes.get("backfill"))],
                field="taken_on",
                today=today,
                source=source,
            )
        if kind is RecordKind.CHECK_IN and changes.get("done"):
            plan = _current_plan(session, person_row)
            in_plan = [item.technique for item in plan.items] if plan else []
            check_done_in_plan(CheckIn.model_validate(result), in_plan, source=source)
        references = gates.pain_references(session, person_row)  # as before the change
        change = repo.save_change(
            session,
            person_id=person_row.id,
            row=row,
            kind=kind.value,
            action=ChangeAction.CORRECTED.value,
            result=result,
            reason=reason,
        )
        effects = _safety_effects(
            session, person_row, kind, row, replaced, result, today, source, references
        )
    return effects.outcome(person_row, change.id, kind, record_id, ChangeAction.CORRECTED, result)


def delete(
    database: Database,
    *,
    person: str,
    kind: RecordKind,
    record_id: int,
    reason: str | None,
    today: date,
) -> ChangeOutcome:
    """Delete one of the person's records (kept in the trail; :func:`undo` brings it back)."""
    source = f"{kind_name(kind)} {record_id}"
    reason = _checked_reason(reason, source=source)
    with database.transaction() as session:
        person_row = _locked(session, person)
        row = _record(session, person_row, kind, record_id)
        replaced = repo.record_state(row)
        change = repo.save_change(
            session,
            person_id=person_row.id,
            row=row,
            kind=kind.value,
            action=ChangeAction.DELETED.value,
            result=None,
            reason=reason,
        )
        # A deletion adds no rating, so it reads no pain references.
        effects = _safety_effects(session, person_row, kind, row, replaced, None, today, source)
    return effects.outcome(person_row, change.id, kind, record_id, ChangeAction.DELETED, None)


def undo(database: Database, *, person: str, today: date) -> ChangeOutcome:
    """Undo the person's newest correction or deletion not undone yet.

    Refused (nothing changed) when there is none, or when the record has changed since
    that change (the day was logged again, or merged with a later check-in).
    """
    with database.transaction() as session:
        person_row = _locked(session, person)
        last = repo.last_change(session, person_id=person_row.id)
        if last is None:
            raise ConflictsWithRecord(
                "undo", [FieldProblem("change", say("history.nothing_to_undo"))]
            )
        kind = RecordKind(last.record_kind)
        source = f"{kind_name(kind)} {last.record_id}"
        row = repo.changeable_record(
            session,
            person_id=person_row.id,
            kind=kind.value,
            record_id=last.record_id,
            deleted=True,
        )
        assert row is not None  # records are never removed, only marked deleted
        current = None if row.deleted_at is not None else repo.record_state(row)
        if current != last.result:
            when = last.changed_at.strftime("%Y-%m-%d %H:%M")
            action = say(f"history.action_{last.action}")
            problem = say("history.changed_since", action=action, when=when)
            raise ConflictsWithRecord(source, [FieldProblem("record", problem)])
        references = gates.pain_references(session, person_row)  # as before the change
        change = repo.save_change(
            session,
            person_id=person_row.id,
            row=row,
            kind=kind.value,
            action=ChangeAction.RESTORED.value,
            result=last.replaced,
            reason=None,
            undoes=last,
        )
        effects = _safety_effects(
            session, person_row, kind, row, current, last.replaced, today, source, references
        )
    outcome = effects.outcome(
        person_row, change.id, kind, last.record_id, ChangeAction.RESTORED, last.replaced
    )
    return _with_undid(outcome, ChangeAction(last.action))


def trail(database: Database, *, person: str) -> list[RecordChange]:
    """Every correction, deletion and undo of the person's records, oldest first."""
    from psoas.services.tracking import find_person

    with database.reading() as session:
        person_row = find_person(session, person)
        return [
            RecordChange(
                id=row.id,
                kind=RecordKind(row.record_kind),
                record_id=row.record_id,
                action=ChangeAction(row.action),
                changed_at=row.changed_at,
                reason=row.reason,
                replaced=row.replaced,
                result=row.result,
                undoes=row.undoes_id,
            )
            for row in repo.changes_of(session, person_id=person_row.id)
        ]


@dataclass(frozen=True)
class Editable:
    """A current check-in, measurement or session, with what a correction form shows."""

    kind: RecordKind
    id: int
    state: dict[str, Any]
    """As :func:`psoas.store.repository.record_state` gives it."""
    signs: list[tuple[str, str]] = field(default_factory=list)
    """A check-in's warning signs: each id with its words."""


def editable(database: Database, *, person: str) -> dict[tuple[RecordKind, int], Editable]:
    """The person's current check-ins, measurements and sessions by kind and id (none: {})."""
    knowledge = load_knowledge_base()
    found: dict[tuple[RecordKind, int], Editable] = {}
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        if person_row is None:
            return found
        rows: list[tuple[RecordKind, repo.ChangeableRow]] = [
            *(
                (RecordKind.CHECK_IN, r)
                for r in repo.check_ins_of(session, person_id=person_row.id)
            ),
            *(
                (RecordKind.MEASUREMENT, r)
                for r in repo.measurements_of(session, person_id=person_row.id)
            ),
            *((RecordKind.SESSION, r) for r in repo.sessions_of(session, person_id=person_row.id)),
        ]
        for kind, row in rows:
            state = repo.record_state(row)
            signs = [
                (sign, knowledge.question(QuestionId(sign)).short)
                for sign in (state.get("red_flags") or [] if kind is RecordKind.CHECK_IN else [])
            ]
            found[(kind, row.id)] = Editable(kind, row.id, state, signs)
    return found


def can_undo(database: Database, *, person: str) -> bool:
    """Whether the person has a correction or deletion to undo."""
    with database.reading() as session:
        person_row = repo.find_person(session, label=person)
        return person_row is not None and (
            repo.last_change(session, person_id=person_row.id) is not None
        )


def describe(change: RecordChange) -> str:
    """What a change did, in words: each field that changed, from what to what."""
    if change.result is None:
        return say("history.change_deleted")
    words = [
        say("history.change_field", field=_field_name(name), old=old, new=new)
        for name, old, new in _differences(change.replaced, change.result)
    ]
    if not words and change.undoes is not None:
        return say("history.change_restored")
    return "; ".join(words) or say(f"history.action_{change.action.value}")


def _differences(
    old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = ""
) -> list[tuple[str, str, str]]:
    found = []
    for name in dict.fromkeys([*old, *new]):
        if name == "schema" or old.get(name) == new.get(name):
            continue
        before, after = old.get(name), new.get(name)
        if isinstance(before, Mapping | None) and isinstance(after, Mapping | None):
            if isinstance(before, Mapping) or isinstance(after, Mapping):
                label = f"{prefix}{_field_name(name)} "
                found += [
                    (f"{label}{_field_name(field)}", was, now)
                    for field, was, now in _differences(before or {}, after or {})
                ]
                continue
        found.append((f"{prefix}{name}", _value(name, before), _value(name, after)))
    return found


def _field_name(name: str) -> str:
    if " " in name:  # already in words (a session's "before low back pain")
        return name
    try:
        return say(f"history.field_{name}")
    except ContentError:
        return name.replace("_", " ")


def _value(name: str, value: Any) -> str:
    if value is None or value == []:
        return say("history.nothing")
    if isinstance(value, list):
        return ", ".join(_item(name, item) for item in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _item(name: str, item: Any) -> str:
    knowledge = load_knowledge_base()
    if name == "red_flags":
        return knowledge.question(QuestionId(item)).short
    if name == "adverse_events":
        return knowledge.adverse_event(AdverseEventId(item)).label
    if name == "done":
        found = [t.name for t in knowledge.techniques if t.id == item]
        return found[0] if found else str(item)
    return str(item)


def _with_undid(outcome: ChangeOutcome, undid: ChangeAction) -> ChangeOutcome:
    return replace(outcome, undid=undid)


def _locked(session: Session, person: str) -> PersonRow:
    label = checked_person_label(person)
    person_row = repo.lock_existing_person(session, label=label)
    if person_row is None:
        raise UnknownId("person", label)
    return person_row


def _record(
    session: Session, person_row: PersonRow, kind: RecordKind, record_id: int
) -> repo.ChangeableRow:
    """The person's record of ``kind`` by id: another person's, or none, is unknown."""
    if kind not in CHANGEABLE_KINDS:
        raise UnknownId("record kind", kind.value)
    row = repo.changeable_record(
        session, person_id=person_row.id, kind=kind.value, record_id=record_id
    )
    if row is None:
        raise UnknownId(kind_name(kind), str(record_id))
    return row


def _checked_reason(reason: str | None, *, source: str) -> str | None:
    if reason is None or not reason.strip():
        return None
    if len(reason) > REASON_LIMIT:
        problem = say("history.reason_too_long", limit=REASON_LIMIT)
        raise InvalidDocument(source, [FieldProblem("reason", problem)])
    return " ".join(reason.split())


def _given(document: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if value is not None}


def _corrected(
    kind: RecordKind,
    replaced: dict[str, Any],
    changes: Mapping[str, Any],
    *,
    today: date,
    source: str,
) -> dict[str, Any]:
    """The record with ``changes`` applied, checked against its contract.

    Values each right on their own that make a record its contract refuses, together
    with what is stored (every value cleared, a day moved), conflict with the record.
    """
    try:
        return _applied(kind, replaced, changes, today=today, source=source)
    except ConflictsWithRecord:
        raise
    except InvalidDocument as error:
        raise ConflictsWithRecord(error.source, error.problems) from None


def _applied(
    kind: RecordKind,
    replaced: dict[str, Any],
    changes: Mapping[str, Any],
    *,
    today: date,
    source: str,
) -> dict[str, Any]:
    if kind is RecordKind.CHECK_IN:
        if "day" in changes and str(changes["day"]) != replaced.get("day"):
            raise InvalidDocument(source, [FieldProblem("day", say("history.day_fixed"))])
        return parse_check_in(_given({**replaced, **changes}), source=source).to_document()
    if kind is RecordKind.MEASUREMENT:
        measurement = parse_measurement(_given({**replaced, **changes}), source=source)
        check_not_in_future(measurement.taken_on, today=today, field="taken_on", source=source)
        return measurement.to_document()
    unknown = sorted(set(changes) - {"before", "after"})
    if unknown:
        raise InvalidDocument(source, [FieldProblem(unknown[0], say("history.session_fields"))])
    result = dict(replaced)
    for moment in ("before", "after"):
        if moment in changes:
            given = changes[moment]
            if not isinstance(given, Mapping):
                raise InvalidDocument(source, [FieldProblem(moment, say("history.session_fields"))])
            merged = _given({**(replaced.get(moment) or {}), **given})
            ratings = validate_document(Ratings, merged, source=f"{source} {moment}")
            result[moment] = ratings.given() or None
    return result


@dataclass(frozen=True)
class _Effects:
    rescreen: Assessment | None = None
    withdrawn: list[RedFlagId] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    release_allowed: bool | None = None
    holds: list[str] = field(default_factory=list)

    def outcome(
        self,
        person_row: PersonRow,
        change_id: int,
        kind: RecordKind,
        record_id: int,
        action: ChangeAction,
        record: dict[str, Any] | None,
    ) -> ChangeOutcome:
        return ChangeOutcome(
            person=person_row.label,
            change_id=change_id,
            kind=kind,
            record_id=record_id,
            action=action,
            record=record,
            rescreen=self.rescreen,
            withdrawn=self.withdrawn,
            paused=self.paused,
            release_allowed=self.release_allowed,
            holds=self.holds,
        )


def _safety_effects(
    session: Session,
    person_row: PersonRow,
    kind: RecordKind,
    row: repo.ChangeableRow,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    today: date,
    source: str,
    references: gates.PainReferences | None = None,
) -> _Effects:
    """What the change means for safety, stored in its transaction (see the module's docstring).

    Only what the change adds counts as new: a pain rating raised, a problem or a
    warning sign added, or every rating of a measurement moved to another day (the gate
    reads a rating by its day). A warning sign taken away screens again without it.
    ``references`` were read before the change, as a new record's are: a corrected
    rating is not compared with a baseline it is already part of (a deletion, which adds
    no rating, gives none).
    """

    def compared_with() -> gates.PainReferences:
        if references is None:  # pragma: no cover - only a deletion gives none, and adds none
            raise AssertionError("a change that adds a rating reads its references first")
        return references

    if kind is RecordKind.MEASUREMENT:
        moved = before is not None and after is not None and before["taken_on"] != after["taken_on"]
        pains = _raised({} if moved else _measurement_pain(before), _measurement_pain(after))
        day = date.fromisoformat(after["taken_on"]) if after else today
        pauses = []
        if pains:
            dated = [(day, pains)]
            pauses = gates.pause_for_pain(session, person_row, dated, references=compared_with())
        return _Effects(paused=_described(pauses))
    if kind is RecordKind.SESSION:
        pauses = []
        assert isinstance(row, SessionRow)
        day = row.started_at.astimezone().date()
        for moment, rises in (("before", True), ("after", False)):
            old = Ratings.model_validate((before or {}).get(moment) or {}).pain()
            new = Ratings.model_validate((after or {}).get(moment) or {}).pain()
            pains = _raised(old, new)
            if pains:
                pauses += gates.pause_for_pain(
                    session,
                    person_row,
                    [(day, pains)],
                    references=compared_with(),
                    rises_count=rises,
                )
        events = _added((before or {}).get("adverse_events"), (after or {}).get("adverse_events"))
        problem = gates.pause_for_adverse_events(
            session, person_row, [AdverseEventId(e) for e in events], session_id=row.id
        )
        pauses += [problem] if problem is not None else []
        return _Effects(paused=_described(pauses))
    old_check_in = CheckIn.model_validate(before) if before else None
    new_check_in = CheckIn.model_validate(after) if after else None
    pauses = []
    pains = _raised(
        old_check_in.values() if old_check_in else {},
        new_check_in.values() if new_check_in else {},
    )
    if pains and new_check_in is not None:
        pauses += gates.pause_for_pain(
            session,
            person_row,
            [(new_check_in.day, pains)],
            references=compared_with(),
        )
    if new_check_in is not None:
        events = _added(
            old_check_in.adverse_events if old_check_in else [], new_check_in.adverse_events
        )
        problem = gates.pause_for_adverse_events(
            session, person_row, [AdverseEventId(e) for e in events], session_id=None
        )
        pauses += [problem] if problem is not None else []
    old_signs = old_check_in.red_flags if old_check_in else []
    new_signs = new_check_in.red_flags if new_check_in else []
    withdrawn = [sign for sign in old_signs if sign not in new_signs]
    added = [RedFlagId(sign) for sign in _added(old_signs, new_signs)]
    rescreen = None
    if withdrawn:
        rescreen = gates.screen_after_withdrawal(
            session, person_row, source=f"{source} (warning sign withdrawn)"
        )
    if added and new_check_in is not None:
        screened = screen_again(session, person_row, new_check_in)
        rescreen = screened[0] if screened is not None else rescreen
        sign_pause = gates.pause_for_warning_signs(session, person_row, added, day=new_check_in.day)
        pauses += [sign_pause] if sign_pause is not None else []
    if rescreen is None:
        return _Effects(withdrawn=withdrawn, paused=_described(pauses))
    status = gates.status_in(session, person_row, today)
    return _Effects(
        rescreen=rescreen,
        withdrawn=withdrawn,
        paused=_described(pauses),
        release_allowed=status.allowed,
        holds=[hold.message for hold in status.holds],
    )


def _measurement_pain(document: dict[str, Any] | None) -> dict[MetricId, float]:
    if document is None:
        return {}
    return parse_measurement(document).values()


def _raised(old: Mapping[MetricId, float], new: Mapping[MetricId, float]) -> dict[MetricId, float]:
    """The pain ratings in ``new`` that are new or higher than in ``old``."""
    return {
        metric: value
        for metric, value in new.items()
        if metric in PAIN_METRICS and (metric not in old or value > old[metric])
    }


def _added(old: list[Any] | None, new: list[Any] | None) -> list[Any]:
    return [item for item in new or [] if item not in (old or [])]
