"""An event ranks its entries or its contestants (``totals``), and may be a round of a contest
(``round``: its name, the round before it, the share carried and how many qualify).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("totals", sa.String(16), nullable=False, server_default="entry"))
        batch.add_column(sa.Column("round", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("round")
        batch.drop_column("totals")
