"""The console's live feed: an event's progress matrix and an entry's review page, kept current
over organizers' sockets by sending what a change touched.

Words: a *view* is what one console page shows live — an event's progress *matrix* (``entry``
empty, ``live.matrix``) or one entry's *review* — and a *watch* is one socket's view with its
language and whether its account is an organizer. A *frame* is one websocket message of htmx
out-of-band fragments with stable ids; a *full* frame carries the whole view, a *delta* only the
rows and judge headers that changed, with the counts. Every frame carries its view's *seq*: a
delta is one more than the frame before it, so a client that sees a gap asks for a full frame.

The feed keeps each watched matrix in memory, loaded when its first socket opens and dropped when
its last closes, and is fed every ``Change`` after the standings book applied it (``changed``).
Its loop takes the changes queued meanwhile and turns them into frames, each rendered once per
view and language (``Renderer``, in ``web.console_live``) and offered to the view's sockets
(``fanout.Subscriber``: one that falls behind gets a full frame instead of its backlog). A sheet
or a lock costs its entry's work — one row from that entry's result in the book and its sheets in
the store — never the event's; a change of what the event is (``EventChanged``,
``CompetitionChanged``, ``BusResumed``) reloads the view and sends every socket a full frame. The
judges' devices are read every ``tick`` seconds, once per watched competition however many
sockets watch it, and only headers whose shown device changed are sent (``Device.shown``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import (
    BusResumed,
    Change,
    CompetitionChanged,
    EntryLocked,
    EventChanged,
    RescoreRequested,
    SheetAccepted,
)
from scoreboard.errors import UserError
from scoreboard.live.book import StandingsBook
from scoreboard.live.fanout import Send, Subscriber
from scoreboard.live.matrix import Device, Matrix, ReadDevices, Row, devices_of, entry_row, load_matrix
from scoreboard.store import sheets as store_sheets
from scoreboard.store.engine import session

log = logging.getLogger("scoreboard.console")
ViewKey = tuple[str, str, str]  # (competition, event, entry or "" for the matrix)


@dataclass(frozen=True)
class Watch:
    competition: str
    event: str
    entry: str = ""  # "": the event's matrix; else this entry's review
    locale: str = "zh_CN"
    organizer: bool = False  # a full matrix frame offers the event's moves this account may make

    @property
    def view(self) -> ViewKey:
        return self.competition, self.event, self.entry


class Renderer(Protocol):
    def full(self, matrix: Matrix, devices: Mapping[str, Device], locale: str, organizer: bool, seq: int) -> str: ...

    def delta(self, matrix: Matrix, rows: Sequence[Row], judges: Sequence[str], devices: Mapping[str, Device],
              locale: str, seq: int) -> str: ...

    def review(self, competition: str, event: str, entry: str, locale: str, seq: int) -> str | None: ...


@dataclass(eq=False)
class _View:
    key: ViewKey
    seq: int = 0
    matrix: Matrix | None = None
    subs: dict[Subscriber, Watch] = field(default_factory=dict)


@dataclass(eq=False)
class _Work:
    """One view's part of a round: what to render, for which (language, organizer) variants."""

    view: _View
    variants: frozenset[tuple[str, bool]]
    reload: bool = False
    entries: set[str] = field(default_factory=set)
    judges: set[str] = field(default_factory=set)
    review: bool = False


class _Round:
    """The views watched when a round began (sockets may come and go while it renders in a
    worker thread), and each one's work."""

    def __init__(self, views: Iterable[_View]) -> None:
        self.views = {v.key: (v, frozenset((w.locale, w.organizer) for w in v.subs.values())) for v in views}
        self.works: dict[ViewKey, _Work] = {}

    def of(self, key: ViewKey) -> _Work:
        """The work of a view watched this round."""
        if key not in self.works:
            self.works[key] = _Work(*self.views[key])
        return self.works[key]

    def get(self, key: ViewKey) -> _Work | None:
        """The work of the view if it is watched this round."""
        return self.of(key) if key in self.views else None

    def matrices(self) -> list[_View]:
        return [v for v, _variants in self.views.values() if v.matrix is not None]


Frame = tuple[_View, tuple[str, bool | None], str]  # a frame for the view's sockets of (language, organizer or any)


class ConsoleFeed:
    def __init__(self, book: StandingsBook, engine: Engine, renderer: Renderer, devices: ReadDevices | None = None,
                 tick: float = 2.0, limit: int = 8) -> None:
        self.book, self.engine, self.renderer, self.read_devices = book, engine, renderer, devices
        self.tick, self.limit = tick, limit
        self.frames = 0  # frames rendered, for tests and benchmarks
        self._views: dict[ViewKey, _View] = {}
        self._changes: list[Change] = []
        self._fulls: set[Subscriber] = set()
        self._devices: dict[str, dict[str, Device]] = {}  # competition → judge → what the headers show
        self._seq = 0  # the highest sheet seq heard of (they count across competitions)
        self._lock = asyncio.Lock()  # one round, or one newcomer's first frame, at a time
        self._wake = asyncio.Event()

    # -- input -------------------------------------------------------------------------------
    def changed(self, change: Change) -> None:
        """Note a change (already applied by the standings book); the loop sends what it touched."""
        self._changes.append(change)
        self._wake.set()

    def full(self, sub: Subscriber) -> None:
        """The socket asked for a full frame (it saw a gap): it gets one in the next round."""
        self._fulls.add(sub)
        self._wake.set()

    # -- subscribers -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def subscribe(self, watch: Watch, send: Send) -> AsyncIterator[Subscriber]:
        """A subscriber to ``watch``'s view: a full frame first, then every change's frame."""
        sub = Subscriber(send, limit=self.limit)
        sub.catch_up = lambda: self._behind(sub)
        async with self._lock:
            view = self._views.setdefault(watch.view, _View(watch.view))
            view.subs[sub] = watch
            try:
                first = await run_in_threadpool(self._first, view, watch)
            except BaseException:
                self._leave(view, sub)
                raise
            sub.offer(first)
        try:
            yield sub
        finally:
            self._leave(view, sub)

    def _leave(self, view: _View, sub: Subscriber) -> None:
        sub.close()
        view.subs.pop(sub, None)
        self._fulls.discard(sub)
        if not view.subs and self._views.get(view.key) is view:
            del self._views[view.key]

    def _behind(self, sub: Subscriber) -> list[str]:
        """A subscriber's backlog overflowed: it gets a full frame in the next round."""
        self.full(sub)
        return []

    def _first(self, view: _View, watch: Watch) -> str:
        """The newcomer's full frame (in a worker thread, under the lock)."""
        if watch.entry:
            frame = self.renderer.review(watch.competition, watch.event, watch.entry, watch.locale, view.seq)
            if frame is None:
                raise LookupError(watch.entry)
            return frame
        if view.matrix is None:
            view.matrix = load_matrix(self.engine, self.book, watch.competition, watch.event)
            self._read_new_devices(view.matrix)
        self.frames += 1
        return self.renderer.full(view.matrix, self._devices.get(watch.competition, {}), watch.locale,
                                  watch.organizer, view.seq)

    # -- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Send each round's frames as soon as changes come (a round under way gathers the next
        one's); read the devices every ``tick`` seconds."""
        due = time.monotonic() + self.tick
        while True:
            with contextlib.suppress(TimeoutError):  # not wait_for: on 3.11 it can swallow a cancel
                async with asyncio.timeout(max(0.0, due - time.monotonic())):
                    await self._wake.wait()
            self._wake.clear()
            tick = time.monotonic() >= due
            if tick:
                due = time.monotonic() + self.tick
            if not (self._changes or self._fulls or (tick and self._views)):
                continue
            async with self._lock:
                changes, self._changes = self._changes, []
                fulls = [(s, w) for s in self._fulls for v in self._views.values() if (w := v.subs.get(s))]
                self._fulls = set()
                plan = _Round(self._views.values())
                gaps = self._plan(plan, changes)
                if not (plan.works or fulls or (gaps and plan.views) or (tick and plan.matrices())):
                    continue  # nobody watches what changed: no thread, no query
                try:
                    frames, singles = await run_in_threadpool(self._round, plan, gaps, fulls, tick)
                except Exception:
                    log.exception("the console's live round failed: every watched view reloads")
                    self._changes.append(BusResumed())
                    await asyncio.sleep(1.0)
                    continue
                self._offer(frames, singles)

    def _plan(self, plan: _Round, changes: Iterable[Change]) -> list[tuple[int, int]]:
        """What each watched view must do for ``changes``; returns the gaps in the sheet seqs heard."""
        gaps = []
        for change in changes:
            if isinstance(change, BusResumed):
                self._devices.clear()
                for key in plan.views:
                    plan.of(key).reload = True
            elif isinstance(change, CompetitionChanged | EventChanged):
                whole = isinstance(change, CompetitionChanged)
                if whole:
                    self._devices.pop(change.competition, None)  # the panels may have changed
                for key in plan.views:
                    if key[0] == change.competition and (whole or key[1] == getattr(change, "event", None)):
                        plan.of(key).reload = True
            elif isinstance(change, SheetAccepted | EntryLocked | RescoreRequested):
                if isinstance(change, SheetAccepted):
                    if self._seq and change.seq > self._seq + 1:
                        gaps.append((self._seq, change.seq))
                    self._seq = max(self._seq, change.seq)
                matrix = plan.get((change.competition, change.event, ""))
                if matrix is not None and not isinstance(change, RescoreRequested):
                    matrix.entries.add(change.entry)
                review = plan.get((change.competition, change.event, change.entry))
                if review is not None:
                    review.review = True
        return gaps

    def _round(self, plan: _Round, gaps: list[tuple[int, int]], fulls: list[tuple[Subscriber, Watch]],
               tick: bool) -> tuple[list[Frame], list[tuple[Subscriber, str]]]:
        """Every frame of a round (in a worker thread, under the lock): the views' frames by
        variant, and the full frames single sockets asked for."""
        if gaps:
            self._heal(plan, gaps)
        if tick:
            self._read_devices(plan)
        frames: list[Frame] = []
        for w in plan.works.values():
            frames += self._review(w) if w.view.key[2] else self._matrix(w)
        singles = [(sub, self._first(plan.views[watch.view][0], watch)) for sub, watch in fulls
                   if watch.view in plan.views]
        return frames, singles

    def _review(self, w: _Work) -> list[Frame]:
        if not (w.review or w.reload):
            return []
        view = w.view
        view.seq += 1
        found = [(lo, self.renderer.review(*view.key, lo, view.seq)) for lo in sorted({lo for lo, _o in w.variants})]
        self.frames += len(found)
        return [(view, (lo, None), f) for lo, f in found if f is not None]

    def _matrix(self, w: _Work) -> list[Frame]:
        view, (c, e, _entry) = w.view, w.view.key
        if w.reload or view.matrix is None:
            try:
                view.matrix = load_matrix(self.engine, self.book, c, e)
            except (LookupError, UserError):  # the event is gone: its sockets keep what they have
                log.warning("console view %s/%s: no such event any more", c, e)
                return []
            self._read_new_devices(view.matrix)
            view.seq += 1
            self.frames += len(w.variants)
            devices = self._devices.get(c, {})
            return [(view, (lo, org), self.renderer.full(view.matrix, devices, lo, org, view.seq))
                    for lo, org in sorted(w.variants)]
        rows, judges = [], set(w.judges)
        for key in sorted(w.entries):
            row = entry_row(self.engine, self.book, view.matrix, key)
            moved = None if row is None else view.matrix.put(row)
            if row is not None and moved is not None:
                rows.append(row)
                judges.update(moved)
        if not rows and not judges:
            return []
        view.seq += 1
        locales = sorted({lo for lo, _o in w.variants})
        self.frames += len(locales)
        order = [j.key for j in view.matrix.panel if j.key in judges]
        devices = self._devices.get(c, {})
        return [(view, (lo, None), self.renderer.delta(view.matrix, rows, order, devices, lo, view.seq))
                for lo in locales]

    def _heal(self, plan: _Round, gaps: list[tuple[int, int]]) -> None:
        """Sheets stored between seqs this process heard of (a notification lost) are changes too."""
        with session(self.engine) as s:
            missed = {hit for after, before in gaps for hit in store_sheets.entries_stored_between(s, after, before)}
        for c, entry in missed:
            for key, (view, _variants) in plan.views.items():
                if key[0] == c and key[2] == entry:
                    plan.of(key).review = True
                elif key[0] == c and not key[2] and view.matrix is not None and entry in view.matrix.rows:
                    plan.of(key).entries.add(entry)

    def _read_new_devices(self, matrix: Matrix) -> None:
        known = self._devices.setdefault(matrix.competition, {})
        new = [j.key for j in matrix.panel if j.key not in known]
        known.update(devices_of(self.read_devices, matrix.competition, new))

    def _read_devices(self, plan: _Round) -> None:
        """Each watched competition's devices, read at once; headers whose shown device changed go out."""
        by_competition: dict[str, list[_View]] = {}
        for v in plan.matrices():
            by_competition.setdefault(v.key[0], []).append(v)
        for c, views in by_competition.items():
            judges = sorted({j.key for v in views if v.matrix for j in v.matrix.panel})
            now = devices_of(self.read_devices, c, judges)
            known = self._devices.setdefault(c, {})
            moved = {k for k, d in now.items() if k not in known or known[k].shown != d.shown}
            known.update(now)
            for v in views:
                hit = {j.key for j in v.matrix.panel if j.key in moved} if v.matrix else set()
                if hit:
                    plan.of(v.key).judges |= hit

    def _offer(self, frames: list[Frame], singles: list[tuple[Subscriber, str]]) -> None:
        """Each frame to the view's sockets of its language (and account, for a full matrix
        frame); a socket that gets a full frame of its own this round gets only that."""
        own = {s for s, _f in singles}
        for view, (locale, organizer), frame in frames:
            for sub, watch in list(view.subs.items()):
                if sub not in own and watch.locale == locale and organizer in (None, watch.organizer):
                    sub.offer(frame)
        for sub, frame in singles:
            sub.offer(frame)
