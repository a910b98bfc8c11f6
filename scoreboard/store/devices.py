"""The workers' heartbeats and each worker's report of the judges' devices.

Words: a *worker* is one running server process, by the id it made for itself at start
(``tables.Worker``); its *beat* is the last time it said it is running. A *report* is one
worker's view of one judge's devices (``tables.JudgeDevice``): its open sockets of that judge,
the last frame heard, the sheets the tablets last said were waiting. Only its own worker writes
a report, so writing one never races another worker. A report is *alive* while its worker beat
at or after ``alive_since``: a worker killed with -9 stops beating, and its sockets stop
counting as open once its beat is old.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, delete, or_, select
from sqlmodel import Session, col

from scoreboard.store import tables as db


@dataclass(frozen=True)
class Report:
    competition: str
    judge: str
    sockets: int  # open now, on the reporting worker
    last_seen: datetime | None
    waiting: int | None  # None: never said


@dataclass(frozen=True)
class Reported:
    """A report read back, with whether its worker is still beating."""

    report: Report
    alive: bool


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)  # SQLite keeps no zone


def beat(session: Session, worker: str, now: datetime) -> None:
    """``worker`` is running at ``now``."""
    row = session.get(db.Worker, worker)
    if row is None:
        session.add(db.Worker(id=worker, started_at=now, beat_at=now))
    else:
        row.beat_at = now
        session.add(row)


def forget_workers(session: Session, beat_before: datetime) -> None:
    """Workers whose last beat is older than ``beat_before`` are forgotten (their reports stay,
    dead: they still say when a judge was last seen)."""
    session.execute(delete(db.Worker).where(col(db.Worker.beat_at) < beat_before))


def leave(session: Session, worker: str) -> None:
    """``worker`` stops: its reports are dead at once."""
    session.execute(delete(db.Worker).where(col(db.Worker.id) == worker))


def write(session: Session, worker: str, reports: Iterable[Report], alive_since: datetime) -> None:
    """``worker``'s reports, replacing its earlier ones for the same judges. Dead workers' reports
    of the same judge that were last seen no later are removed: this one says all they said."""
    alive = select(col(db.Worker.id)).where(col(db.Worker.beat_at) >= alive_since)
    for r in reports:
        row = session.get(db.JudgeDevice, (worker, r.competition, r.judge))
        if row is None:
            row = db.JudgeDevice(worker=worker, competition=r.competition, judge=r.judge)
        row.sockets, row.last_seen, row.waiting = r.sockets, r.last_seen, r.waiting
        session.add(row)
        if r.last_seen is not None:
            session.execute(delete(db.JudgeDevice).where(
                col(db.JudgeDevice.competition) == r.competition, col(db.JudgeDevice.judge) == r.judge,
                col(db.JudgeDevice.worker).not_in(alive),
                or_(col(db.JudgeDevice.last_seen).is_(None), col(db.JudgeDevice.last_seen) <= r.last_seen)))


def read(session: Session, competition: str, judges: Collection[str], alive_since: datetime,
         but: str = "") -> list[Reported]:
    """Every worker's report of the ``judges`` (except worker ``but``'s), alive or dead."""
    rows = session.execute(
        select(db.JudgeDevice, col(db.Worker.id))
        .outerjoin(db.Worker, and_(col(db.Worker.id) == db.JudgeDevice.worker, col(db.Worker.beat_at) >= alive_since))
        .where(col(db.JudgeDevice.competition) == competition, col(db.JudgeDevice.judge).in_(judges),
               col(db.JudgeDevice.worker) != but)).all()
    return [Reported(Report(d.competition, d.judge, d.sockets, _utc(d.last_seen), d.waiting), alive is not None)
            for d, alive in rows]
