"""The clerk's values (录分): the theory exam scores, and whatever else a rubric gives the clerk,
typed by the organizer in the console for every entry of an event.

Words: an event's *clerk* is its judge with the role ``clerk`` (``rubric.markers``); the clerk's
*criteria* are the rubric's criteria with ``markers = "clerk"``. The values are the clerk's
sheets, sent down the road every score takes (``services.sheets``: checked, stored with their
audit record ``entry.clerk``, announced). A value entered again is a new revision of the clerk's
sheet that carries the entry's other clerk values forward, since only the latest revision counts.
Every row is checked before any is sent: a table with a bad value stores nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.competition import Entry, Event
from scoreboard.errors import N_, Problem, UserError
from scoreboard.intake import check_sheet
from scoreboard.rubric import markers
from scoreboard.rubric.model import Criterion
from scoreboard.rubric.numbers import read_number
from scoreboard.rubric.sheet import Mark, Sheet, current
from scoreboard.services.sheets import SheetService
from scoreboard.store import sheets as store_sheets
from scoreboard.store.batch import Note
from scoreboard.store.engine import session
from scoreboard.store.sheets import exact


@dataclass(frozen=True)
class ClerkSheet:
    """An event's entries with the clerk's latest sheet of each."""

    event: Event
    clerk: str  # the clerk's judge key, "" when the event has none
    criteria: tuple[Criterion, ...]
    entries: tuple[Entry, ...]
    latest: Mapping[str, Sheet]  # by entry key


class ClerkService:
    def __init__(self, engine: Engine, sheets: SheetService) -> None:
        self.engine = engine
        self.sheets = sheets

    def read(self, competition: str, event: str) -> ClerkSheet:
        """``KeyError`` for an unknown event."""
        comp = self.sheets.book.book(competition).competition
        ev = comp.event(event)
        if ev is None:
            raise KeyError(event)
        roles = comp.roles_in(event)
        clerk = next((j for j, r in roles.items() if markers.CLERK in r), "")
        with session(self.engine) as s:
            stored = store_sheets.sheets_of_event(s, competition, event) if clerk else []
        latest = {x.entry: x for x in current(stored) if x.judge == clerk}
        criteria = tuple(c for c in ev.rubric.criteria if c.markers == markers.CLERK)
        return ClerkSheet(ev, clerk, criteria, tuple(comp.entries_of(event)), latest)

    async def record(self, competition: str, event: str, values: Mapping[str, Mapping[str, str]], actor: str,
                     reason: str = "") -> int:
        """Store the values typed for each entry (entry → criterion → text; empty: unchanged) as the
        clerk's sheets; returns how many entries changed. Raises ``UserError`` naming every bad value."""
        table = await run_in_threadpool(self.read, competition, event)
        if not table.clerk:
            raise UserError.one("no_clerk", N_("Give a judge of this event the role clerk first (Judges page)."))
        lookup = self.sheets.lookup(competition)
        raws: list[tuple[dict[str, object], dict[str, str]]] = []
        problems: list[Problem] = []
        for entry in table.entries:
            last = table.latest.get(entry.key)
            before = dict(last.marks) if last else {}
            typed = {c.key: values.get(entry.key, {}).get(c.key, "").strip() for c in table.criteria}
            changed = {k: v for k, v in typed.items() if v and read_number(v) != before.get(k)}
            if not changed:
                continue
            raw = {"id": f"clerk-{secrets.token_hex(8)}", "entry": entry.key, "judge": table.clerk,
                   "marks": {**{k: _text(v) for k, v in before.items()}, **changed},
                   "revision": (last.revision if last else 0) + 1, "reason": reason if last else ""}
            try:
                check_sheet(lookup, raw, table.clerk, entry.code or entry.key)
            except UserError as e:
                problems.extend(e.problems)
                continue
            raws.append((raw, changed))
        if problems:
            raise UserError(problems)
        for raw, changed in raws:
            note = Note(actor, "entry.clerk", {"competition": competition, "event": event, "values": changed},
                        str(raw["reason"]))
            await self.sheets.submit(competition, table.clerk, raw, note)
        return len(raws)


def _text(mark: Mark) -> object:
    """A stored mark as a sheet carries it again."""
    if isinstance(mark, Fraction):
        return exact(mark)
    return [exact(v) for v in mark] if isinstance(mark, tuple) else mark
