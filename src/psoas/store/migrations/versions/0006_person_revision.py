"""people.revision: a counter every write about the person moves on

Every write transaction about a person starts by locking the person's row; the lock
is now an ``UPDATE ... SET revision = revision + 1``, so the counter says whether
anything about the person was written since a given moment. A write reuses what it
read for the previous one (the screen, the pain baseline) only when the counter shows
nothing else was written in between, in this process or any other.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("revision")
