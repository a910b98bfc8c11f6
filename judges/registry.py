"""The open judge sockets of one app, and what the live bus tells them.

Words: a *connection* is one open ``/ws/judge`` socket of a signed-in judge, with an outgoing
queue of frames that only its own sender task writes to the socket (so pushes, acks and a
close never interleave halfway). The *registry* holds the app's connections by competition and
judge; ``follow`` reads changes from the bus and turns them into pushes:
``JudgeRevoked`` → ``revoked`` then close 4401, ``EntryLocked`` → ``entry_locked`` to the judges
who see the entry, ``RescoreRequested`` → ``rescore`` to the judge asked, ``EventChanged`` →
``event_closed`` with the event's new state (opened again too), ``CompetitionChanged`` →
``assignments_changed``.

A judge's *device status* in this worker (``JudgeSockets.status``): ``online`` while a
connection of theirs is open here, ``last_seen`` the last time any frame was heard from one
(kept after the socket closes), ``waiting`` the outbox size their tablet last reported in a
``ping`` (summed over open connections that reported; else what the last closed one said).
``report`` writes it to the database for every worker (``scoreboard.services.devices``): at
once when a socket opens or closes, at most every ``FRAMES`` seconds while frames come in, and
with this worker's beat; the console merges every worker's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from judges import protocol
from scoreboard.changes import CompetitionChanged, EntryLocked, EventChanged, JudgeRevoked, RescoreRequested
from scoreboard.live.bus import Bus
from scoreboard.services.devices import BEAT, FRAMES, DeviceService, DeviceStatus
from scoreboard.services.sheets import SheetService
from scoreboard.store import tokens
from scoreboard.store.devices import Report
from scoreboard.store.engine import session
from scoreboard.store.events import event_state


@dataclass(frozen=True)
class Close:
    code: int
    reason: str = ""


@dataclass(eq=False)
class Connection:
    competition: str
    judge: str
    locale: str
    entries: frozenset[str] = frozenset()  # the entries this judge's hello listed
    token: str = ""  # the hash of the login card's token the socket signed in with
    outgoing: asyncio.Queue[dict[str, Any] | Close] = field(default_factory=asyncio.Queue)
    closing: bool = False
    heard: datetime = field(default_factory=lambda: datetime.now(UTC))  # the last frame from the client
    waiting: int | None = None  # the outbox size the client last reported in a ping

    def heard_from(self, waiting: int | None = None, now: datetime | None = None) -> None:
        """A frame came in (a ping may say how many sheets the tablet still has to send)."""
        self.heard = now or datetime.now(UTC)
        if waiting is not None:
            self.waiting = waiting

    def send(self, frame: dict[str, Any]) -> None:
        if not self.closing:
            self.outgoing.put_nowait(frame)

    def close(self, code: int, reason: str = "") -> None:
        """Close after the frames already queued; later frames are dropped."""
        if not self.closing:
            self.closing = True
            self.outgoing.put_nowait(Close(code, reason))

log = logging.getLogger(__name__)


class JudgeSockets:
    def __init__(self, limits: protocol.Limits | None = None) -> None:
        self.limits = limits or protocol.Limits()
        self._open: dict[str, set[Connection]] = {}  # by competition
        self._closed: dict[tuple[str, str], tuple[datetime, int | None]] = {}  # (competition, judge) → last heard
        self._order: list[Connection] = []  # open connections, oldest first
        self._reported: dict[tuple[str, str], Report] = {}  # what the database last heard of each judge
        self._closed_since: set[tuple[str, str]] = set()  # judges a connection of closed since then
        self.opened_or_closed = asyncio.Event()

    def add(self, connection: Connection) -> None:
        """Hold ``connection``; if its card now holds more than ``limits.sockets``, the oldest
        close with 4409 (a tablet left open elsewhere, or a card copied)."""
        same = [c for c in self._order if c.token == connection.token and not c.closing]
        for old in same[: max(0, len(same) + 1 - self.limits.sockets)]:
            old.close(protocol.CLOSE_TOO_MANY, "signed in on too many devices")
        self._open.setdefault(connection.competition, set()).add(connection)
        self._order.append(connection)
        self.opened_or_closed.set()

    def remove(self, connection: Connection) -> None:
        self._open.get(connection.competition, set()).discard(connection)
        if connection in self._order:
            self._order.remove(connection)
        key = (connection.competition, connection.judge)
        before = self._closed.get(key)
        if before is None or connection.heard >= before[0]:
            self._closed[key] = (connection.heard, connection.waiting)
        self._closed_since.add(key)
        self.opened_or_closed.set()

    def status(self, competition: str, judge: str) -> DeviceStatus:
        """The judge's device state: online, last seen, sheets waiting (see the module's words)."""
        open_ = self.of(competition, judge)
        closed = self._closed.get((competition, judge))
        seen = [c.heard for c in open_] + ([closed[0]] if closed else [])
        reported = [c.waiting for c in open_ if c.waiting is not None]
        if reported:
            waiting: int | None = sum(reported)
        else:
            waiting = None if open_ or closed is None else closed[1]
        return DeviceStatus(bool(open_), max(seen, default=None), waiting)

    def report(self, competition: str, judge: str) -> Report:
        """The judge's device status here, as this worker reports it to the others."""
        status = self.status(competition, judge)
        return Report(competition, judge, len(self.of(competition, judge)), status.last_seen, status.waiting)

    def unreported(self) -> list[Report]:
        """The reports that differ from what the database last heard: a socket opened or closed,
        a frame heard, an outbox reported."""
        keys = {(c.competition, c.judge) for c in self._order} | self._closed_since
        now = (self.report(*key) for key in sorted(keys))
        return [r for r in now if self._reported.get((r.competition, r.judge)) != r]

    def reported(self, reports: list[Report]) -> None:
        for r in reports:
            self._reported[(r.competition, r.judge)] = r
            self._closed_since.discard((r.competition, r.judge))

    def of(self, competition: str, judge: str | None = None) -> list[Connection]:
        return [c for c in self._open.get(competition, ()) if judge is None or c.judge == judge]

    def __len__(self) -> int:
        return sum(len(v) for v in self._open.values())

    def apply(self, event: object) -> None:
        if isinstance(event, JudgeRevoked):
            for c in self.of(event.competition, event.judge):
                c.send(protocol.push("revoked"))
                c.close(protocol.CLOSE_UNAUTHORIZED, "revoked")
        elif isinstance(event, EntryLocked):
            for c in self.of(event.competition):
                if event.entry in c.entries:
                    c.send(protocol.push("entry_locked", entry=event.entry, locked=event.locked))
        elif isinstance(event, RescoreRequested):
            for c in self.of(event.competition, event.judge):
                c.send(protocol.push("rescore", entry=event.entry, reason=event.reason))
        elif isinstance(event, CompetitionChanged):
            for c in self.of(event.competition):
                c.send(protocol.push("assignments_changed"))

    def signed_out(self, checked: set[str], valid: set[str]) -> None:
        """Close the connections whose card was ``checked`` and is no longer among the ``valid``
        token hashes (a socket opened while the check ran is left to the next one)."""
        for c in list(self._order):
            if c.token in checked and c.token not in valid and not c.closing:
                c.send(protocol.push("revoked"))
                c.close(protocol.CLOSE_UNAUTHORIZED, "revoked")

    def tokens(self) -> set[str]:
        return {c.token for c in self._order}

    def event_state(self, competition: str, event: str, state: str) -> None:
        for c in self.of(competition):
            c.send(protocol.push("event_closed", event=event, state=state))


async def follow(bus: Bus, sockets: JudgeSockets, service: SheetService) -> None:
    """Run for the app's life: every change reaches the judges' sockets it concerns."""
    async with bus.subscribe() as queue:
        while True:
            event = await queue.get()
            if isinstance(event, EventChanged):
                state = await run_in_threadpool(_state_of, service.engine, event.competition, event.event)
                sockets.event_state(event.competition, event.event, state)
            sockets.apply(event)


async def recheck(engine: Engine, sockets: JudgeSockets) -> None:
    """Run for the app's life: every ``limits.recheck_seconds`` the open sockets' cards are checked
    against the database, so a revocation or a new card made anywhere — another worker, the command
    line — closes the old card's sockets within a few seconds."""
    while True:
        await asyncio.sleep(sockets.limits.recheck_seconds)
        held = sockets.tokens()
        if held:
            sockets.signed_out(held, await run_in_threadpool(_valid, engine, held))


async def report(sockets: JudgeSockets, devices: DeviceService) -> None:
    """Run for the app's life: this worker's judges' devices reach the database — at once when a
    socket opens or closes, at most every ``FRAMES`` seconds while frames come in — with its beat
    every ``BEAT`` seconds. A database that fails is tried again on the next round."""
    beat_due = 0.0
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sockets.opened_or_closed.wait(), FRAMES)
        sockets.opened_or_closed.clear()
        beat = time.monotonic() >= beat_due
        reports = sockets.unreported()
        if not reports and not beat:
            continue
        try:
            await run_in_threadpool(devices.report, reports, beat)
        except Exception:
            log.exception("the judges' devices could not be reported to the database")
            await asyncio.sleep(FRAMES)
            continue
        sockets.reported(reports)
        if beat:
            beat_due = time.monotonic() + BEAT


def _valid(engine: Engine, hashes: set[str]) -> set[str]:
    with session(engine) as s:
        return tokens.valid_hashes(s, hashes)


def _state_of(engine: Engine, competition: str, event: str) -> str:
    with session(engine) as s:
        return event_state(s, competition, event)

