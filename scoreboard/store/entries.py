"""An entry's lock and acceptance in the database: a locked entry takes no more sheets; an
accepted one counts as complete with fewer judges than its panel. Each change audited; nothing
here commits, the caller does."""

from __future__ import annotations

from sqlmodel import Session, col, select

from scoreboard.errors import N_, UserError
from scoreboard.store import tables as db
from scoreboard.store.audit import audit


def set_entry_locked(session: Session, competition_key: str, entry_key: str, locked: bool, actor: str,
                     reason: str = "") -> None:
    """Lock an entry (no more sheets for it) or unlock it, and audit it."""
    row = session.exec(select(db.Entry).join(db.Competition)
                       .where(db.Competition.key == competition_key, db.Entry.key == entry_key)).first()
    if row is None:
        raise UserError.one("entry_unknown", N_("no entry {key}"), key=entry_key)
    row.locked = locked
    session.add(row)
    audit(session, actor, "entry.locked" if locked else "entry.unlocked", f"entry:{entry_key}",
          {"competition": competition_key}, reason)


def set_entry_accepted(session: Session, competition_key: str, entry_key: str, accepted: bool, actor: str,
                       reason: str, judges: int, panel: int) -> None:
    """Accept the entry as complete with ``judges`` of ``panel`` (or withdraw that), and audit it."""
    row = session.exec(select(db.Entry).join(db.Competition)
                       .where(db.Competition.key == competition_key, db.Entry.key == entry_key)).first()
    if row is None:
        raise UserError.one("entry_unknown", N_("no entry {key}"), key=entry_key)
    row.accepted, row.accepted_reason = accepted, reason if accepted else ""
    session.add(row)
    audit(session, actor, "entry.accepted" if accepted else "entry.unaccepted", f"entry:{entry_key}",
          {"competition": competition_key, "judges": judges, "panel": panel}, reason)


def accepted_reasons(session: Session, competition_key: str, entry_keys: list[str]) -> dict[str, str]:
    """Why each of these entries was accepted with fewer judges, by entry key."""
    rows = session.exec(select(db.Entry.key, db.Entry.accepted_reason).join(db.Competition)
                        .where(db.Competition.key == competition_key, col(db.Entry.key).in_(entry_keys))).all()
    return dict(rows)
