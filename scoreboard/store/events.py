"""An event's row in the database after it is saved: its state, its visibility and its edits.

Words as in ``scoreboard.states``. A state change is checked against the move table
(``states.move_problem``): the store never takes a move outside it (published → draft, open →
published), whoever asks; who may make a move and whether flagged entries stop it are the
service's to check (``services.events``), which also runs the golden cases. Each change is
audited; nothing here commits, the caller does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, func, select

from scoreboard.competition import VISIBILITY
from scoreboard.errors import N_, UserError
from scoreboard.states import move_problem
from scoreboard.store import tables as db
from scoreboard.store.audit import audit


def event_row(session: Session, competition_key: str, event_key: str) -> db.Event:
    row = session.exec(select(db.Event).join(db.Competition)
                       .where(db.Competition.key == competition_key, db.Event.key == event_key)).first()
    if row is None:
        raise UserError.one("event_unknown", N_("no event {key}"), key=event_key)
    return row


def event_state(session: Session, competition_key: str, event_key: str) -> str:
    return event_row(session, competition_key, event_key).state


def event_states(session: Session, competition_key: str) -> dict[str, str]:
    """Each event's state (draft, open, closed, locked, published) by event key."""
    rows = session.exec(select(db.Event.key, db.Event.state).join(db.Competition)
                        .where(db.Competition.key == competition_key)).all()
    return dict(rows)


def set_event_state(session: Session, competition_key: str, event_key: str, state: str, actor: str,
                    reason: str = "") -> str:
    """Move an event to ``state`` and audit it; returns the state it was in. A move outside the
    table, or a reopening without a reason, is refused."""
    if state not in db.EVENT_STATES:
        raise UserError.one("state_unknown", N_("{state} is not one of {states}"), state=state,
                            states=", ".join(db.EVENT_STATES))
    row = event_row(session, competition_key, event_key)
    problem = move_problem(row.state, state, organizer=True, reason=reason)
    if problem is not None:
        raise UserError(problem)
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
    row = event_row(session, competition_key, event_key)
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


def sheets_stored(session: Session, competition_key: str, event_key: str) -> int:
    """How many sheets (every revision) are stored for the event's entries."""
    row = event_row(session, competition_key, event_key)
    return session.exec(select(func.count()).select_from(db.Sheet).join(db.Entry, col(db.Sheet.entry_id) == db.Entry.id)
                        .where(db.Entry.event_id == row.id)).one()


def rules_may_change(session: Session, competition_key: str, event_key: str) -> bool:
    """An event's rubric (and whether it is judged blind) may change while it is a draft or while
    no sheet is stored for it: changing the rules under stored marks would change results silently."""
    row = event_row(session, competition_key, event_key)
    return row.state == "draft" or sheets_stored(session, competition_key, event_key) == 0


def update_event(session: Session, competition_key: str, event_key: str, *, name_zh: str, name_en: str,
                 blind: bool, reveal: bool, rubric_data: Mapping[str, Any], actor: str,
                 reason: str = "", source: str = "") -> dict[str, Any]:
    """Change an event's names, blindness, score-reveal card and rubric snapshot (already read
    and checked, golden cases included: ``services.events``), and audit what changed
    (``event.edited``); returns the changed fields as {field: {"from", "to"}}. The rubric and
    blindness are refused once sheets are stored for an event that is not a draft. ``source``
    names the rubric in problems' places (default: the event's rubric source)."""
    row = event_row(session, competition_key, event_key)
    wanted: dict[str, Any] = {"name_zh": name_zh.strip(), "name_en": name_en.strip() or name_zh.strip(),
                              "blind": blind, "reveal": reveal, "rubric": dict(rubric_data)}
    changed = {k: {"from": getattr(row, k), "to": v} for k, v in wanted.items() if getattr(row, k) != v}
    if not changed:
        return {}
    if ({"rubric", "blind"} & set(changed)) and not rules_may_change(session, competition_key, event_key):
        raise UserError.one("rules_fixed", N_("the rubric and blind judging cannot change: sheets are already "
                                              "stored for this event and it is no longer a draft"),
                            source or row.rubric_source)
    for k, v in changed.items():
        setattr(row, k, v["to"])
    session.add(row)
    audit(session, actor, "event.edited", f"event:{event_key}",
          {"competition": competition_key, "changed": changed}, reason)
    return changed
