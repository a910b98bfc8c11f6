"""Several workers sharing one database: the running workers and their heartbeats, each
worker's view of the judges' devices, and the console's sign-in attempts (the limiter).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_worker"),
    )
    op.create_table(
        "judge_device",
        sa.Column("worker", sa.String(64), nullable=False),
        sa.Column("competition", sa.String(64), nullable=False),
        sa.Column("judge", sa.String(64), nullable=False),
        sa.Column("sockets", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiting", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("worker", "competition", "judge", name="pk_judge_device"),
    )
    op.create_index("ix_judge_device_competition_judge", "judge_device", ["competition", "judge"])
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_attempt"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sign_in_attempt_key", "sign_in_attempt", ["key"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempt_key", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
    op.drop_index("ix_judge_device_competition_judge", table_name="judge_device")
    op.drop_table("judge_device")
    op.drop_table("worker")
