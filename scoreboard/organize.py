"""Organizing an event: moving its state and choosing its visibility — then publishing.

Words: an event's *state* is draft, open, closed, locked or published; its *visibility* is what
the public sees before publication (live, progress, frozen, hidden). Each change is stored and
audited (``store.load``), committed, then *settled* — this process's standings book and board
hub apply it before the organizer's request returns, so no page served and no frame sent after
that shows what the new state or visibility hides — and announced as ``EventChanged`` on the
bus, so every board re-reads the event from the store and re-renders it. The organizer console
calls this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import Change, CompetitionChanged, EventChanged
from scoreboard.live.bus import MemoryBus
from scoreboard.store import load as store_load
from scoreboard.store.engine import session

Settle = Callable[[Change], Awaitable[None]]


async def _nothing(_event: Change) -> None:
    return None


class EventService:
    def __init__(self, engine: Engine, bus: MemoryBus, settle: Settle = _nothing) -> None:
        self.engine = engine
        self.bus = bus
        self.settle = settle

    async def changed(self, event: EventChanged | CompetitionChanged) -> None:
        """A committed change of what an audience may see: settled here, then announced."""
        await self.settle(event)
        await self.bus.publish(event)

    def _state(self, competition: str, event: str, state: str, actor: str, reason: str) -> str:
        with session(self.engine, write=True) as s:
            before = store_load.set_event_state(s, competition, event, state, actor, reason)
            s.commit()
        return before

    def _visibility(self, competition: str, event: str, visibility: str, actor: str, reason: str) -> str:
        with session(self.engine, write=True) as s:
            before = store_load.set_event_visibility(s, competition, event, visibility, actor, reason)
            s.commit()
        return before

    async def set_state(self, competition: str, event: str, state: str, actor: str, reason: str = "") -> str:
        """Move the event to ``state``; returns the state it was in."""
        before = await run_in_threadpool(self._state, competition, event, state, actor, reason)
        await self.changed(EventChanged(competition, event))
        return before

    async def set_visibility(self, competition: str, event: str, visibility: str, actor: str,
                             reason: str = "") -> str:
        """Choose what the public sees; freezing keeps the public standings as they are now."""
        before = await run_in_threadpool(self._visibility, competition, event, visibility, actor, reason)
        await self.changed(EventChanged(competition, event))
        return before
