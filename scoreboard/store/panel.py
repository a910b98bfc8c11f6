"""Judges of a competition from the console: creating them, their events and their conflicts.

Words: a judge's *assignments* are the events they mark (role ``judge``) and the events they are
chief judge of (role ``chief``); in the events they mark they may have *roles* (the measuring
pair, the clerk: ``rubric.markers``), the same in each; their *team* is the declared *conflict*: a judge never scores
an entry of their own team (``intake.check_sheet`` refuses it). Judges come one at a time from the
console's form or many from a panel file (``import_judges``). Each change is audited. Nothing
here commits: the caller does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from scoreboard.errors import N_, UserError
from scoreboard.panel import NEW, UNCHANGED, JudgeRow
from scoreboard.rubric import markers
from scoreboard.rubric.reader import KEY
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.load import competition_row


def _ids(session: Session, cid: int, model: type[db.Event] | type[db.Team], keys: Iterable[str]) -> dict[str, int]:
    keys = [k for k in keys if k]
    rows = session.exec(select(model.key, model.id).where(model.competition_id == cid,
                                                          col(model.key).in_(keys))).all()
    found: dict[str, int] = {key: id_ for key, id_ in rows if id_ is not None}
    missing = [k for k in keys if k not in found]
    if missing:
        raise UserError.one("unknown_ref", N_("no event or team {key}"), key=", ".join(missing))
    return found


def create_judge(session: Session, competition: str, key: str, name: str, team: str, actor: str) -> None:
    comp = competition_row(session, competition)
    assert comp.id is not None
    problems = []
    if not KEY.match(key):
        problems.append(UserError.one("key_invalid", N_("must be a short key of letters, digits, '_', '-' or '.'"),
                                      "key").problems[0])
    if not name.strip() or len(name) > 100:
        problems.append(UserError.one("name_invalid", N_("must be text of at most {limit} characters"), "name",
                                      limit=100).problems[0])
    if session.exec(select(db.Judge.id).where(db.Judge.competition_id == comp.id, db.Judge.key == key)).first():
        problems.append(UserError.one("judge_exists", N_("judge {key} is defined twice"), "key", key=key).problems[0])
    if problems:
        raise UserError(problems)
    team_id = _ids(session, comp.id, db.Team, [team]).get(team)
    session.add(db.Judge(competition_id=comp.id, key=key, name=name.strip(), team_id=team_id))
    audit(session, actor, "judge.created", f"judge:{key}", {"competition": competition, "name": name, "team": team})


def set_judge(session: Session, competition: str, key: str, events: list[str], chief_of: list[str], team: str,
              actor: str, roles: Sequence[str] = ()) -> None:
    """Replace the judge's assignments, their roles in the events they mark, and their conflict."""
    unknown = [r for r in roles if r not in markers.ROLES]
    if unknown:
        raise UserError.one("role_unknown", N_("no role {role} (known: {known})"), "roles", role=", ".join(unknown),
                            known=", ".join(markers.ROLES))
    comp = competition_row(session, competition)
    assert comp.id is not None
    judge = session.exec(select(db.Judge).where(db.Judge.competition_id == comp.id, db.Judge.key == key)).first()
    if judge is None or judge.id is None:
        raise UserError.one("judge_unknown", N_("no judge {judge}"), judge=key)
    event_ids = _ids(session, comp.id, db.Event, [*events, *chief_of])
    judge.team_id = _ids(session, comp.id, db.Team, [team]).get(team)
    session.add(judge)
    for row in session.exec(select(db.Assignment).where(db.Assignment.judge_id == judge.id)).all():
        session.delete(row)
    session.flush()
    marker_roles = " ".join(sorted(set(roles)))
    session.add_all([db.Assignment(judge_id=judge.id, event_id=event_ids[e], role=role,
                                   roles=marker_roles if role == "judge" else "")
                     for role, keys in (("judge", events), ("chief", chief_of)) for e in dict.fromkeys(keys) if e])
    audit(session, actor, "judge.assigned", f"judge:{key}",
          {"competition": competition, "events": events, "chief_of": chief_of, "team": team,
           "roles": sorted(set(roles))})


def import_judges(session: Session, competition: str, rows: Sequence[JudgeRow], actor: str,
                  skipped: int = 0) -> tuple[int, int]:
    """Write the judges of a checked panel file (``scoreboard.panel``): a new row creates its judge,
    a changed row renames the judge and replaces their team and assignments. Returns (created,
    updated)."""
    comp = competition_row(session, competition)
    created, updated = [], []
    for r in rows:
        if r.status == UNCHANGED:
            continue
        if r.status == NEW:
            create_judge(session, competition, r.key, r.name, r.team, actor)
            session.flush()
            created.append(r.key)
        else:
            judge = session.exec(select(db.Judge).where(db.Judge.competition_id == comp.id,
                                                        db.Judge.key == r.key)).one()
            judge.name = r.name
            session.add(judge)
            updated.append(r.key)
        set_judge(session, competition, r.key, list(r.events), list(r.chief_of), r.team, actor, r.roles)
    audit(session, actor, "judges.imported", f"competition:{competition}",
          {"competition": competition, "created": created[:500], "updated": updated[:500], "skipped_rows": skipped})
    return len(created), len(updated)
