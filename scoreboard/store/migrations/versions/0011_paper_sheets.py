"""Paper sheets typed twice: a judge's paper sheet is entered in the console by one clerk and again
by another before it counts (``paper_sheet``: both entries, who typed them, and what became of them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paper_sheet",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("entry.id"), nullable=False),
        sa.Column("judge_id", sa.Integer(), sa.ForeignKey("judge.id"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("first_by", sa.String(100), nullable=False),
        sa.Column("first", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("second_by", sa.String(100), nullable=False),
        sa.Column("second", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("second_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
    )
    op.create_index("ix_paper_sheet_entry_id", "paper_sheet", ["entry_id"])


def downgrade() -> None:
    op.drop_index("ix_paper_sheet_entry_id", "paper_sheet")
    op.drop_table("paper_sheet")
