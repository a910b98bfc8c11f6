"""Accepting a score sheet: validate, persist, commit — then publish.

The one path every score takes, whoever sends it (a tablet, the Python judge client, the demo's
simulated judges): the sheet is checked against the competition (``intake.check_sheet``), stored
durably with its audit record (``store.sheets.record_sheet``: idempotent by the tablet's sheet
id), committed, and only then announced as ``SheetAccepted`` on the bus. A refused sheet
changes nothing and raises a ``UserError`` with a code the tablet shows.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.events import SheetAccepted
from scoreboard.intake import Lookup, check_sheet
from scoreboard.live.bus import MemoryBus
from scoreboard.store import load as store_load
from scoreboard.store import sheets as store_sheets
from scoreboard.store.engine import session
from scoreboard.store.sheets import Receipt


class SheetService:
    def __init__(self, engine: Engine, bus: MemoryBus) -> None:
        self.engine = engine
        self.bus = bus
        self._lookups: dict[str, Lookup] = {}
        self._write = threading.Lock()

    def lookup(self, competition: str) -> Lookup:
        if competition not in self._lookups:
            with session(self.engine) as s:
                self._lookups[competition] = Lookup(store_load.load_competition(s, competition))
        return self._lookups[competition]

    def _record(self, competition: str, judge: str, raw: Mapping[str, object]) -> tuple[str, Receipt]:
        event, _entry, sheet = check_sheet(self.lookup(competition), raw, judge)
        with self._write, session(self.engine, write=True) as s:
            receipt = store_sheets.record_sheet(s, competition, sheet, actor=f"judge:{judge}")
            s.commit()
        return event.key, receipt

    async def submit(self, competition: str, judge: str, raw: Mapping[str, object]) -> Receipt:
        """Store one sheet durably and acknowledge it; a resend gets the same receipt."""
        event, receipt = await run_in_threadpool(self._record, competition, judge, raw)
        if receipt.created:
            await self.bus.publish(SheetAccepted(competition, event, str(raw["entry"]), judge, receipt.seq))
        return receipt


