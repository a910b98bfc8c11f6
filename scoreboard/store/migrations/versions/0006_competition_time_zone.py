"""A competition's time zone: where the audit log, the review page and the exports show local
times (an IANA name; the competitions already stored get Asia/Shanghai, the default).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("competition") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64), nullable=False, server_default="Asia/Shanghai"))


def downgrade() -> None:
    with op.batch_alter_table("competition") as batch:
        batch.drop_column("time_zone")
