"""The board hub: advance each changed event's views once per audience, and fan the frames out.

Words: a *topic* is what one board socket watches: an event of a competition, for an *audience*
(``states.Audience``) — ``public`` (what the event's visibility and state allow a spectator:
live, progress, the frozen snapshot, or nothing) or ``organizer`` (everything, never frozen) — in
a *variant* (the page's language, ``zh_CN`` or ``en``, or ``bi`` for the bilingual projector).
A topic's *view* is what its sockets were last sent (the renderer's: ``web/live.py``); a *frame*
is one websocket message, either a *full state* of the view or a *delta* that takes a socket
from the view's previous sequence number to the next. Every socket of a topic gets the same
frames, the same strings, so each is encoded and compressed once (``serving.py``).

The hub is fed changes with what they moved (``book.Moved``, from the standings book), gathers
them per event, and renders *on the leading edge*: the first change after a quiet spell at once,
changes that come while a render is under way together in the next one, at most one render per
``interval``. Each render advances each watched topic's view once however many sockets watch
it. A newcomer (or a socket that asks again, or falls behind) gets the view's full state, never a
delta before it. A change of what an audience may see (``EventChanged``, ``CompetitionChanged``;
``BusResumed``: changes may have been missed, so every watched event) *forgets* the event's views
at once: waiting backlogs are dropped, a render already under way is thrown away (each event has
a *generation*, bumped by a change), and every socket gets a full state of the new view. Nothing
here reads a request or assumes one process: what to show comes from the book.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool

from scoreboard.changes import BusResumed, Change, CompetitionChanged, EventChanged
from scoreboard.live.fanout import Send, Subscriber
from scoreboard.states import Audience

Key = tuple[str, str]  # (competition, event)
AFTER_FAILURE = 1.0  # seconds a failed render waits before the next (a bug must not spin the loop)
log = logging.getLogger(__name__)
MISSING: Any = object()  # a topic with no view yet
GONE: Any = object()  # a topic whose event cannot be shown (no such event, or competition)


@dataclass(frozen=True)
class Topic:
    competition: str
    event: str
    audience: str = Audience.PUBLIC
    variant: str = "zh_CN"


class View(Protocol):
    seq: int

    def full(self) -> str: ...

    def commit(self, step: Any) -> None: ...


class Renderer(Protocol):
    """Makes and advances views (in a worker thread); see ``web/live.py``."""

    def view(self, topic: Topic, seq: int = 0) -> Any: ...

    def advance(self, view: Any, moved: Any) -> tuple[Any, list[str]]: ...


class Hub:
    def __init__(self, renderer: Renderer, beat: str = "", interval: float = 0.05, limit: int = 8,
                 heartbeat: float = 15.0) -> None:
        self.renderer = renderer
        self.beat = beat
        self.interval = interval
        self.limit = limit
        self.heartbeat = heartbeat
        self.renders = 0  # views made or advanced, for tests and benchmarks
        self._subs: dict[Topic, set[Subscriber]] = {}
        self._topics: dict[Subscriber, list[Topic]] = {}
        self._views: dict[Topic, View] = {}
        self._pending: dict[Key, Any] = {}  # event → what moved since its last render (None: anything)
        self._newcomers: dict[Topic, set[Subscriber]] = {}  # waiting for a full state
        self._generation: dict[Key, int] = {}
        self._wake = asyncio.Event()

    # -- input -------------------------------------------------------------------------------
    def changed(self, change: Change, moved: dict[Key, Any] | None = None) -> None:
        """Note a change and what it moved; a change of what may be seen forgets (see the module)."""
        if isinstance(change, BusResumed):
            self._forget({(t.competition, t.event) for t in self._subs})
        elif isinstance(change, EventChanged):
            self._forget({(change.competition, change.event)})
        elif isinstance(change, CompetitionChanged):
            self._forget({(t.competition, t.event) for t in self._subs if t.competition == change.competition})
        for key, m in (moved or {}).items():
            if key not in self._pending:
                self._pending[key] = m
            elif self._pending[key] is not None:
                was = self._pending[key]
                self._pending[key] = type(m)(was.rescored | m.rescored, was.rows | m.rows)
        self._wake.set()

    def _forget(self, keys: set[Key]) -> None:
        for k in keys:
            self._generation[k] = self._generation.get(k, 0) + 1
            self._pending[k] = None
        for t, subs in self._subs.items():
            if (t.competition, t.event) in keys:
                for sub in subs:
                    sub.reset()

    # -- subscribers -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def subscribe(self, topics: Iterable[Topic], send: Send) -> AsyncIterator[Subscriber]:
        """A subscriber to ``topics``; it gets each topic's full state first, then every change."""
        topics = list(topics)
        sub = Subscriber(send, lambda: self._fulls(topics), self.limit)
        self._topics[sub] = topics
        for t in topics:
            self._subs.setdefault(t, set()).add(sub)
        self.again(sub)
        try:
            yield sub
        finally:
            sub.close()
            del self._topics[sub]
            for t in topics:
                self._newcomers.get(t, set()).discard(sub)
                subs = self._subs.get(t)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._subs[t]
                        self._views.pop(t, None)

    def again(self, sub: Subscriber) -> None:
        """Send ``sub`` the full state of every topic it watches (a newcomer; a socket that asks)."""
        for t in self._topics.get(sub, ()):
            self._newcomers.setdefault(t, set()).add(sub)
        self._wake.set()

    def _fulls(self, topics: list[Topic]) -> list[str]:
        return [self._views[t].full() for t in topics if t in self._views]

    def subscribers(self) -> int:
        return len(self._topics)

    # -- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Render on the leading edge, at most once per ``interval``; a heartbeat keeps idle
        boards sure their socket is alive."""
        beat = last = time.monotonic()
        while True:
            with contextlib.suppress(TimeoutError):  # not wait_for: on 3.11 it can swallow a cancel
                async with asyncio.timeout(self.heartbeat):
                    await self._wake.wait()
            self._wake.clear()
            if self._pending or self._newcomers:
                wait = last + self.interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                last = time.monotonic()
                try:
                    await self._render()
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if task is None or task.cancelling():  # the hub is stopped
                        raise
                    log.exception("a board render was cancelled from inside: every watched view is made again")
                    self._start_over()
                except Exception:  # a bug, never an input: the boards must not go quiet for good
                    log.exception("a board render failed: every watched view is made again")
                    self._start_over()
                    await asyncio.sleep(AFTER_FAILURE)
            if self.beat and time.monotonic() - beat >= self.heartbeat:
                beat = time.monotonic()
                for sub in list(self._topics):
                    sub.offer(self.beat)

    def _start_over(self) -> None:
        """After a failed render: drop every view, so each socket gets a full state of a fresh one."""
        self._views.clear()
        for k in {(t.competition, t.event) for t in self._subs}:
            self._generation[k] = self._generation.get(k, 0) + 1
        for t, subs in self._subs.items():
            self._newcomers.setdefault(t, set()).update(subs)
        self._wake.set()

    async def _render(self) -> None:
        pending, self._pending = self._pending, {}
        newcomers = set(self._newcomers)
        jobs = [(t, self._views.get(t, MISSING), pending.get((t.competition, t.event), MISSING))
                for t in self._subs if t in newcomers or (t.competition, t.event) in pending]
        jobs = [j for j in jobs if j[1] is not MISSING or j[0] in newcomers]  # a view only for sockets
        if not jobs:
            return
        began = {(t.competition, t.event): self._generation.get((t.competition, t.event), 0) for t, _v, _m in jobs}
        done = await run_in_threadpool(self._work, jobs)
        for topic, result, frames in done:
            key = (topic.competition, topic.event)
            if self._generation.get(key, 0) != began[key]:  # forgotten meanwhile: rendered again
                self._wake.set()
                continue
            if topic not in self._subs:
                continue
            if result is GONE:
                self._newcomers.pop(topic, None)
                continue
            if _is_view(result):
                self._views[topic] = result
            elif topic not in self._views:
                continue  # its last socket left and a new one came meanwhile: it waits for a view
            elif result is not None:
                self._views[topic].commit(result)
            waiting = self._newcomers.pop(topic, set())
            for sub in list(self._subs[topic]):
                if sub in waiting:
                    sub.offer(self._views[topic].full())
                else:
                    for frame in frames:
                        sub.offer(frame)

    def _work(self, jobs: list[tuple[Topic, Any, Any]]) -> list[tuple[Topic, Any, list[str]]]:
        """Each topic's new view or step and its frames, made in a worker thread; nothing here
        changes the hub: the loop does."""
        out = []
        for topic, view, moved in jobs:
            try:
                if view is MISSING:
                    fresh = self.renderer.view(topic)
                    out.append((topic, fresh, [fresh.full()]))
                elif moved is MISSING:
                    out.append((topic, None, []))  # a newcomer to a view that did not move
                    continue
                else:
                    out.append((topic, *self.renderer.advance(view, moved)))
                self.renders += 1
            except (KeyError, LookupError):
                out.append((topic, GONE, []))
        return out


def _is_view(result: Any) -> bool:
    return callable(getattr(result, "full", None))
