"""Correcting a roster after it was imported: editing, deleting and withdrawing entries, editing and
deleting contestants and teams. Each change is checked, written and audited; nothing here commits.

Words: an entry, contestant or team is *scored* when a sheet of it (of one of its entries) is
stored; a scored one cannot be deleted (its sheets stay, and so must what they score) — an entry
that no longer competes is *withdrawn* (退赛) instead: it keeps its sheets but is left out of the
competition as it is ranked, judged and shown (``load.load_competition``), until it is reinstated.
Withdrawing and reinstating change results, so both are refused while the entry's event is locked
or published (``states.FIXED``), and a withdrawal needs a reason (kept in the audit log).
Deleting a team deletes its entries and contestants with it (none of them scored) and clears it as
a judge's conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from sqlmodel import Session, col, func, select

from scoreboard.errors import N_, Problem, UserError
from scoreboard.rubric.reader import KEY
from scoreboard.states import FIXED
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.load import competition_row
from scoreboard.store.roster import Contestants, assign_codes

GENDERS = ("female", "male")
REASON = 500


def _cid(session: Session, competition: str) -> int:
    cid = competition_row(session, competition).id
    assert cid is not None
    return cid


Row = TypeVar("Row", db.Entry, db.Contestant, db.Team)


def _one(session: Session, table: type[Row], cid: int, key: str, code: str, message: str) -> Row:
    row = session.exec(select(table).where(table.competition_id == cid, table.key == key)).first()
    if row is None:
        raise UserError.one(code, message, key=key)
    return row


def entry_row(session: Session, cid: int, key: str) -> db.Entry:
    return _one(session, db.Entry, cid, key, "entry_unknown", N_("no entry {key}"))


def scored(session: Session, entry_ids: Sequence[int | None]) -> set[int]:
    """The ids among ``entry_ids`` that have a stored sheet."""
    ids = [i for i in entry_ids if i is not None]
    if not ids:
        return set()
    return set(session.exec(select(db.Sheet.entry_id).where(col(db.Sheet.entry_id).in_(ids)).distinct()).all())


def _team_id(session: Session, cid: int, team: str) -> int | None:
    if not team:
        return None
    row = _one(session, db.Team, cid, team, "team_unknown", N_("no team {key}"))
    return row.id


def _reason(reason: str, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise UserError.one("reason_missing", N_("give a reason"), "reason")
    if len(reason) > REASON:
        raise UserError.one("reason_long", N_("the reason is longer than {n} characters"), "reason", n=REASON)
    return reason


def edit_entry(session: Session, competition: str, key: str, title: str, code: str, team: str,
               names: Sequence[str], attrs: Mapping[str, float | None], actor: str) -> None:
    """Set the entry's title, blind code (empty: a blind event's entry gets a fresh one), team,
    contestants (by name within the team: a new name is a new contestant) and attributes (None
    removes one)."""
    cid = _cid(session, competition)
    entry = entry_row(session, cid, key)
    problems = []
    if len(title) > 200:
        problems.append(Problem("title_long", N_("the title is longer than {n} characters"), {"n": 200}, "title"))
    if code and (not KEY.match(code) or len(code) > 32):
        problems.append(Problem("code_invalid", N_("the blind code {code} must be a short key"), {"code": code},
                                "code"))
    elif code and session.exec(select(db.Entry.id).where(db.Entry.event_id == entry.event_id, db.Entry.code == code,
                                                         db.Entry.id != entry.id)).first() is not None:
        problems.append(Problem("code_taken", N_("blind code {code} is already used in this event"),
                                {"code": code}, "code"))
    if not names or not all(n.strip() for n in names):
        problems.append(UserError.one("contestants_missing", N_("name at least one contestant"),
                                      "contestants").problems[0])
    elif any(len(n) > 100 for n in names):
        problems.append(UserError.one("name_long", N_("a contestant's name is longer than {n} characters"),
                                      "contestants", n=100).problems[0])
    if problems:
        raise UserError(problems)
    team_id = _team_id(session, cid, team)
    before = {"title": entry.title, "code": entry.code or "", "team_id": entry.team_id,
              "contestants": list(entry.contestants), "attrs": dict(entry.attrs)}
    people = Contestants(session, cid)
    entry.title, entry.code, entry.team_id = title, code or None, team_id
    entry.contestants = [people.key(n.strip(), team_id) for n in dict.fromkeys(names)]
    entry.attrs = {k: v for k, v in {**entry.attrs, **attrs}.items() if v is not None}
    session.add(entry)
    session.flush()
    assign_codes(session, competition, actor=None)
    after = {"title": entry.title, "code": entry.code or "", "team_id": entry.team_id,
             "contestants": list(entry.contestants), "attrs": dict(entry.attrs)}
    audit(session, actor, "entry.edited", f"entry:{key}",
          {"competition": competition, "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
           "team": team})


def delete_entry(session: Session, competition: str, key: str, actor: str) -> None:
    cid = _cid(session, competition)
    entry = entry_row(session, cid, key)
    if scored(session, [entry.id]):
        raise UserError.one("entry_scored", N_("entry {key} has sheets and cannot be deleted; withdraw it instead"),
                            key=key)
    session.delete(entry)
    audit(session, actor, "entry.deleted", f"entry:{key}",
          {"competition": competition, "title": entry.title, "code": entry.code or ""})


def withdraw_entry(session: Session, competition: str, key: str, withdrawn: bool, reason: str, actor: str) -> None:
    """Withdraw the entry (a reason is required) or reinstate it."""
    cid = _cid(session, competition)
    reason = _reason(reason, required=withdrawn)
    entry = entry_row(session, cid, key)
    event = session.get(db.Event, entry.event_id)
    assert event is not None
    if event.state in FIXED:
        raise UserError.one("event_fixed", N_("the results of this entry's event are locked; reopen the event first"))
    if entry.withdrawn == withdrawn:
        raise UserError.one("entry_already", N_("entry {key} is already withdrawn") if withdrawn
                            else N_("entry {key} is not withdrawn"), key=key)
    entry.withdrawn, entry.withdrawn_reason = withdrawn, reason if withdrawn else ""
    session.add(entry)
    audit(session, actor, "entry.withdrawn" if withdrawn else "entry.reinstated", f"entry:{key}",
          {"competition": competition, "event": event.key}, reason)


def edit_contestant(session: Session, competition: str, key: str, name: str, team: str, age: int | None,
                    gender: str | None, actor: str) -> None:
    cid = _cid(session, competition)
    row = _one(session, db.Contestant, cid, key, "contestant_unknown", N_("no contestant {key}"))
    problems = []
    if not name.strip() or len(name) > 100:
        problems.append(Problem("name_invalid", N_("give the contestant's name (at most {n} characters)"),
                                {"n": 100}, "name"))
    if age is not None and not 10 <= age <= 100:
        problems.append(Problem("age_invalid", N_("the age must be a whole number from {low} to {high}"),
                                {"low": 10, "high": 100}, "age"))
    if gender is not None and gender not in GENDERS:
        problems.append(Problem("gender_invalid", N_("the gender must be female or male"), {}, "gender"))
    if problems:
        raise UserError(problems)
    before = {"name": row.name, "team_id": row.team_id, "age": row.age, "gender": row.gender}
    row.name, row.team_id, row.age, row.gender = name.strip(), _team_id(session, cid, team), age, gender
    session.add(row)
    after = {"name": row.name, "team_id": row.team_id, "age": row.age, "gender": row.gender}
    audit(session, actor, "contestant.edited", f"contestant:{key}",
          {"competition": competition, "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
           "team": team})


def _entries_with(session: Session, cid: int, contestants: set[str]) -> list[db.Entry]:
    rows = session.exec(select(db.Entry).where(db.Entry.competition_id == cid)).all()
    return [e for e in rows if contestants & set(e.contestants)]


def delete_contestant(session: Session, competition: str, key: str, actor: str) -> None:
    """Delete a contestant and take them off their entries — refused while one of those is scored
    or has no one else."""
    cid = _cid(session, competition)
    row = _one(session, db.Contestant, cid, key, "contestant_unknown", N_("no contestant {key}"))
    entries = _entries_with(session, cid, {key})
    if scored(session, [e.id for e in entries]):
        raise UserError.one("contestant_scored", N_("{name}'s entry has sheets: the contestant cannot be deleted; "
                                                    "withdraw the entry instead"), name=row.name)
    alone = [e.key for e in entries if e.contestants == [key]]
    if alone:
        raise UserError.one("contestant_alone", N_("{name} is the only contestant of entry {entry}: delete the entry, "
                                                   "or name another contestant first"),
                            name=row.name, entry=alone[0])
    for entry in entries:
        entry.contestants = [k for k in entry.contestants if k != key]
        session.add(entry)
    session.delete(row)
    audit(session, actor, "contestant.deleted", f"contestant:{key}",
          {"competition": competition, "name": row.name, "entries": [e.key for e in entries]})


def edit_team(session: Session, competition: str, key: str, name_zh: str, name_en: str, actor: str) -> None:
    cid = _cid(session, competition)
    row = _one(session, db.Team, cid, key, "team_unknown", N_("no team {key}"))
    name_zh, name_en = name_zh.strip(), name_en.strip() or name_zh.strip()
    if not name_zh or len(name_zh) > 200 or len(name_en) > 200:
        raise UserError.one("name_invalid", N_("give the team's name (at most {n} characters)"), "name_zh", n=200)
    taken = session.exec(select(db.Team.id).where(db.Team.competition_id == cid, db.Team.name_zh == name_zh,
                                                  db.Team.id != row.id)).first()
    if taken is not None:
        raise UserError.one("team_exists", N_("another team is already called {name}"), "name_zh", name=name_zh)
    before = [row.name_zh, row.name_en]
    row.name_zh, row.name_en = name_zh, name_en
    session.add(row)
    audit(session, actor, "team.edited", f"team:{key}",
          {"competition": competition, "before": before, "after": [name_zh, name_en]})


def team_reach(session: Session, cid: int, team_id: int | None) -> tuple[list[db.Entry], list[db.Contestant]]:
    """The team's entries and contestants: what deleting it deletes."""
    entries = session.exec(select(db.Entry).where(db.Entry.competition_id == cid, db.Entry.team_id == team_id)).all()
    people = session.exec(select(db.Contestant).where(db.Contestant.competition_id == cid,
                                                      db.Contestant.team_id == team_id)).all()
    return list(entries), list(people)


def delete_team(session: Session, competition: str, key: str, actor: str) -> None:
    cid = _cid(session, competition)
    row = _one(session, db.Team, cid, key, "team_unknown", N_("no team {key}"))
    entries, people = team_reach(session, cid, row.id)
    if scored(session, [e.id for e in entries]):
        raise UserError.one("team_scored", N_("an entry of {name} has sheets: the team cannot be deleted; "
                                              "withdraw its entries instead"), name=row.name_zh)
    gone = {p.key for p in people}
    for other in _entries_with(session, cid, gone):
        if other.team_id != row.id:
            other.contestants = [k for k in other.contestants if k not in gone]
            session.add(other)
    for entry in entries:
        session.delete(entry)
    for person in people:
        session.delete(person)
    for judge in session.exec(select(db.Judge).where(db.Judge.competition_id == cid, db.Judge.team_id == row.id)):
        judge.team_id = None
        session.add(judge)
    session.flush()
    session.delete(row)
    audit(session, actor, "team.deleted", f"team:{key}",
          {"competition": competition, "name": row.name_zh, "entries": [e.key for e in entries],
           "contestants": sorted(gone)})


def roster_state(session: Session, competition: str) -> tuple[dict[str, int], dict[str, str]]:
    """Each entry's number of stored sheets (entries with none are left out), and each withdrawn
    entry's reason, by entry key."""
    cid = _cid(session, competition)
    counts = session.exec(select(db.Entry.key, func.count(col(db.Sheet.id)))
                          .join(db.Sheet, col(db.Sheet.entry_id) == db.Entry.id)
                          .where(db.Entry.competition_id == cid).group_by(col(db.Entry.key))).all()
    withdrawn = session.exec(select(db.Entry.key, db.Entry.withdrawn_reason)
                             .where(db.Entry.competition_id == cid, db.Entry.withdrawn == True)).all()  # noqa: E712
    return {k: n for k, n in counts}, {k: r for k, r in withdrawn}
