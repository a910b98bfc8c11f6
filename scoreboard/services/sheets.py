"""Accepting a score sheet: validate, persist, commit — then publish.

The one path every score takes, whoever sends it (a tablet, the Python judge client, the demo's
simulated judges): the sheet is checked against the competition (``intake.check_sheet``), stored
durably with its audit record (``store.sheets.record_sheet``: idempotent by the tablet's sheet
id), committed, and only then acknowledged and announced as ``SheetAccepted`` on the bus. A
refused sheet changes nothing and raises a ``UserError`` with a code the tablet shows. The
competition a sheet is checked against is the standings book's (``live.book``), the one cache of
it. A sheet may carry a *note* (``store.batch.Note``): an audit record stored in its transaction,
as a chief judge's deduction does (``services.review``).

Words: *group commit* — checked sheets wait in a queue of *pending* submits; one *writer* task
takes up to ``batch`` of them at a time and records them in one transaction
(``store.batch.record_batch``: the rules of ``record_sheet`` with a few queries for the whole
batch; a refused sheet writes nothing and spoils none of the others), commits once, and only
then answers each submitter. Should the batch's commit fail, its sheets are committed one by
one, so only a sheet that fails on its own is answered with an error. While one batch commits
the next one gathers, so under load many sheets share one commit (``synchronous=FULL`` on
SQLite allows ≈ 1,800 commits a second here) and when idle a sheet is written at once. The
writer stops when the queue is empty and is started again by the next submit.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import SheetAccepted
from scoreboard.intake import Lookup, check_sheet
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import Bus
from scoreboard.rubric.sheet import Sheet
from scoreboard.store.batch import Item, Note, record_batch
from scoreboard.store.engine import session
from scoreboard.store.sheets import Receipt

BATCH = 64  # the most sheets that share one commit
log = logging.getLogger("scoreboard.service")


@dataclass(frozen=True)
class _Pending:
    competition: str
    judge: str
    event: str
    sheet: Sheet
    note: Note | None
    answer: asyncio.Future[Receipt]


class SheetService:
    def __init__(self, engine: Engine, bus: Bus, book: StandingsBook, batch: int = BATCH) -> None:
        self.engine = engine
        self.bus = bus
        self.book = book
        self.batch = batch
        self._lock = threading.Lock()  # one writing transaction at a time from this service
        self._pending: deque[_Pending] = deque()
        self._writer: asyncio.Task[None] | None = None
        self.commits = 0  # transactions committed by the writer (for tests and benchmarks)

    def lookup(self, competition: str, judge: str | None = None) -> Lookup:
        """The competition sheets are checked against (see ``StandingsBook.lookup``)."""
        return self.book.lookup(competition, judge)

    async def submit(self, competition: str, judge: str, raw: Mapping[str, object],
                     note: Note | None = None) -> Receipt:
        """Store one sheet durably and acknowledge it; a resend gets the same receipt."""
        lookup = self.book.loaded(competition)
        if lookup is None:  # loaded off the event loop, once
            lookup = await run_in_threadpool(self.book.lookup, competition)
        event, _entry, sheet = check_sheet(lookup, raw, judge)
        answer: asyncio.Future[Receipt] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(competition, judge, event.key, sheet, note, answer))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain(), name="scoreboard-sheet-writer")
        return await answer  # a submitter that gives up leaves its sheet queued; only the answer is dropped

    async def close(self) -> None:
        """Wait for the sheets already queued to be written (at shutdown)."""
        if self._writer is not None:
            await asyncio.shield(self._writer)

    async def _drain(self) -> None:
        while self._pending:
            batch = [self._pending.popleft() for _ in range(min(self.batch, len(self._pending)))]
            try:
                results = await run_in_threadpool(self._write, batch)
            except Exception as e:  # the commit failed: nothing of this batch is stored or acknowledged
                log.exception("a batch of %d sheets could not be committed", len(batch))
                results = [e] * len(batch)
            for p, result in zip(batch, results, strict=True):
                if p.answer.done():
                    continue
                if isinstance(result, Receipt):
                    p.answer.set_result(result)
                else:
                    p.answer.set_exception(result)
            for p, result in zip(batch, results, strict=True):
                if isinstance(result, Receipt) and result.created:
                    await self.bus.publish(SheetAccepted(p.competition, p.event, p.sheet.entry, p.judge, result.seq))

    def _write(self, batch: list[_Pending]) -> list[Receipt | Exception]:
        items = [Item(p.competition, p.sheet, f"judge:{p.judge}", p.note) for p in batch]
        with self._lock:
            try:
                return self._commit(items)
            except Exception:
                if len(items) == 1:
                    raise
                log.exception("a batch of %d sheets could not be committed: committing them one by one", len(items))
            results: list[Receipt | Exception] = []
            for item in items:  # only a sheet whose own commit fails is refused
                try:
                    results.extend(self._commit([item]))
                except Exception as e:
                    results.append(e)
            return results

    def _commit(self, items: list[Item]) -> list[Receipt | Exception]:
        with session(self.engine, write=True) as s:
            results = record_batch(s, items)
            s.commit()
            self.commits += 1
        return results
