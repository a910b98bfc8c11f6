"""Database fixtures: ``engine`` is a migrated, empty database, once on an SQLite file and once
on the local PostgreSQL (``postgresql://postgres@127.0.0.1:5432/test``), each test in a schema of
its own that is dropped afterwards, so tests can run repeatedly and in parallel."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from scoreboard.store.engine import make_engine, migrate

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'scoreboard.db'}")
    yield engine
    engine.dispose()


def postgres_engine() -> Iterator[Engine]:
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    try:
        with admin.connect() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as e:
        admin.dispose()
        if os.environ.get("CI"):  # CI has PostgreSQL: its absence is a failure there, never a skip
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {e.orig}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {e.orig}")
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def blank_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database, not migrated."""
    if request.param == "sqlite":
        yield from sqlite_engine(tmp_path)
    else:
        yield from postgres_engine()


@pytest.fixture
def engine(blank_engine: Engine) -> Engine:
    """A migrated, empty database (SQLite file or PostgreSQL schema)."""
    migrate(blank_engine)
    return blank_engine
