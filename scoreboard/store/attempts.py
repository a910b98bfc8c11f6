"""Console sign-in attempts, counted per key, for the sign-in limiter of every worker.

Words: a *key* is what an attempt counts against: ``ip:ADDRESS`` or ``user:NAME``. An
*attempt* is one row (key, seconds since the epoch); attempts are deleted once they are older
than the limiter's window, when the key signs in, and — the longest unused keys first — when
more keys are kept than the limiter remembers. ``take_turn`` makes the attempts of every
process count one at a time (on PostgreSQL an advisory lock held to the end of the
transaction; on SQLite the write lock the session took as it began).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select, text
from sqlmodel import Session, col

from scoreboard.store import tables as db

LIMITER_LOCK = 7_302_002  # a PostgreSQL advisory lock key, held while an attempt is counted


def take_turn(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LIMITER_LOCK})


def counts(session: Session, keys: Iterable[str], since: float) -> dict[str, int]:
    """How many attempts each key has had at or after ``since`` (keys without any left out)."""
    rows = session.execute(select(col(db.SignInAttempt.key), func.count())
                           .where(col(db.SignInAttempt.key).in_(list(keys)), col(db.SignInAttempt.at) >= since)
                           .group_by(col(db.SignInAttempt.key))).all()
    return {key: n for key, n in rows}


def add(session: Session, keys: Iterable[str], at: float) -> None:
    session.add_all(db.SignInAttempt(key=key, at=at) for key in keys)
    session.flush()


def forget(session: Session, keys: Iterable[str]) -> None:
    session.execute(delete(db.SignInAttempt).where(col(db.SignInAttempt.key).in_(list(keys))))


def forget_before(session: Session, before: float) -> None:
    session.execute(delete(db.SignInAttempt).where(col(db.SignInAttempt.at) < before))


def key_count(session: Session) -> int:
    return session.execute(select(func.count(func.distinct(db.SignInAttempt.key)))).scalar_one()


def keep_newest(session: Session, keys: int) -> None:
    """At most ``keys`` keys keep their attempts: those used last (by their newest attempt)."""
    extra = key_count(session) - keys
    if extra > 0:
        oldest = (select(col(db.SignInAttempt.key)).group_by(col(db.SignInAttempt.key))
                  .order_by(func.max(db.SignInAttempt.id)).limit(extra))
        session.execute(delete(db.SignInAttempt).where(col(db.SignInAttempt.key).in_(oldest)))
