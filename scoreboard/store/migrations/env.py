"""Alembic's environment: runs migrations on the connection ``scoreboard.store.engine.migrate``
hands over (``config.attributes["connection"]``), against the SQLModel metadata. SQLite gets
batch mode, since it alters a table by copying it."""

from alembic import context
from sqlmodel import SQLModel

import scoreboard.store.tables  # noqa: F401  (fills SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with scoreboard.store.engine.migrate(engine)")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
