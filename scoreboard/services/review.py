"""The chief judge's actions on an entry under review: a deduction, a re-score request.

A *deduction* is a sheet from the event's chief judge (no marks, only deductions) sent down the
path every score takes (``services.sheets``: checked, stored, announced). It carries the chief's
earlier deductions forward, since only a judge's latest revision counts, and its audit record
(``entry.deduction``, with the sheet's seq) is written in the sheet's own transaction: both are
stored or neither. A *re-score request* asks one judge of the event to send a new revision: it
is audited, committed, then announced as ``RescoreRequested`` (pushed to that judge's tablet).
"""

from __future__ import annotations

import secrets

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.changes import RescoreRequested, SheetAccepted
from scoreboard.errors import N_, UserError
from scoreboard.services.announcer import Announcer
from scoreboard.services.sheets import SheetService
from scoreboard.store import progress
from scoreboard.store import sheets as store_sheets
from scoreboard.store.audit import audit
from scoreboard.store.batch import Note
from scoreboard.store.engine import session
from scoreboard.store.sheets import Receipt


class ReviewService:
    def __init__(self, engine: Engine, announce: Announcer, sheets: SheetService) -> None:
        self.engine = engine
        self.announce = announce
        self.sheets = sheets

    def _rescore(self, competition: str, event: str, entry: str, judge: str, reason: str, actor: str) -> None:
        with session(self.engine, write=True) as s:
            if judge not in {j.key for j in progress.judges_of(s, competition, event)}:
                raise UserError.one("judge_unknown", N_("Choose a judge of this event."))
            audit(s, actor, "entry.rescore", f"entry:{entry}",
                  {"competition": competition, "event": event, "judge": judge}, reason)
            s.commit()

    async def rescore(self, competition: str, event: str, entry: str, judge: str, reason: str, actor: str) -> None:
        """Ask ``judge`` to score ``entry`` again."""
        if not reason:
            raise UserError.one("reason_missing", N_("Give a reason for the re-score request."))
        await run_in_threadpool(self._rescore, competition, event, entry, judge, reason, actor)
        await self.announce(RescoreRequested(competition, event, entry, judge, reason))

    def _sheet(self, competition: str, event: str, entry: str, rule: str, amount: str,
               reason: str) -> tuple[str, dict[str, object]]:
        """The chief judge and their next sheet for the entry: earlier deductions, this one."""
        with session(self.engine) as s:
            chiefs = progress.judges_of(s, competition, event, role="chief")
            if not chiefs:
                raise UserError.one("no_chief", N_("Assign a chief judge to this event first (Judges page)."))
            chief = chiefs[0].key
            mine = [x for x in store_sheets.sheets_of_entry(s, competition, entry) if x.judge == chief]
        last = max(mine, key=lambda x: x.revision) if mine else None
        carried = [{"key": d.key, "minutes": str(d.amount), "count": str(d.amount), "reason": d.reason}
                   for d in (last.deductions if last else ()) if d.key != rule]
        raw = {"id": f"chief-{secrets.token_hex(8)}", "entry": entry, "judge": chief, "marks": {},
               "revision": (last.revision if last else 0) + 1, "reason": reason,
               "deductions": [*carried, {"key": rule, "minutes": amount or "0", "count": amount or "0",
                                         "reason": reason}]}
        return chief, raw

    async def deduct(self, competition: str, event: str, entry: str, rule: str, amount: str, reason: str,
                     actor: str) -> Receipt:
        """Deduct ``amount`` under the rubric's deduction ``rule`` from ``entry``, for ``reason``."""
        if not reason:
            raise UserError.one("reason_missing", N_("Give a reason for the deduction."))
        chief, raw = await run_in_threadpool(self._sheet, competition, event, entry, rule, amount, reason)
        note = Note(actor, "entry.deduction",
                    {"competition": competition, "event": event, "rule": rule, "amount": amount}, reason)
        receipt = await self.sheets.submit(competition, chief, raw, note)
        # the page answering the chief judge shows the new total: this process's book applies the
        # sheet now, whenever the bus brings its change (applying it twice changes nothing)
        await run_in_threadpool(self.sheets.book.apply, SheetAccepted(competition, event, entry, chief, receipt.seq))
        return receipt
