"""Writing an imported roster, and drawing blind codes.

Words: see ``scoreboard.roster``. Importing writes the good rows of a plan — new teams, new
contestants (a name already in the team is the same person), new entries and the changes of
existing ones — and one audit row; the
entries of blind events that came without a code get one (``load.blind_codes``: random, unique
in the event). Nothing here commits: the caller does.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from scoreboard.roster import UNCHANGED, Plan, Row
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.load import _prefix, blind_codes, competition_row


@dataclass(frozen=True)
class Imported:
    teams: int
    contestants: int
    entries: int
    codes: int
    updated: int = 0


def import_rows(session: Session, competition: str, plan: Plan, rows: list[Row], actor: str,
                skipped: int = 0) -> Imported:
    """Write ``rows``: a new row adds its entry, a changed row updates the entry of its key (an
    unchanged row writes nothing)."""
    comp = competition_row(session, competition)
    cid = comp.id
    assert cid is not None
    teams = {t.key: t for t in session.exec(select(db.Team).where(db.Team.competition_id == cid)).all()}
    new_teams = [db.Team(competition_id=cid, key=k, name_zh=v, name_en=v) for k, v in plan.new_teams.items()
                 if k not in teams and any(r.team == k for r in rows)]
    session.add_all(new_teams)
    session.flush()
    teams.update({t.key: t for t in new_teams})
    people = Contestants(session, cid)
    events = {e.key: e for e in session.exec(select(db.Event).where(db.Event.competition_id == cid)).all()}
    existing = {e.key: e for e in session.exec(select(db.Entry).where(db.Entry.competition_id == cid)).all()}
    entries, updated = [], []
    for r in rows:
        if r.status == UNCHANGED:
            continue
        team_id = teams[r.team].id if r.team else None
        contestant_keys = [people.key(name, team_id) for name in r.contestants]
        old = existing.get(r.key)
        if old is not None:
            old.title, old.team_id, old.contestants = r.title, team_id, contestant_keys
            old.code, old.attrs = r.code or None, dict(r.attrs)
            session.add(old)
            updated.append(r.key)
            continue
        event_id = events[r.event].id
        assert event_id is not None
        entries.append(db.Entry(competition_id=cid, event_id=event_id, key=r.key, code=r.code or None, title=r.title,
                                team_id=team_id, contestants=contestant_keys, attrs=dict(r.attrs)))
    session.add_all(entries)
    session.flush()
    codes = assign_codes(session, competition, actor=None)
    result = Imported(len(new_teams), people.added, len(entries), codes, len(updated))
    audit(session, actor, "roster.imported", f"competition:{competition}",
          {"competition": competition, "teams": result.teams, "contestants": result.contestants,
           "entries": result.entries, "updated": result.updated, "codes": result.codes, "skipped_rows": skipped,
           "entry_keys": [e.key for e in entries][:500], "updated_keys": updated[:500]})
    return result


class Contestants:
    """The competition's contestants by (name, team): a name already in the team is the same
    person; a new one is added with the next free key ``pN``."""

    def __init__(self, session: Session, cid: int) -> None:
        self.session, self.cid = session, cid
        rows = session.exec(select(db.Contestant).where(db.Contestant.competition_id == cid)).all()
        self.known = {(p.name, p.team_id): p.key for p in rows}
        self.keys = {p.key for p in rows}
        self.added = 0

    def key(self, name: str, team_id: int | None) -> str:
        if (name, team_id) not in self.known:
            key = next(f"p{n}" for n in range(len(self.keys) + 1, len(self.keys) + 10_000) if f"p{n}" not in self.keys)
            self.keys.add(key)
            self.known[(name, team_id)] = key
            self.session.add(db.Contestant(competition_id=self.cid, key=key, name=name, team_id=team_id))
            self.added += 1
        return self.known[(name, team_id)]


def assign_codes(session: Session, competition: str, actor: str | None, rng: random.Random | None = None) -> int:
    """Give every entry of a blind event that has no blind code one; returns how many (audited
    when ``actor`` is given)."""
    comp = competition_row(session, competition)
    rng = rng or secrets.SystemRandom()
    count = 0
    for event in session.exec(select(db.Event).where(db.Event.competition_id == comp.id, db.Event.blind == True)  # noqa: E712
                              .order_by(col(db.Event.position))).all():
        entries = session.exec(select(db.Entry).where(db.Entry.event_id == event.id).order_by(col(db.Entry.id))).all()
        missing = [e for e in entries if not e.code]
        codes = blind_codes(_prefix(event.key), len(missing), (e.code for e in entries if e.code), rng)
        for entry, code in zip(missing, codes, strict=True):
            entry.code = code
            session.add(entry)
        count += len(missing)
    session.flush()
    if actor is not None:
        audit(session, actor, "codes.assigned", f"competition:{competition}", {"codes": count})
    return count
