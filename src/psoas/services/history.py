"""What is stored: people, and each person's intakes, assessments, plans, sessions and tracking."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from psoas.content import load_knowledge_base
from psoas.content.names import name_of
from psoas.content.vocabulary import AdverseEventId
from psoas.content.words import say
from psoas.core.gates import Pause, describe_pause
from psoas.core.records import HistoryEntry, RecordKind
from psoas.core.session_records import SessionStatus
from psoas.core.timeline import SessionKind
from psoas.errors import UnknownId
from psoas.store import Database
from psoas.store import repository as repo


def people(database: Database) -> list[tuple[str, int]]:
    """Every stored person's name with how many intakes they have."""
    with database.reading() as session:
        return [(person.label, count) for person, count in repo.list_people(session)]


def history(database: Database, *, person: str | None = None) -> list[HistoryEntry]:
    """Every stored record, oldest first; only one person's when ``person`` is given."""
    with database.reading() as session:
        everyone = [row for row, _ in repo.list_people(session)]
        if person is not None:
            chosen = [row for row in everyone if row.label == person]
            if not chosen:
                labels = [row.label for row in everyone]
                raise UnknownId("person", person, difflib.get_close_matches(person, labels, n=2))
            everyone = chosen
        entries = [
            HistoryEntry(
                kind=kind,
                id=record.id,
                person=row.label,
                created_at=when(record),
                summary=summary(record),
            )
            for row in everyone
            for kind, records_of, when, summary in _RECORDS
            for record in records_of(session, person_id=row.id)
        ]
    order = list(RecordKind)
    return sorted(entries, key=lambda entry: (entry.created_at, order.index(entry.kind), entry.id))


_RECORDS: tuple[
    tuple[
        RecordKind, Callable[..., Sequence[Any]], Callable[[Any], datetime], Callable[[Any], str]
    ],
    ...,
] = (
    (RecordKind.INTAKE, repo.intakes_of, lambda r: r.created_at, lambda r: f"from {r.source}"),
    (
        RecordKind.ASSESSMENT,
        repo.assessments_of,
        lambda r: r.created_at,
        lambda r: f"safety {r.safety_level} (intake {r.intake_id})",
    ),
    (
        RecordKind.PLAN,
        repo.plans_of,
        lambda r: r.created_at,
        lambda r: (
            f"version {r.version}, safety {r.safety_level}, "
            + say("common.items", count=len(r.document.get("items", [])))
        ),
    ),
    (
        RecordKind.SESSION,
        repo.sessions_of,
        lambda r: r.started_at,
        lambda r: (
            f"{name_of(SessionKind(r.kind))} {r.minutes} min, {name_of(SessionStatus(r.status))}"
            + _problems(r.adverse_events)
        ),
    ),
    (
        RecordKind.MEASUREMENT,
        repo.measurements_of,
        lambda r: r.created_at,
        lambda r: f"taken on {r.taken_on.isoformat()}",
    ),
    (
        RecordKind.CHECK_IN,
        repo.check_ins_of,
        lambda r: r.updated_at,
        lambda r: f"for {r.day.isoformat()}, {_items(r.document)} done",
    ),
    (
        RecordKind.RELEASE_PAUSE,
        repo.pauses_of,
        lambda r: r.recorded_at,
        lambda r: f"{r.level}: {_pause(r.document)}",
    ),
)
"""Every kind of stored record a history lists."""


def _items(check_in: dict[str, object]) -> str:
    done = check_in.get("done")
    count = len(done) if isinstance(done, list) else 0
    return say("common.plan_items", count=count)


def _problems(events: list[str] | None) -> str:
    if not events:
        return ""
    knowledge = load_knowledge_base()
    labels = [knowledge.adverse_event(AdverseEventId(event)).label for event in events]
    return "; problems reported: " + ", ".join(labels)


def _pause(document: dict[str, Any]) -> str:
    return describe_pause(Pause.model_validate(document), load_knowledge_base())
