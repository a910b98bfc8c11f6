"""Organizer console accounts, and the events a chief judge's account may act on.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("username", name="uq_account_username"),
    )
    op.create_table(
        "account_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_account_event_account_id_account"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name="fk_account_event_event_id_event"),
        sa.PrimaryKeyConstraint("id", name="pk_account_event"),
        sa.UniqueConstraint("account_id", "event_id", name="uq_account_event_account_id_event_id"),
    )
    op.create_index("ix_account_event_account_id", "account_event", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_account_event_account_id", table_name="account_event")
    op.drop_table("account_event")
    op.drop_table("account")
