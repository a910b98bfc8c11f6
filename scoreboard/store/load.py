"""A whole competition into the database and back out as domain objects.

Words: *saving* writes a ``scoreboard.competition.Competition`` (from a competition file) as
rows; *loading* reads the rows back into the same frozen objects, each event's rubric rebuilt
from its snapshot. Entries of a *blind* event that came without a blind code get one here: the
event's initial and digits drawn without replacement (``H482``), so codes are unique in the
event and say nothing about the order of entry. Judges get an *assignment* per event they mark
(role ``judge``) and per event they are chief judge of (role ``chief``).

An event's row after saving (state, visibility, edits) is ``store.events``'s; an entry's lock
is ``store.entries``'s. Nothing here commits; the caller does.
"""

from __future__ import annotations

import dataclasses
import random
import secrets
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from scoreboard.competition import (
    Competition,
    Contestant,
    Entry,
    Event,
    Judge,
    Round,
    Team,
    TeamRule,
    rubric_of,
)
from scoreboard.errors import N_, UserError
from scoreboard.rubric.model import Text
from scoreboard.store import tables as db
from scoreboard.store.sheets import exact


def competitions(session: Session) -> list[tuple[str, str, str]]:
    """Every competition as (key, name_zh, name_en), oldest first."""
    rows = session.exec(select(db.Competition).order_by(col(db.Competition.id))).all()
    return [(c.key, c.name_zh, c.name_en) for c in rows]


def competition_row(session: Session, key: str) -> db.Competition:
    row = session.exec(select(db.Competition).where(db.Competition.key == key)).first()
    if row is None:
        raise UserError.one("competition_unknown", N_("no competition {key}"), key=key)
    return row


def blind_codes(prefix: str, count: int, taken: Iterable[str], rng: random.Random) -> list[str]:
    """``count`` new codes ``prefix`` + digits, none in ``taken``; at least three digits, more
    while the codes would fill over a tenth of the numbers, so a code is hard to guess."""
    taken = set(taken)
    width = 3
    while (count + len(taken)) * 10 > 10**width:
        width += 1
    pool = [n for n in range(10**width) if f"{prefix}{n:0{width}d}" not in taken]
    return [f"{prefix}{n:0{width}d}" for n in rng.sample(pool, count)]


def _prefix(event_key: str) -> str:
    return next((ch.upper() for ch in event_key if ch.isascii() and ch.isalpha()), "E")


def _with_codes(competition: Competition, rng: random.Random) -> list[Entry]:
    entries = list(competition.entries)
    for event in competition.events:
        if not event.blind:
            continue
        mine = [i for i, e in enumerate(entries) if e.event == event.key]
        missing = [i for i in mine if not entries[i].code]
        codes = blind_codes(_prefix(event.key), len(missing), (entries[i].code for i in mine), rng)
        for i, code in zip(missing, codes, strict=True):
            entries[i] = dataclasses.replace(entries[i], code=code)
    return entries


def _id(row: db.SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int), "flush before reading an id"
    return value


def save_competition(session: Session, competition: Competition, rng: random.Random | None = None) -> int:
    """Write ``competition`` and return its id; refuses a key already taken."""
    c = competition
    if session.exec(select(db.Competition.id).where(db.Competition.key == c.key)).first() is not None:
        raise UserError.one("competition_exists", N_("a competition {key} already exists"), key=c.key)
    row = db.Competition(key=c.key, name_zh=c.name.zh, name_en=c.name.en, date=c.date, venue=c.venue,
                         time_zone=c.time_zone, team_rule=rule_data(c.team_rule))
    session.add(row)
    session.flush()
    cid = _id(row)
    events = {e.key: db.Event(competition_id=cid, key=e.key, name_zh=e.name.zh, name_en=e.name.en,
                              rubric=dict(e.rubric_data), rubric_source=f"{c.key}/{e.key}", blind=e.blind,
                              visibility=e.visibility, position=i, reveal=e.reveal, totals=e.totals,
                              round=round_data(e.round))
              for i, e in enumerate(c.events)}
    teams = {t.key: db.Team(competition_id=cid, key=t.key, name_zh=t.name.zh, name_en=t.name.en) for t in c.teams}
    session.add_all([*events.values(), *teams.values()])
    session.flush()
    team_id = {k: _id(t) for k, t in teams.items()}
    session.add_all([db.Contestant(competition_id=cid, key=p.key, name=p.name, team_id=team_id.get(p.team),
                                   age=p.age, gender=p.gender) for p in c.contestants])
    session.add_all([db.Entry(competition_id=cid, event_id=_id(events[e.event]), key=e.key, code=e.code or None,
                              title=e.title, team_id=team_id.get(e.team), contestants=list(e.contestants),
                              tags=dict(e.tags), attrs=dict(e.attrs))
                     for e in _with_codes(c, rng or secrets.SystemRandom())])
    judges = [(j, db.Judge(competition_id=cid, key=j.key, name=j.name, team_id=team_id.get(j.team)))
              for j in c.judges]
    session.add_all([row for _, row in judges])
    session.flush()
    session.add_all([db.Assignment(judge_id=_id(row), event_id=_id(events[key]), role=role,
                                   roles=" ".join(sorted(j.roles_in(key))) if role == "judge" else "")
                     for j, row in judges
                     for role, keys in (("judge", j.events), ("chief", j.chief_of)) for key in keys])
    session.flush()
    return cid


def round_data(stage: Round | None) -> dict[str, Any] | None:
    if stage is None:
        return None
    return {"name": {"zh": stage.name.zh, "en": stage.name.en}, "after": stage.after, "carry": exact(stage.carry),
            "qualify": stage.qualify}


def round_of(data: dict[str, Any] | None) -> Round | None:
    if data is None:
        return None
    return Round(Text(data["name"]["zh"], data["name"]["en"]), data["after"], Fraction(data["carry"]),
                 data["qualify"])


def rule_data(rule: TeamRule | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {"method": rule.method, "n": rule.n, "events": list(rule.events), "count_award": rule.count_award}


def rule_of(data: dict[str, Any] | None) -> TeamRule | None:
    if data is None:
        return None
    return TeamRule(data["method"], data["n"], tuple(data["events"]), data["count_award"])


T = TypeVar("T", bound=db.SQLModel)


def _rows(session: Session, table: type[T], *where: object) -> Sequence[T]:
    return session.exec(select(table).where(*where).order_by(table.id)).all()  # type: ignore[attr-defined, arg-type]


def load_competition(session: Session, key: str, withdrawn: bool = False) -> Competition:
    """The competition as stored; a withdrawn entry is left out (not ranked, judged or shown)
    unless ``withdrawn`` (the roster's pages and imports, which must know every entry)."""
    row = competition_row(session, key)
    cid = row.id
    events = _rows(session, db.Event, db.Event.competition_id == cid)
    events = sorted(events, key=lambda e: e.position)
    teams = _rows(session, db.Team, db.Team.competition_id == cid)
    team_key = {t.id: t.key for t in teams}
    event_key = {e.id: e.key for e in events}
    judges = _rows(session, db.Judge, db.Judge.competition_id == cid)
    assignments = _rows(session, db.Assignment, col(db.Assignment.event_id).in_(list(event_key)))

    def roles(judge_id: int | None, role: str) -> tuple[str, ...]:
        return tuple(event_key[a.event_id] for a in assignments if a.judge_id == judge_id and a.role == role)

    def marker_roles(judge_id: int | None) -> tuple[tuple[str, str], ...]:
        return tuple((event_key[a.event_id], m) for a in assignments
                     if a.judge_id == judge_id and a.role == "judge" for m in a.roles.split())

    return Competition(
        key=row.key, name=Text(row.name_zh, row.name_en),
        events=tuple(Event(e.key, Text(e.name_zh, e.name_en), rubric_of(e.rubric, e.rubric_source), e.rubric,
                           e.blind, e.visibility, e.reveal, e.frozen_seq, e.totals, round_of(e.round))
                      for e in events),
        teams=tuple(Team(t.key, Text(t.name_zh, t.name_en)) for t in teams),
        contestants=tuple(Contestant(p.key, p.name, team_key.get(p.team_id, ""), p.age, p.gender)
                          for p in _rows(session, db.Contestant, db.Contestant.competition_id == cid)),
        entries=tuple(Entry(e.key, event_key[e.event_id], e.title, team_key.get(e.team_id, ""), e.code or "",
                            tuple(e.contestants), e.tags, e.attrs, e.accepted)
                      for e in _rows(session, db.Entry, db.Entry.competition_id == cid)
                      if withdrawn or not e.withdrawn),
        judges=tuple(Judge(j.key, j.name, roles(j.id, "judge"), roles(j.id, "chief"), team_key.get(j.team_id, ""),
                           marker_roles(j.id)) for j in judges),
        team_rule=rule_of(row.team_rule),
        date=row.date, venue=row.venue, time_zone=row.time_zone,
    )
