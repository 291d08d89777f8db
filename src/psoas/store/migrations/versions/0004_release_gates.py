"""safety v2: who answered a screen, adverse events after a session, release pauses

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=16), nullable=False, server_default="answers")
        )
    # Screens made from a warning sign in a check-in were not answered by the person.
    op.execute(
        "UPDATE assessments SET origin = 'warning_sign' WHERE intake_id IN "
        "(SELECT id FROM intakes WHERE source LIKE 'check-in of %')"
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adverse_events", DOCUMENT, nullable=True))

    op.create_table(
        "release_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("document", DOCUMENT, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_release_pauses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_pauses")),
    )
    with op.batch_alter_table("release_pauses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_release_pauses_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("release_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_pauses_person_id"))
    op.drop_table("release_pauses")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("adverse_events")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("origin")
