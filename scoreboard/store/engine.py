"""Engines, migrations and sessions.

Words: an *engine* is one database (an SQLite file, or PostgreSQL from a ``postgresql://`` URL)
with its pool of connections; a *session* is one unit of work on it. Nothing in the store
commits: the caller does, once the whole unit of work is done, so that a sheet is stored
durably before it is acknowledged and several sheets can share one commit.

SQLite runs in WAL mode with ``synchronous`` FULL by default (a commit survives a power cut),
foreign keys on, and a busy timeout. SQLAlchemy, not the ``sqlite3`` module, starts its
transactions, so that DDL is transactional and savepoints work (see SQLAlchemy's "Transactions
with SQLite and the sqlite3 driver"); ``session(engine, write=True)`` starts with
``BEGIN IMMEDIATE``, taking the write lock at once, so a read-then-write never fails halfway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session

SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 7_302_001  # a PostgreSQL advisory lock key, held while migrating
_BEGIN = "scoreboard_sqlite_begin"  # an execution option: the BEGIN statement for SQLite


def make_engine(url: str, synchronous: str = "FULL", connect_args: dict[str, Any] | None = None,
                **options: Any) -> Engine:
    """An engine for ``url``; ``connect_args`` and ``options`` go to ``create_engine``."""
    url = postgres_url(url)
    if not url.startswith("sqlite"):
        options.setdefault("pool_pre_ping", True)
        return create_engine(url, connect_args=connect_args or {}, **options)
    synchronous = synchronous.upper()
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"SQLite synchronous must be one of {', '.join(SYNCHRONOUS)}, not {synchronous!r}")
    engine = create_engine(url, connect_args=connect_args or {}, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN, "BEGIN"))

    return engine


def postgres_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` URLs name the driver we install, psycopg2 (SQLAlchemy
    2.1 would pick psycopg 3); other URLs are left as they are."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme) and find_spec("psycopg2") is not None:
            return "postgresql+psycopg2://" + url.removeprefix(scheme)
    return url


@contextmanager
def session(engine: Engine, write: bool = False) -> Iterator[Session]:
    """A session that rolls back whatever was not committed when the block ends.

    ``write=True`` says the unit of work will write: on SQLite it takes the write lock when it
    begins (``BEGIN IMMEDIATE``), waiting up to the busy timeout for another writer.
    """
    bind = engine.execution_options(**{_BEGIN: "BEGIN IMMEDIATE"}) if write else engine
    with Session(bind, expire_on_commit=False) as s:
        try:
            yield s
        except BaseException:
            s.rollback()
            raise


def alembic_config() -> Any:
    """Alembic's configuration, made here rather than read from an ``alembic.ini``; put a
    connection in ``config.attributes["connection"]`` before running a command."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` (Alembic ``upgrade``), in one transaction;
    safe to call at every start, and from several processes at once."""
    from alembic import command

    config = alembic_config()
    with engine.execution_options(**{_BEGIN: "BEGIN IMMEDIATE"}).begin() as connection:
        if connection.dialect.name == "postgresql":  # workers starting together migrate one at a time
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
