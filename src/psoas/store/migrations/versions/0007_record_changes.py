"""record_changes: the append-only trail of corrections, deletions and undos

Check-ins, measurements and sessions can be corrected, deleted and the change undone.
The tables keep the current version of each record, plus ``deleted_at`` once it is
deleted (a deleted record stays, out of every reading but the trail). Each change is a
row of ``record_changes``, never altered: the record as it was before (``replaced``),
as the change left it (``result``; none for a deletion), the person's reason, when,
and for an undo, which change it undid.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORDS = ("check_ins", "measurements", "sessions")


def upgrade() -> None:
    document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    for name in RECORDS:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "record_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey(
                "people.id", ondelete="CASCADE", name="fk_record_changes_person_id_people"
            ),
            nullable=False,
        ),
        sa.Column("record_kind", sa.String(16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("replaced", document, nullable=False),
        sa.Column("result", document, nullable=True),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "undoes_id",
            sa.Integer(),
            sa.ForeignKey(
                "record_changes.id",
                ondelete="CASCADE",
                name="fk_record_changes_undoes_id_record_changes",
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_record_changes"),
        sa.UniqueConstraint("undoes_id", name="uq_record_changes_undoes_id"),
    )
    op.create_index("ix_record_changes_person_id_id", "record_changes", ["person_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_record_changes_person_id_id", table_name="record_changes")
    op.drop_table("record_changes")
    for name in RECORDS:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("deleted_at")
