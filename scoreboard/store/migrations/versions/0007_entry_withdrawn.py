"""An entry can be withdrawn (退赛): it keeps its sheets but is no longer ranked or shown in public;
the reason is kept beside it (and in the audit log).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.add_column(sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("withdrawn_reason", sa.String(500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("entry") as batch:
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn")
