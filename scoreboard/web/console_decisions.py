"""Console: deciding on the entries short of judges before an event is locked.

Words (see ``states``): an entry is *incomplete* while it lacks a judge's sheet; locking waits
until every entry is complete or *accepted* with fewer judges. The progress page lists the event's
incomplete entries once scoring is closed, or when a lock was refused or a decision posted (while
the event is open most entries are simply still being marked), each with how many of the panel
have marked it and the decision it allows: *accept* (with a reason, when it has at least the
rubric's ``fewest`` judges and a total) or *wait* (the sheets still to come, or withdraw the entry
in the roster). Accepted entries are listed too, with their reason, and the acceptance can be
withdrawn. Accepting goes through ``services.entries.EntryService.accept`` (checked, stored,
audited, announced); only an organizer decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine

from scoreboard.competition import Entry, Event
from scoreboard.i18n import gettext as _
from scoreboard.rubric.numbers import fixed
from scoreboard.standings import Standing, mark_of
from scoreboard.states import EventState
from scoreboard.store.engine import session
from scoreboard.store.entries import accepted_reasons

LOCKABLE = (EventState.OPEN, EventState.CLOSED)


@dataclass(frozen=True)
class Decision:
    key: str
    code: str
    title: str
    judges: int  # judges whose whole sheet is in
    total: str  # "—" without a total
    mark: str  # 暂定 or 待复核 beside the total
    can_accept: bool  # enough judges (the rubric's fewest) and a total
    accepted: bool
    reason: str  # the acceptance's reason, for an accepted entry


@dataclass(frozen=True)
class Decisions:
    """The panel of decisions: ``waiting`` entries (incomplete) and ``accepted`` ones."""

    panel: int
    fewest: int
    waiting: list[Decision]
    accepted: list[Decision]
    organizer: bool  # whether this account may decide (else the panel only tells)


def decision(s: Standing, fewest: int, reason: str) -> Decision:
    r = s.result
    return Decision(s.entry.key, s.entry.code, s.entry.title, r.judges,
                    "—" if r.shown is None else fixed(r.shown, r.decimals), _(m) if (m := mark_of(r)) else "",
                    r.total is not None and r.judges >= fewest, s.entry.accepted, reason)


def decisions(event: Event, state: str, standings: list[Standing], reasons: dict[str, str],
              organizer: bool, asked: bool = False) -> Decisions | None:
    """The panel, while the event can be locked and some entry needs or had a decision; ``asked``:
    a lock was just refused, or a decision posted (the waiting entries are listed while open too)."""
    if state not in LOCKABLE:
        return None
    r = event.rubric
    listed = asked or state == EventState.CLOSED
    waiting = [decision(s, r.fewest, "") for s in standings if not s.result.complete and listed]
    accepted = [decision(s, r.fewest, reasons.get(s.entry.key, "")) for s in standings if s.entry.accepted]
    if not waiting and not accepted:
        return None
    return Decisions(r.panel, r.fewest, waiting, accepted, organizer)


def reasons_of(engine: Engine, competition: str, entries: Iterable[Entry]) -> dict[str, str]:
    """The stored reasons of the accepted ones among ``entries``."""
    keys = [e.key for e in entries if e.accepted]
    if not keys:
        return {}
    with session(engine) as s:
        return accepted_reasons(s, competition, keys)
