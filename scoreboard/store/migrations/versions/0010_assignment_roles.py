"""A judge's roles in an event they mark (the measuring pair, the clerk: ``rubric.markers``),
kept on their assignment; the assignments already stored get none (plain judges).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(sa.Column("roles", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("roles")
