"""A whole competition into the database and back out as domain objects.

Words: *saving* writes a ``scoreboard.competition.Competition`` (from a competition file) as
rows; *loading* reads the rows back into the same frozen objects, each event's rubric rebuilt
from its snapshot. Entries of a *blind* event that came without a blind code get one here: the
event's initial and digits drawn without replacement (``H482``), so codes are unique in the
event and say nothing about the order of entry. Judges get an *assignment* per event they mark
(role ``judge``) and per event they are chief judge of (role ``chief``).

The event's *state* (draft, open, closed, locked, published) and an entry's *lock* live here
too, each change audited. Nothing here commits; the caller does.
"""

from __future__ import annotations

import dataclasses
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select

from scoreboard.competition import (
    VISIBILITY,
    Competition,
    Contestant,
    Entry,
    Event,
    Judge,
    Team,
    TeamRule,
    rubric_of,
)
from scoreboard.errors import N_, Problem, UserError
from scoreboard.rubric.golden import run_golden
from scoreboard.rubric.model import Text
from scoreboard.rubric.reader import plain
from scoreboard.store import tables as db
from scoreboard.store.audit import audit


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
    rule = c.team_rule
    row = db.Competition(key=c.key, name_zh=c.name.zh, name_en=c.name.en, date=c.date, venue=c.venue,
                         team_rule=None if rule is None else {"method": rule.method, "n": rule.n,
                                                              "events": list(rule.events),
                                                              "count_award": rule.count_award})
    session.add(row)
    session.flush()
    cid = _id(row)
    events = {e.key: db.Event(competition_id=cid, key=e.key, name_zh=e.name.zh, name_en=e.name.en,
                              rubric=dict(e.rubric_data), rubric_source=f"{c.key}/{e.key}", blind=e.blind,
                              visibility=e.visibility, position=i, reveal=e.reveal)
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
    session.add_all([db.Assignment(judge_id=_id(row), event_id=_id(events[key]), role=role)
                     for j, row in judges
                     for role, keys in (("judge", j.events), ("chief", j.chief_of)) for key in keys])
    session.flush()
    return cid


T = TypeVar("T", bound=db.SQLModel)


def _rows(session: Session, table: type[T], *where: object) -> Sequence[T]:
    return session.exec(select(table).where(*where).order_by(table.id)).all()  # type: ignore[attr-defined, arg-type]


def load_competition(session: Session, key: str) -> Competition:
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

    rule = row.team_rule
    return Competition(
        key=row.key, name=Text(row.name_zh, row.name_en),
        events=tuple(Event(e.key, Text(e.name_zh, e.name_en), rubric_of(e.rubric, e.rubric_source), e.rubric,
                           e.blind, e.visibility, e.reveal, e.frozen_seq) for e in events),
        teams=tuple(Team(t.key, Text(t.name_zh, t.name_en)) for t in teams),
        contestants=tuple(Contestant(p.key, p.name, team_key.get(p.team_id, ""), p.age, p.gender)
                          for p in _rows(session, db.Contestant, db.Contestant.competition_id == cid)),
        entries=tuple(Entry(e.key, event_key[e.event_id], e.title, team_key.get(e.team_id, ""), e.code or "",
                            tuple(e.contestants), e.tags, e.attrs)
                      for e in _rows(session, db.Entry, db.Entry.competition_id == cid)),
        judges=tuple(Judge(j.key, j.name, roles(j.id, "judge"), roles(j.id, "chief"), team_key.get(j.team_id, ""))
                     for j in judges),
        team_rule=None if rule is None else TeamRule(rule["method"], rule["n"], tuple(rule["events"]),
                                                     rule["count_award"]),
        date=row.date, venue=row.venue,
    )


def _event_row(session: Session, competition_key: str, event_key: str) -> db.Event:
    row = session.exec(select(db.Event).join(db.Competition)
                       .where(db.Competition.key == competition_key, db.Event.key == event_key)).first()
    if row is None:
        raise UserError.one("event_unknown", N_("no event {key}"), key=event_key)
    return row


def event_state(session: Session, competition_key: str, event_key: str) -> str:
    return _event_row(session, competition_key, event_key).state


def event_states(session: Session, competition_key: str) -> dict[str, str]:
    """Each event's state (draft, open, closed, locked, published) by event key."""
    rows = session.exec(select(db.Event.key, db.Event.state).join(db.Competition)
                        .where(db.Competition.key == competition_key)).all()
    return dict(rows)


def set_event_state(session: Session, competition_key: str, event_key: str, state: str, actor: str,
                    reason: str = "") -> str:
    """Move an event to ``state`` and audit it; returns the state it was in. Opening an event
    runs its rubric's golden cases first and refuses, listing them, if any fails."""
    if state not in db.EVENT_STATES:
        raise UserError.one("state_unknown", N_("{state} is not one of {states}"), state=state,
                            states=", ".join(db.EVENT_STATES))
    row = _event_row(session, competition_key, event_key)
    if state == "open":  # an event whose rubric fails its own golden cases never opens for scoring
        problems, _cases = run_golden(rubric_of(row.rubric, row.rubric_source), row.rubric_source)
        if problems:
            raise UserError(problems)
    before, row.state = row.state, state
    session.add(row)
    audit(session, actor, "event.state", f"event:{event_key}",
          {"competition": competition_key, "from": before, "to": state}, reason)
    return before


def set_event_visibility(session: Session, competition_key: str, event_key: str, visibility: str, actor: str,
                         reason: str = "") -> str:
    """Choose what the public sees of an event (live, progress, frozen, hidden) and audit it;
    returns the visibility it had. Freezing records the latest sheet's seq: the moment of freezing."""
    if visibility not in VISIBILITY:
        raise UserError.one("visibility_unknown", N_("{visibility} is not one of {choices}"), visibility=visibility,
                            choices=", ".join(VISIBILITY))
    row = _event_row(session, competition_key, event_key)
    before = row.visibility
    if visibility == "frozen" and before != "frozen":
        row.frozen_seq = session.exec(select(func.max(db.Sheet.id))).one() or 0
    elif visibility != "frozen":
        row.frozen_seq = None
    row.visibility = visibility
    session.add(row)
    audit(session, actor, "event.visibility", f"event:{event_key}",
          {"competition": competition_key, "from": before, "to": visibility, "frozen_seq": row.frozen_seq}, reason)
    return before


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


def sheets_stored(session: Session, competition_key: str, event_key: str) -> int:
    """How many sheets (every revision) are stored for the event's entries."""
    row = _event_row(session, competition_key, event_key)
    return session.exec(select(func.count()).select_from(db.Sheet).join(db.Entry, col(db.Sheet.entry_id) == db.Entry.id)
                        .where(db.Entry.event_id == row.id)).one()


def rules_may_change(session: Session, competition_key: str, event_key: str) -> bool:
    """An event's rubric (and whether it is judged blind) may change while it is a draft or while
    no sheet is stored for it: changing the rules under stored marks would change results silently."""
    row = _event_row(session, competition_key, event_key)
    return row.state == "draft" or sheets_stored(session, competition_key, event_key) == 0


def update_event(session: Session, competition_key: str, event_key: str, *, name_zh: str, name_en: str,
                 blind: bool, reveal: bool, rubric_data: Mapping[str, Any], actor: str,
                 reason: str = "", source: str = "") -> dict[str, Any]:
    """Change an event's names, blindness, score-reveal card and rubric snapshot, and audit what
    changed (``event.edited``); returns the changed fields as {field: {"from", "to"}}. The new
    rubric must read and pass its golden cases; the rubric and blindness are refused once sheets
    are stored for an event that is not a draft. The visibility has its own ``set_event_visibility``.
    ``source`` names the rubric in problems' places (default: the event's rubric source)."""
    row = _event_row(session, competition_key, event_key)
    source = source or row.rubric_source
    data = plain(rubric_data, source)
    problems = []
    if not name_zh.strip():
        problems.append(Problem("name_missing", N_("the Chinese name is needed"), {}, "name.zh"))
    for place, value in (("name.zh", name_zh), ("name.en", name_en)):
        if len(value) > 200:
            problems.append(Problem("name_too_long", N_("at most {n} characters"), {"n": 200}, place))
    if problems:
        raise UserError(problems)
    rubric = rubric_of(data, source)
    golden, _cases = run_golden(rubric, source)
    if golden:
        raise UserError(golden)
    wanted: dict[str, Any] = {"name_zh": name_zh.strip(), "name_en": name_en.strip() or name_zh.strip(),
                              "blind": blind, "reveal": reveal, "rubric": data}
    changed = {k: {"from": getattr(row, k), "to": v} for k, v in wanted.items() if getattr(row, k) != v}
    if not changed:
        return {}
    if ({"rubric", "blind"} & set(changed)) and not rules_may_change(session, competition_key, event_key):
        raise UserError.one("rules_fixed", N_("the rubric and blind judging cannot change: sheets are already "
                                              "stored for this event and it is no longer a draft"), source)
    for k, v in changed.items():
        setattr(row, k, v["to"])
    session.add(row)
    audit(session, actor, "event.edited", f"event:{event_key}",
          {"competition": competition_key, "changed": changed}, reason)
    return changed
