"""write path: one person per label also without a practitioner; sessions by (person, id)

Concurrent first writes could each create a person called "me" (the unique key on
(practitioner_id, label) never fires while practitioner_id is NULL). This merges
such duplicates into the oldest of them, keeping every record, then adds the
partial unique index that stops it happening again:

- intakes: one per content; an identical one's assessments point at the kept row;
- plans: renumbered 1..n in the order they were made;
- check-ins of the same day: joined as the app joins a second check-in of a day
  (newer ratings win, lists of done items, warning signs and problems are joined),
  so no item marked done is lost;
- assessments, sessions, measurements and release pauses simply move.

The merge code is frozen here (it does not import psoas), as a migration must be.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
JOINED_LISTS = ("done", "red_flags", "adverse_events")
MOVED = ("assessments", "sessions", "measurements", "release_pauses")

people = sa.table(
    "people", sa.column("id", sa.Integer), sa.column("label"), sa.column("practitioner_id")
)
intakes = sa.table(
    "intakes", sa.column("id", sa.Integer), sa.column("person_id"), sa.column("content_hash")
)
assessments = sa.table("assessments", sa.column("id"), sa.column("intake_id"))
plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("person_id"),
    sa.column("version"),
    sa.column("created_at"),
)
check_ins = sa.table(
    "check_ins",
    sa.column("id", sa.Integer),
    sa.column("person_id"),
    sa.column("day"),
    sa.column("document", DOCUMENT),
    sa.column("updated_at"),
)


def upgrade() -> None:
    connection = op.get_bind()
    duplicated = connection.execute(
        sa.select(people.c.label)
        .where(people.c.practitioner_id.is_(None))
        .group_by(people.c.label)
        .having(sa.func.count() > 1)
    ).scalars()
    for label in list(duplicated):
        ids = connection.execute(
            sa.select(people.c.id)
            .where(people.c.label == label, people.c.practitioner_id.is_(None))
            .order_by(people.c.id)
        ).scalars()
        kept, *others = list(ids)
        for other in others:
            _merge(connection, kept=kept, other=other)
        _renumber_plans(connection, kept)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            "uq_people_personal_label",
            ["label"],
            unique=True,
            sqlite_where=sa.text("practitioner_id IS NULL"),
            postgresql_where=sa.text("practitioner_id IS NULL"),
        )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_person_id")
        batch_op.create_index("ix_sessions_person_id_id", ["person_id", "id"], unique=False)


def _merge(connection: sa.Connection, *, kept: int, other: int) -> None:
    """Move everything of person ``other`` to person ``kept``, then remove ``other``."""
    kept_intakes = dict(
        connection.execute(
            sa.select(intakes.c.content_hash, intakes.c.id).where(intakes.c.person_id == kept)
        ).all()
    )
    for intake_id, digest in connection.execute(
        sa.select(intakes.c.id, intakes.c.content_hash).where(intakes.c.person_id == other)
    ).all():
        if digest in kept_intakes:
            connection.execute(
                assessments.update()
                .where(assessments.c.intake_id == intake_id)
                .values(intake_id=kept_intakes[digest])
            )
            connection.execute(intakes.delete().where(intakes.c.id == intake_id))
        else:
            connection.execute(
                intakes.update().where(intakes.c.id == intake_id).values(person_id=kept)
            )
    for name in MOVED:
        table = sa.table(name, sa.column("person_id"))
        connection.execute(table.update().where(table.c.person_id == other).values(person_id=kept))
    # Plans: out of the way of the (person, version) key first; numbered again below.
    connection.execute(
        plans.update().where(plans.c.person_id == other).values(person_id=kept, version=-plans.c.id)
    )
    _merge_check_ins(connection, kept=kept, other=other)
    connection.execute(people.delete().where(people.c.id == other))


def _merge_check_ins(connection: sa.Connection, *, kept: int, other: int) -> None:
    ours = {
        row.day: row
        for row in connection.execute(
            sa.select(check_ins).where(check_ins.c.person_id == kept)
        ).all()
    }
    for row in connection.execute(sa.select(check_ins).where(check_ins.c.person_id == other)):
        same_day = ours.get(row.day)
        if same_day is None:
            connection.execute(
                check_ins.update().where(check_ins.c.id == row.id).values(person_id=kept)
            )
            continue
        earlier, later = sorted((same_day, row), key=lambda found: (found.updated_at, found.id))
        connection.execute(
            check_ins.update()
            .where(check_ins.c.id == same_day.id)
            .values(
                document=_joined(earlier.document, later.document),
                updated_at=later.updated_at,
            )
        )
        connection.execute(check_ins.delete().where(check_ins.c.id == row.id))


def _joined(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """Two check-ins of one day as one: the later one's ratings win, lists are joined."""
    joined = {**earlier, **{k: v for k, v in later.items() if k not in JOINED_LISTS}}
    for name in JOINED_LISTS:
        first = list(earlier.get(name, []))
        items = first + [item for item in later.get(name, []) if item not in first]
        if items:
            joined[name] = items
    return joined


def _renumber_plans(connection: sa.Connection, person_id: int) -> None:
    ordered = connection.execute(
        sa.select(plans.c.id)
        .where(plans.c.person_id == person_id)
        .order_by(plans.c.created_at, plans.c.id)
    ).scalars()
    ids = list(ordered)
    for plan_id in ids:  # clear the key first: versions may collide mid-way
        connection.execute(plans.update().where(plans.c.id == plan_id).values(version=-plan_id))
    for version, plan_id in enumerate(ids, start=1):
        connection.execute(plans.update().where(plans.c.id == plan_id).values(version=version))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_person_id_id")
        batch_op.create_index("ix_sessions_person_id", ["person_id"], unique=False)
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("uq_people_personal_label")
