"""Judges' devices across workers: each worker reports its own sockets, the console reads them all.

Words (see ``store.devices``): a *worker* beats every ``BEAT`` seconds while it runs; its
reports stop counting as open sockets once its beat is ``STALE`` seconds old (a worker killed
with -9). A judge's *device status* merges every worker's report with this worker's own, fresh
from memory: ``online`` while an alive worker holds a socket of theirs; ``last_seen`` the
latest frame any worker heard; ``waiting`` the sheets their open tablets last said were waiting
(summed; None while none said), or, once none is open, what the last one heard said.
A worker's reports are written when a socket opens or closes and at most every ``FRAMES``
seconds while frames come in (``judges.registry.report``), never once per frame.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from scoreboard.store import devices
from scoreboard.store.devices import Report, Reported
from scoreboard.store.engine import session

BEAT = 5.0  # seconds between a worker's beats
STALE = 15.0  # seconds after its last beat that a worker counts as gone
FRAMES = 2.0  # seconds at least between two reports of frames heard
FORGET = 3600.0  # seconds after its last beat that a gone worker's row is deleted


@dataclass(frozen=True)
class DeviceStatus:
    online: bool
    last_seen: datetime | None
    waiting: int | None


def merged(reports: Iterable[Reported]) -> DeviceStatus:
    """One judge's device status from every worker's report (see the module's words)."""
    reports = list(reports)
    heard = [r.report for r in reports if r.report.last_seen is not None]
    last_seen = max((r.last_seen for r in heard if r.last_seen is not None), default=None)
    open_ = [r.report for r in reports if r.alive and r.report.sockets]
    if open_:
        said = [r.waiting for r in open_ if r.waiting is not None]
        return DeviceStatus(True, last_seen, sum(said) if said else None)
    latest = max(heard, key=lambda r: r.last_seen or datetime.min.replace(tzinfo=UTC), default=None)
    return DeviceStatus(False, last_seen, latest.waiting if latest else None)


class DeviceService:
    """``worker``: this process's id, made at start. The *clock* (seconds since the epoch) says
    when "now" is."""

    def __init__(self, engine: Engine, worker: str, clock: Callable[[], float] = time.time) -> None:
        self.engine, self.worker, self.clock = engine, worker, clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def report(self, reports: Sequence[Report], beat: bool = False) -> None:
        """Write this worker's ``reports``; ``beat``: and say it is running (forgetting workers
        gone for ``FORGET`` seconds)."""
        now = self._now()
        with session(self.engine, write=True) as s:
            if beat:
                devices.beat(s, self.worker, now)
                devices.forget_workers(s, now - timedelta(seconds=FORGET))
            devices.write(s, self.worker, reports, now - timedelta(seconds=STALE))
            s.commit()

    def leave(self) -> None:
        """This worker stops: its sockets are closed, at once for every other worker."""
        with session(self.engine, write=True) as s:
            devices.leave(s, self.worker)
            s.commit()

    def status(self, here: Report) -> DeviceStatus:
        """The judge's device status: ``here``, this worker's own report, and every other worker's."""
        return self.statuses(here.competition, [here])[here.judge]

    def statuses(self, competition: str, here: Sequence[Report]) -> dict[str, DeviceStatus]:
        """Each judge's device status by judge key, from this worker's reports ``here`` (one a
        judge) and every other worker's, read at once."""
        with session(self.engine) as s:
            there = devices.read(s, competition, [r.judge for r in here], self._now() - timedelta(seconds=STALE),
                                 self.worker)
        return {r.judge: merged([Reported(r, True), *(x for x in there if x.report.judge == r.judge)]) for r in here}


def worker_id() -> str:
    """A new worker's id: its host and process (for whoever reads the table), and a random part
    (a process id comes round again)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"
