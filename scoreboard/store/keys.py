"""The server's own secrets, kept in the database.

Words: a *server key* is a random secret the server makes for itself the first time it needs it,
by name (``SESSION``: the key that signs session cookies when ``SECRET_KEY`` is not set;
``DEPLOYMENT``: the identity that keeps deployments sharing one live bus server apart). It is
made once per database and read back by every later run and every other process using that
database, so a restart or a second worker does not sign anyone out. Making it is race-safe:
processes starting together each try to insert under the unique name; one wins, the others read
the winner's. Unlike the rest of the store, ``server_key`` commits: a key is useless until it is
shared.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from scoreboard.store import tables as db
from scoreboard.store.engine import session

SESSION = "session"
DEPLOYMENT = "deployment"  # the deployment's identity: names its live bus channel (``live.bus``)


def _read(engine: Engine, name: str) -> str | None:
    with session(engine) as s:
        return s.exec(select(db.ServerKey.value).where(db.ServerKey.name == name)).first()


def server_key(engine: Engine, name: str = SESSION) -> str:
    """The key called ``name``, made (and committed) if the database has none yet."""
    found = _read(engine, name)
    if found is not None:
        return found
    try:
        with session(engine, write=True) as s:
            if (found := s.exec(select(db.ServerKey.value).where(db.ServerKey.name == name)).first()) is not None:
                return found  # another process made it while this one waited for the write lock
            value = secrets.token_urlsafe(48)
            s.add(db.ServerKey(name=name, value=value))
            s.commit()
            return value
    except IntegrityError:  # PostgreSQL: another process inserted the same name first
        found = _read(engine, name)
        assert found is not None, "a server key vanished after a unique-key conflict"
        return found
