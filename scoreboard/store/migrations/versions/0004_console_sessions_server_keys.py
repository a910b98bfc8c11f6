"""Console sign-ins kept on the server (signing out ends them everywhere), and the server's own
keys (the session-signing key, made once and shared by every process).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_console_session_account_id_account"),
        sa.PrimaryKeyConstraint("id", name="pk_console_session"),
        sa.UniqueConstraint("token_hash", name="uq_console_session_token_hash"),
    )
    op.create_index("ix_console_session_account_id", "console_session", ["account_id"])
    op.create_table(
        "server_key",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_server_key"),
    )


def downgrade() -> None:
    op.drop_table("server_key")
    op.drop_index("ix_console_session_account_id", table_name="console_session")
    op.drop_table("console_session")
