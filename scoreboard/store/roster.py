"""Writing an imported roster, and drawing blind codes.

Words: see ``scoreboard.roster``. Importing writes the good rows of a plan — new teams, new
contestants (a name already in the team is the same person), entries — and one audit row; the
entries of blind events that came without a code get one (``load.blind_codes``: random, unique
in the event). Nothing here commits: the caller does.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from scoreboard.roster import Plan, Row
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.load import _prefix, blind_codes, competition_row


@dataclass(frozen=True)
class Imported:
    teams: int
    contestants: int
    entries: int
    codes: int


def import_rows(session: Session, competition: str, plan: Plan, rows: list[Row], actor: str,
                skipped: int = 0) -> Imported:
    comp = competition_row(session, competition)
    cid = comp.id
    assert cid is not None
    teams = {t.key: t for t in session.exec(select(db.Team).where(db.Team.competition_id == cid)).all()}
    new_teams = [db.Team(competition_id=cid, key=k, name_zh=v, name_en=v) for k, v in plan.new_teams.items()
                 if k not in teams and any(r.team == k for r in rows)]
    session.add_all(new_teams)
    session.flush()
    teams.update({t.key: t for t in new_teams})
    people = session.exec(select(db.Contestant).where(db.Contestant.competition_id == cid)).all()
    known = {(p.name, p.team_id): p.key for p in people}
    keys = {p.key for p in people}
    events = {e.key: e for e in session.exec(select(db.Event).where(db.Event.competition_id == cid)).all()}
    added_people = 0
    entries = []
    for r in rows:
        team_id = teams[r.team].id if r.team else None
        contestant_keys = []
        for name in r.contestants:
            if (name, team_id) not in known:
                key = next(f"p{n}" for n in range(len(keys) + 1, len(keys) + 10_000) if f"p{n}" not in keys)
                keys.add(key)
                known[(name, team_id)] = key
                session.add(db.Contestant(competition_id=cid, key=key, name=name, team_id=team_id))
                added_people += 1
            contestant_keys.append(known[(name, team_id)])
        event_id = events[r.event].id
        assert event_id is not None
        entries.append(db.Entry(competition_id=cid, event_id=event_id, key=r.key, code=r.code or None, title=r.title,
                                team_id=team_id, contestants=contestant_keys, attrs=dict(r.attrs)))
    session.add_all(entries)
    session.flush()
    codes = assign_codes(session, competition, actor=None)
    result = Imported(len(new_teams), added_people, len(entries), codes)
    audit(session, actor, "roster.imported", f"competition:{competition}",
          {"teams": result.teams, "contestants": result.contestants, "entries": result.entries,
           "codes": result.codes, "skipped_rows": skipped, "entry_keys": [r.key for r in rows][:500]})
    return result


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
