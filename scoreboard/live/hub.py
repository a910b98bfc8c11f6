"""The board hub: render each changed event once per audience, and fan the bytes out.

Words: a *topic* is what one board socket watches: an event of a competition, for an *audience*
(``states.Audience``) — ``public`` (what the event's visibility and state allow a spectator:
live, progress, the frozen snapshot, or nothing) or ``organizer`` (everything, never frozen) — in
a *variant* (the page's language, ``zh_CN`` or ``en``, or ``bi`` for the bilingual projector).
A *frame* is one websocket message: htmx out-of-band fragments with stable ids, each a *full
state* of what it replaces, so a board that missed frames is right again with the next one.

The hub is fed changes (after the standings book applied them) and marks their events
*dirty*; its loop renders each dirty event at most once per ``interval`` (bursts coalesce), once
per topic that has subscribers however many there are, and offers the same string to every
subscriber (``fanout.Subscriber``). A change of what an audience may see (``EventChanged``,
``CompetitionChanged``: a new state or visibility, blind judging; ``BusResumed``: changes may have
been missed, so every watched event) also *forgets* at once what was
rendered of the event before it: the cached frames go, waiting backlogs are dropped, and a render
that was already under way when the change came is thrown away (each event has a *generation*,
bumped by a change) — so once the change is applied, no frame made before it is sent. A frame
equal to the last one is not sent, so a frozen public board stays still while the organizer's
keeps moving. When an entry's scoring completes, the renderer may add a *reveal* frame (the
score-reveal card). Nothing here reads a request or assumes one process: what to show comes
from the book, which comes from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from scoreboard.changes import BusResumed, Change, CompetitionChanged, EventChanged
from scoreboard.live.fanout import Send, Subscriber
from scoreboard.states import Audience

BEAT = '<i id="beat" hx-swap-oob="true"></i>'


@dataclass(frozen=True)
class Topic:
    competition: str
    event: str
    audience: str = Audience.PUBLIC
    variant: str = "zh_CN"


class Snapshot(Protocol):
    complete: frozenset[str]  # entries whose scoring is complete


class Renderer(Protocol):
    """Renders fragments; its snapshot type is its own (``Any`` here), with ``complete``."""

    def snapshot(self, competition: str, event: str) -> Any: ...

    def fragment(self, snap: Any, audience: str, variant: str) -> str: ...

    def reveal(self, snap: Any, entry: str, audience: str, variant: str) -> str | None: ...


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
        self._generation: dict[tuple[str, str], int] = {}
        self._wake = asyncio.Event()

    # -- input -------------------------------------------------------------------------------
    def changed(self, event: Change) -> None:
        """Note a change; its event (or every watched event of its competition) is dirty;
        a change of what may be seen forgets what was rendered before it (see the module)."""
        key = getattr(event, "event", None)  # SheetAccepted, EventChanged, EntryLocked name their event
        if isinstance(event, BusResumed):
            keys = {(t.competition, t.event) for t in self._subs}
        elif isinstance(key, str):
            keys = {(event.competition, key)}
        elif isinstance(event, CompetitionChanged):
            keys = {(t.competition, t.event) for t in self._subs if t.competition == event.competition}
        else:
            keys = set()
        if isinstance(event, EventChanged | CompetitionChanged | BusResumed):
            self._forget(keys)
        self._dirty.update(keys)
        self._wake.set()

    def _forget(self, keys: set[tuple[str, str]]) -> None:
        for k in keys:
            self._generation[k] = self._generation.get(k, 0) + 1
        for t in [t for t in self._cache if (t.competition, t.event) in keys]:
            del self._cache[t]
            for sub in self._subs.get(t, ()):
                sub.reset()

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
            cached = [t for t in topics if t in self._cache]
            for t in cached:
                sub.offer(self._cache[t])
            if missing:  # rendered, cached and offered to the topics' subscribers, this one too
                await self._render({(t.competition, t.event) for t in missing}, only=set(missing))
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
        began = {k: self._generation.get(k, 0) for k in watched}
        rendered = await run_in_threadpool(self._frames, watched, only is None)
        for key, complete, frames in rendered:
            if self._generation.get(key, 0) != began[key]:  # changed meanwhile: render it again
                self._dirty.add(key)
                self._wake.set()
                continue
            if complete is not None:
                self._complete[key] = complete
            for topic, frame, state in frames:
                if state:
                    if self._cache.get(topic) == frame:
                        continue
                    self._cache[topic] = frame
                for sub in list(self._subs.get(topic, ())):
                    sub.offer(frame)

    def _frames(self, watched: dict[tuple[str, str], list[Topic]],
                changes: bool) -> list[tuple[tuple[str, str], frozenset[str] | None, list[tuple[Topic, str, bool]]]]:
        """Every frame to send, each rendered once (in a worker thread), by event: (event, its
        complete entries to remember or None, [(topic, frame, whether it is the topic's state)]).
        ``changes``: a render for a change (entries that completed since the last one get reveal
        frames), not for a newcomer's first state. Nothing here changes the hub: the loop does."""
        out = []
        for key, topics in sorted(watched.items(), key=lambda kv: kv[0]):
            try:
                snap = self.renderer.snapshot(*key)
            except (KeyError, LookupError):
                continue
            before = self._complete.get(key)
            done = sorted(snap.complete - before) if before is not None and changes else []
            frames: list[tuple[Topic, str, bool]] = []
            for t in topics:
                frames.append((t, self.renderer.fragment(snap, t.audience, t.variant), True))
                self.renders += 1
                for entry in done:
                    card = self.renderer.reveal(snap, entry, t.audience, t.variant)
                    if card:
                        frames.append((t, card, False))
            out.append((key, snap.complete if changes or before is None else None, frames))
        return out
