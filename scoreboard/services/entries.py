"""Locking an entry (no more sheets for it) and reopening it.

Reopening needs a reason; so does locking an entry whose result is flagged for the chief judge.
The lock is stored and audited (``store.entries``), committed, then announced as
``EntryLocked``: the judges' tablets that show the entry are told.
"""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import EntryLocked
from scoreboard.errors import N_, UserError
from scoreboard.live.book import StandingsBook
from scoreboard.services.announcer import Announcer
from scoreboard.store.engine import session
from scoreboard.store.entries import set_entry_locked


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
