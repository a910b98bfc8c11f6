"""Read-only queries the organizer console needs about an event's progress.

Words: a judge's *received* revision of an entry is the latest revision of their sheet stored
for it (0: nothing received); the event's *panel* is the judges assigned to mark it (role
``judge``), its *chief* the judges assigned as its chief judge (role ``chief``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from scoreboard.store import tables as db


@dataclass(frozen=True)
class PanelJudge:
    key: str
    name: str
    team: str  # the team key, "" for none: the judge never marks this team's entries
    revoked: bool
    has_token: bool


def locked_entries(session: Session, competition: str) -> set[str]:
    comp = select(db.Competition.id).where(db.Competition.key == competition).scalar_subquery()
    return set(session.exec(select(db.Entry.key).where(db.Entry.competition_id == comp,
                                                       db.Entry.locked == True)).all())  # noqa: E712


def _event_id(session: Session, competition: str, event: str) -> int | None:
    return session.exec(select(db.Event.id).join(db.Competition)
                        .where(db.Competition.key == competition, db.Event.key == event)).first()


def judges_of(session: Session, competition: str, event: str, role: str = "judge") -> list[PanelJudge]:
    """The event's judges in that role, in the order they were created."""
    event_id = _event_id(session, competition, event)
    rows = session.exec(select(db.Judge, db.Team.key).join(db.Assignment, col(db.Assignment.judge_id) == db.Judge.id)
                        .outerjoin(db.Team, col(db.Team.id) == db.Judge.team_id)
                        .where(db.Assignment.event_id == event_id, db.Assignment.role == role)
                        .order_by(col(db.Judge.id))).all()
    return [PanelJudge(j.key, j.name, team or "", j.revoked, j.token_hash is not None) for j, team in rows]


def received(session: Session, competition: str, event: str) -> dict[tuple[str, str], int]:
    """(entry key, judge key) → the latest revision received."""
    event_id = _event_id(session, competition, event)
    rows = session.exec(select(db.Entry.key, db.Judge.key, func.max(db.Sheet.revision))
                        .join(db.Entry, col(db.Sheet.entry_id) == db.Entry.id)
                        .join(db.Judge, col(db.Sheet.judge_id) == db.Judge.id)
                        .where(db.Entry.event_id == event_id)
                        .group_by(db.Entry.key, db.Judge.key)).all()
    return {(e, j): int(r) for e, j, r in rows}


def entry_progress(session: Session, competition: str, entry: str) -> tuple[bool, dict[str, int]]:
    """One entry's part of the matrix: whether it is locked, and judge key → the latest revision
    received (the queries of ``locked_entries`` and ``received``, for that entry alone)."""
    comp = select(db.Competition.id).where(db.Competition.key == competition).scalar_subquery()
    locked = session.exec(select(db.Entry.locked).where(db.Entry.competition_id == comp,
                                                        db.Entry.key == entry)).first()
    rows = session.exec(select(db.Judge.key, func.max(db.Sheet.revision))
                        .join(db.Entry, col(db.Sheet.entry_id) == db.Entry.id)
                        .join(db.Judge, col(db.Sheet.judge_id) == db.Judge.id)
                        .where(db.Entry.competition_id == comp, db.Entry.key == entry)
                        .group_by(db.Judge.key)).all()
    return bool(locked), {j: int(r) for j, r in rows}
