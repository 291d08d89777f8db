"""What is stored: people, and each person's intakes, assessments, plans, sessions and tracking."""

from __future__ import annotations

import difflib

from psoas.core.records import HistoryEntry, RecordKind
from psoas.errors import UnknownId
from psoas.store import Database
from psoas.store import repository as repo


def people(database: Database) -> list[tuple[str, int]]:
    """Every stored person's name with how many intakes they have."""
    with database.transaction() as session:
        return [(person.label, count) for person, count in repo.list_people(session)]


def history(database: Database, *, person: str | None = None) -> list[HistoryEntry]:
    """Every stored record, oldest first; only one person's when ``person`` is given."""
    with database.transaction() as session:
        everyone = [row for row, _ in repo.list_people(session)]
        if person is not None:
            chosen = [row for row in everyone if row.label == person]
            if not chosen:
                labels = [row.label for row in everyone]
                raise UnknownId("person", person, difflib.get_close_matches(person, labels, n=2))
            everyone = chosen
        entries: list[HistoryEntry] = []
        for row in everyone:
            entries += [
                HistoryEntry(
                    kind=RecordKind.INTAKE,
                    id=intake.id,
                    person=row.label,
                    created_at=intake.created_at,
                    summary=f"from {intake.source}",
                )
                for intake in repo.intakes_of(session, person_id=row.id)
            ]
            entries += [
                HistoryEntry(
                    kind=RecordKind.ASSESSMENT,
                    id=assessment.id,
                    person=row.label,
                    created_at=assessment.created_at,
                    summary=f"safety {assessment.safety_level} (intake {assessment.intake_id})",
                )
                for assessment in repo.assessments_of(session, person_id=row.id)
            ]
            entries += [
                HistoryEntry(
                    kind=RecordKind.PLAN,
                    id=plan.id,
                    person=row.label,
                    created_at=plan.created_at,
                    summary=f"version {plan.version}, safety {plan.safety_level}, "
                    f"{len(plan.document.get('items', []))} items",
                )
                for plan in repo.plans_of(session, person_id=row.id)
            ]
            entries += [
                HistoryEntry(
                    kind=RecordKind.SESSION,
                    id=guided.id,
                    person=row.label,
                    created_at=guided.started_at,
                    summary=f"{guided.kind} {guided.minutes} min, {guided.status}",
                )
                for guided in repo.sessions_of(session, person_id=row.id)
            ]
            entries += [
                HistoryEntry(
                    kind=RecordKind.MEASUREMENT,
                    id=measured.id,
                    person=row.label,
                    created_at=measured.created_at,
                    summary=f"taken on {measured.taken_on.isoformat()}",
                )
                for measured in repo.measurements_of(session, person_id=row.id)
            ]
            entries += [
                HistoryEntry(
                    kind=RecordKind.CHECK_IN,
                    id=logged.id,
                    person=row.label,
                    created_at=logged.updated_at,
                    summary=f"for {logged.day.isoformat()}, {_items(logged.document)} done",
                )
                for logged in repo.check_ins_of(session, person_id=row.id)
            ]
    order = list(RecordKind)
    return sorted(entries, key=lambda entry: (entry.created_at, order.index(entry.kind), entry.id))


def _items(check_in: dict[str, object]) -> str:
    done = check_in.get("done")
    count = len(done) if isinstance(done, list) else 0
    return "1 plan item" if count == 1 else f"{count} plan items"
