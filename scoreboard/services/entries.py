"""Locking an entry (no more sheets for it) and reopening it; accepting an entry with fewer judges.

Reopening needs a reason; so does locking an entry whose result is flagged for the chief judge.
The lock is stored and audited (``store.entries``), committed, then announced as
``EntryLocked``: the judges' tablets that show the entry are told. *Accepting* an entry short of
judges (one sat out for their own team) makes it complete: allowed with a reason and at least the
rubric's ``fewest`` judges (``states.accept_problem``), never while its event's results are
fixed; stored and audited, committed, then announced as ``EventChanged`` (its result changes).
"""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import EntryLocked, EventChanged
from scoreboard.errors import N_, UserError
from scoreboard.live.book import StandingsBook
from scoreboard.services.announcer import Announcer
from scoreboard.states import FIXED, accept_problem
from scoreboard.store import events as store_events
from scoreboard.store.engine import session
from scoreboard.store.entries import set_entry_accepted, set_entry_locked


class EntryService:
    def __init__(self, engine: Engine, announce: Announcer, book: StandingsBook) -> None:
        self.engine = engine
        self.announce = announce
        self.book = book

    def _event_of(self, competition: str, entry: str, locked: bool, reason: str) -> str:
        """The entry's event, once the lock may be taken."""
        found = self.book.lookup(competition).entries.get(entry)
        if found is None:
            raise UserError.one("entry_unknown", N_("no entry {key}"), key=entry)
        if locked and not reason:
            _event, _state, standings = self.book.standings(competition, found.event)
            if any(s.result.flags for s in standings if s.entry.key == entry):
                raise UserError.one("entry_flagged", N_("The entry is flagged: resolve it, or give a reason to "
                                                        "lock anyway."))
        return found.event

    def _write(self, competition: str, entry: str, locked: bool, actor: str, reason: str) -> None:
        with session(self.engine, write=True) as s:
            set_entry_locked(s, competition, entry, locked, actor, reason)
            s.commit()

    async def lock(self, competition: str, entry: str, locked: bool, actor: str, reason: str = "") -> None:
        """Lock (or, with ``locked`` false, reopen) an entry."""
        if not locked and not reason:
            raise UserError.one("reason_missing", N_("Give a reason for reopening."))
        event = await run_in_threadpool(self._event_of, competition, entry, locked, reason)
        await run_in_threadpool(self._write, competition, entry, locked, actor, reason)
        await self.announce(EntryLocked(competition, event, entry, locked))

    def _accept(self, competition: str, entry: str, accept: bool, actor: str, reason: str) -> str:
        found = self.book.lookup(competition).entries.get(entry)
        if found is None:
            raise UserError.one("entry_unknown", N_("no entry {key}"), key=entry)
        event, _state, standings = self.book.standings(competition, found.event)
        result = next(s.result for s in standings if s.entry.key == entry)
        problem = accept_problem(event.rubric, result, found.accepted, accept, reason, found.code or found.key)
        if problem is not None:
            raise UserError(problem)
        with session(self.engine, write=True) as s:
            if store_events.event_state(s, competition, found.event) in FIXED:
                raise UserError.one("event_fixed", N_("the results of this entry's event are locked; reopen the "
                                                      "event first"))
            set_entry_accepted(s, competition, entry, accept, actor, reason.strip(), result.judges,
                               event.rubric.panel)
            s.commit()
        return found.event

    async def accept(self, competition: str, entry: str, accept: bool, actor: str, reason: str) -> None:
        """Accept the entry as complete with fewer judges than its panel (or, with ``accept``
        false, withdraw that); refusals carry ``states.accept_problem``'s codes or ``event_fixed``."""
        event = await run_in_threadpool(self._accept, competition, entry, accept, actor, reason)
        await self.announce(EventChanged(competition, event))
