"""The first schema: competitions, events, teams, contestants, entries, judges, assignments,
sheets and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON(none_as_null=True)
KEY = 64


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _competition_id(table: str) -> list:
    return [
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["competition_id"], ["competition.id"], name=f"fk_{table}_competition_id_competition"),
    ]


def upgrade() -> None:
    op.create_table(
        "competition",
        _id(),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("date", sa.String(32), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("team_rule", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_competition"),
        sa.UniqueConstraint("key", name="uq_competition_key"),
    )
    op.create_table(
        "event",
        _id(),
        *_competition_id("event"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("rubric", JSON, nullable=False),
        sa.Column("rubric_source", sa.String(500), nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event"),
        sa.UniqueConstraint("competition_id", "key", name="uq_event_competition_id_key"),
    )
    op.create_table(
        "team",
        _id(),
        *_competition_id("team"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_team"),
        sa.UniqueConstraint("competition_id", "key", name="uq_team_competition_id_key"),
    )
    op.create_table(
        "contestant",
        _id(),
        *_competition_id("contestant"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_contestant_team_id_team"),
        sa.PrimaryKeyConstraint("id", name="pk_contestant"),
        sa.UniqueConstraint("competition_id", "key", name="uq_contestant_competition_id_key"),
    )
    op.create_index("ix_contestant_team_id", "contestant", ["team_id"])
    op.create_table(
        "entry",
        _id(),
        *_competition_id("entry"),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("code", sa.String(KEY), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("contestants", JSON, nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("attrs", JSON, nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name="fk_entry_event_id_event"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_entry_team_id_team"),
        sa.PrimaryKeyConstraint("id", name="pk_entry"),
        sa.UniqueConstraint("competition_id", "key", name="uq_entry_competition_id_key"),
        sa.UniqueConstraint("event_id", "code", name="uq_entry_event_id_code"),
    )
    op.create_index("ix_entry_event_id", "entry", ["event_id"])
    op.create_index("ix_entry_team_id", "entry", ["team_id"])
    op.create_table(
        "judge",
        _id(),
        *_competition_id("judge"),
        sa.Column("key", sa.String(KEY), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(128), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name="fk_judge_team_id_team"),
        sa.PrimaryKeyConstraint("id", name="pk_judge"),
        sa.UniqueConstraint("competition_id", "key", name="uq_judge_competition_id_key"),
        sa.UniqueConstraint("token_hash", name="uq_judge_token_hash"),
    )
    op.create_index("ix_judge_team_id", "judge", ["team_id"])
    op.create_table(
        "assignment",
        _id(),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["judge_id"], ["judge.id"], name="fk_assignment_judge_id_judge"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name="fk_assignment_event_id_event"),
        sa.PrimaryKeyConstraint("id", name="pk_assignment"),
        sa.UniqueConstraint("judge_id", "event_id", "role", name="uq_assignment_judge_id_event_id_role"),
    )
    op.create_index("ix_assignment_event_id", "assignment", ["event_id"])
    op.create_table(
        "sheet",
        _id(),
        sa.Column("uid", sa.String(KEY), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("marks", JSON, nullable=False),
        sa.Column("deductions", JSON, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], name="fk_sheet_entry_id_entry"),
        sa.ForeignKeyConstraint(["judge_id"], ["judge.id"], name="fk_sheet_judge_id_judge"),
        sa.PrimaryKeyConstraint("id", name="pk_sheet"),
        sa.UniqueConstraint("uid", name="uq_sheet_uid"),
        sa.UniqueConstraint("entry_id", "judge_id", "revision", name="uq_sheet_entry_id_judge_id_revision"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_sheet_judge_id", "sheet", ["judge_id"])
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])


def downgrade() -> None:
    for table in ("audit_log", "sheet", "assignment", "judge", "entry", "contestant", "team", "event", "competition"):
        op.drop_table(table)
