"""An entry can be accepted with fewer judges than its panel (a judge sat out for their own team):
it then counts as complete; the reason is kept beside it (and in the audit log).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.add_column(sa.Column("accepted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("accepted_reason", sa.String(500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.drop_column("accepted_reason")
        batch.drop_column("accepted")
