"""The board hub: render each changed event once per audience, and fan the bytes out.

Words: a *topic* is what one board socket watches: an event of a competition, at a *level* —
``public`` (what the event's visibility and state allow a spectator: live, progress, the frozen
snapshot, or nothing) or ``organizer`` (everything, never frozen) — in a *variant* (the page's
language, ``zh_CN`` or ``en``, or ``bi`` for the bilingual projector). A *frame* is one
websocket message: htmx out-of-band fragments with stable ids, each a *full state* of what it
replaces, so a board that missed frames is right again with the next one.

The hub is fed domain events (after the standings book applied them) and marks their events
*dirty*; its loop renders each dirty event at most once per ``interval`` (bursts coalesce), once
per topic that has subscribers however many there are, and offers the same string to every
subscriber (``fanout.Subscriber``). A frame equal to the last one is not sent, so a frozen
public board stays still while the organizer's keeps moving. When an entry's scoring completes,
the renderer may add a *reveal* frame (the score-reveal card). Nothing here reads a request or
assumes one process: what to show comes from the book, which comes from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from scoreboard.events import CompetitionChanged, Event
from scoreboard.live.fanout import Send, Subscriber

LEVELS = ("public", "organizer")
BEAT = '<i id="beat" hx-swap-oob="true"></i>'


@dataclass(frozen=True)
class Topic:
    competition: str
    event: str
    level: str = "public"
    variant: str = "zh_CN"


class Snapshot(Protocol):
    complete: frozenset[str]  # entries whose scoring is complete


class Renderer(Protocol):
    """Renders fragments; its snapshot type is its own (``Any`` here), with ``complete``."""

    def snapshot(self, competition: str, event: str) -> Any: ...

    def fragment(self, snap: Any, level: str, variant: str) -> str: ...

    def reveal(self, snap: Any, entry: str, level: str, variant: str) -> str | None: ...


class Hub:
    def __init__(self, renderer: Renderer, interval: float = 0.1, limit: int = 8, heartbeat: float = 15.0) -> None:
        self.renderer = renderer
        self.interval = interval
        self.limit = limit
        self.heartbeat = heartbeat
        self.renders = 0  # fragments rendered, for tests and benchmarks
        self._subs: dict[Topic, set[Subscriber]] = {}
        self._cache: dict[Topic, str] = {}
        self._complete: dict[tuple[str, str], frozenset[str]] = {}
        self._dirty: set[tuple[str, str]] = set()
        self._wake = asyncio.Event()

    # -- input -------------------------------------------------------------------------------
    def changed(self, event: Event) -> None:
        """Note a domain event; its event (or every watched event of its competition) is dirty."""
        key = getattr(event, "event", None)  # SheetAccepted, EventChanged, EntryLocked name their event
        if isinstance(key, str):
            self._dirty.add((event.competition, key))
        elif isinstance(event, CompetitionChanged):
            self._dirty.update((t.competition, t.event) for t in self._subs if t.competition == event.competition)
        self._wake.set()

    # -- subscribers -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def subscribe(self, topics: Iterable[Topic], send: Send) -> AsyncIterator[Subscriber]:
        """A subscriber to ``topics``; it gets each topic's full state first, then every change."""
        topics = list(topics)
        sub = Subscriber(send, lambda: [self._cache[t] for t in topics if t in self._cache], self.limit)
        for t in topics:
            self._subs.setdefault(t, set()).add(sub)
        try:
            missing = [t for t in topics if t not in self._cache]
            if missing:
                await self._render({(t.competition, t.event) for t in missing}, only=set(missing))
            for t in topics:
                if t in self._cache:
                    sub.offer(self._cache[t])
            yield sub
        finally:
            sub.close()
            for t in topics:
                subs = self._subs.get(t)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._subs[t]
                        self._cache.pop(t, None)

    def subscribers(self) -> int:
        return len({s for subs in self._subs.values() for s in subs})

    # -- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Render dirty events, at most once per ``interval``; a heartbeat keeps idle boards sure."""
        beat = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):  # not wait_for: on 3.11 it can swallow a cancel
                async with asyncio.timeout(self.heartbeat):
                    await self._wake.wait()
            self._wake.clear()
            if self._dirty:
                dirty, self._dirty = self._dirty, set()
                await self._render(dirty)
            if time.monotonic() - beat >= self.heartbeat:
                beat = time.monotonic()
                for sub in {s for subs in self._subs.values() for s in subs}:
                    sub.offer(BEAT)
            await asyncio.sleep(self.interval)

    async def _render(self, dirty: set[tuple[str, str]], only: set[Topic] | None = None) -> None:
        watched: dict[tuple[str, str], list[Topic]] = {}
        for t in self._subs:
            if (t.competition, t.event) in dirty and (only is None or t in only):
                watched.setdefault((t.competition, t.event), []).append(t)
        if not watched:
            return
        frames = await run_in_threadpool(self._frames, watched, only is None)
        for topic, frame in frames:
            for sub in list(self._subs.get(topic, ())):
                sub.offer(frame)

    def _frames(self, watched: dict[tuple[str, str], list[Topic]], changes: bool) -> list[tuple[Topic, str]]:
        """Every frame to send, each rendered once (in a worker thread). ``changes``: a render
        for a change (entries that completed since the last one get reveal frames), not for a
        newcomer's first state."""
        out: list[tuple[Topic, str]] = []
        for (competition, event), topics in sorted(watched.items(), key=lambda kv: kv[0]):
            try:
                snap = self.renderer.snapshot(competition, event)
            except (KeyError, LookupError):
                continue
            before = self._complete.get((competition, event))
            if changes or before is None:
                self._complete[(competition, event)] = snap.complete
            done = sorted(snap.complete - before) if before is not None and changes else []
            for t in topics:
                frame = self.renderer.fragment(snap, t.level, t.variant)
                self.renders += 1
                if self._cache.get(t) != frame:
                    self._cache[t] = frame
                    out.append((t, frame))
                for entry in done:
                    card = self.renderer.reveal(snap, entry, t.level, t.variant)
                    if card:
                        out.append((t, card))
        return out
