"""Events get the score-reveal switch and the sequence number a frozen board stops at.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("reveal", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("frozen_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("frozen_seq")
        batch.drop_column("reveal")
