"""Paper sheets entered twice (纸质评分表双人录入): for a venue that judges on paper, a clerk types a
judge's paper sheet in the console, and a second clerk types it again without seeing the first.
Only a sheet both agree on counts; a disagreement waits, shown side by side, until someone looks
at the paper and takes one of the two.

Words: a *paper sheet* (``store.tables.PaperSheet``) is one judge's sheet of one entry while it is
being entered: ``waiting`` for its second entry, ``differs`` (the two entries disagree), or
``stored``. The *second entry* must come from another console account than the first. Two
entries *agree* when their marks read the same (8.5 and 8.50 agree) and they take the same
deductions by the same amounts (the first entry's reasons are kept). An agreed or resolved paper
sheet becomes the judge's next revision and goes down the road every sheet takes
(``services.sheets``: checked, stored with its audit record — ``paper.agreed`` or
``paper.resolved``, naming both clerks — and announced). Every entry is checked as a tablet's
sheet is before anything is kept, and each step is in the audit log: who typed what, when.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from scoreboard.competition import Entry, Event, Judge
from scoreboard.errors import N_, UserError
from scoreboard.intake import check_sheet
from scoreboard.rubric import markers
from scoreboard.rubric.model import DeductionKind
from scoreboard.rubric.sheet import Sheet
from scoreboard.services.sheets import SheetService
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.batch import Note
from scoreboard.store.engine import session
from scoreboard.store.tables import now

OPEN = ("waiting", "differs")
Marks = dict[str, Any]  # criterion → the text typed (a reading list for a measurement, a level, yes/no)
Typed = dict[str, Any]  # one entry of a paper sheet: {"marks": Marks, "deductions": [{key, minutes|count, reason}]}


@dataclass(frozen=True)
class Paper:
    """An open paper sheet as the console shows it."""

    id: int
    entry: str
    judge: str
    state: str
    first_by: str
    first: Typed
    second_by: str
    second: Typed | None


@dataclass(frozen=True)
class Desk:
    """An event's paper sheets being entered, and who may have one."""

    event: Event
    entries: tuple[Entry, ...]
    judges: tuple[Judge, ...]  # the event's judges whose sheets are judged on paper (not the clerk)
    open: tuple[Paper, ...]


class PaperService:
    def __init__(self, engine: Engine, sheets: SheetService) -> None:
        self.engine = engine
        self.sheets = sheets

    def _panel(self, competition: str, event: str) -> tuple[Event, tuple[Entry, ...], tuple[Judge, ...]]:
        """The event, its entries and the judges whose sheets may be typed from paper (not the
        clerk): read from the book, nothing from the store. ``KeyError`` for an unknown event."""
        comp = self.sheets.book.book(competition).competition
        ev = comp.event(event)
        if ev is None:
            raise KeyError(event)
        roles = comp.roles_in(event)
        judges = tuple(j for j in comp.judges if event in j.events and markers.CLERK not in roles.get(j.key, ()))
        return ev, tuple(comp.entries_of(event)), judges

    def read(self, competition: str, event: str) -> Desk:
        """``KeyError`` for an unknown event."""
        ev, entries, judges = self._panel(competition, event)
        with session(self.engine) as s:
            rows = s.exec(select(db.PaperSheet, db.Entry.key, db.Judge.key)
                          .join(db.Entry, col(db.PaperSheet.entry_id) == db.Entry.id)
                          .join(db.Judge, col(db.PaperSheet.judge_id) == db.Judge.id)
                          .where(col(db.PaperSheet.state).in_(OPEN),
                                 col(db.Entry.key).in_([e.key for e in entries]))
                          .order_by(col(db.PaperSheet.id))).all()
        open_ = tuple(Paper(p.id or 0, entry, judge, p.state, p.first_by, dict(p.first), p.second_by,
                            None if p.second is None else dict(p.second)) for p, entry, judge in rows)
        return Desk(ev, entries, judges, open_)

    def _checked(self, competition: str, event: str, entry: str, judge: str, typed: Typed) -> Sheet:
        """The typed sheet read as a tablet's sheet of ``judge`` is, or a ``UserError``."""
        _ev, entries, judges = self._panel(competition, event)
        if entry not in {e.key for e in entries}:
            raise UserError.one("entry_unknown", N_("no entry {key}"), key=entry)
        if judge not in {j.key for j in judges}:
            raise UserError.one("judge_unknown", N_("no judge {key}"), key=judge)
        if not typed.get("marks") and not typed.get("deductions"):
            raise UserError.one("paper_empty", N_("Type the marks of the paper sheet first."))
        raw = {"id": "paper-check", "entry": entry, "judge": judge, "revision": 1, **typed}
        _event, _entry, sheet = check_sheet(self.sheets.lookup(competition), raw, judge)
        return sheet

    async def enter(self, competition: str, event: str, entry: str, judge: str, marks: Marks, actor: str,
                    deductions: list[dict[str, Any]] | None = None) -> str:
        """One clerk's entry of a paper sheet: the first (``waiting``), or the second, which stores
        the sheet if both agree (``stored``) or keeps both to resolve (``differs``). A ``UserError``
        for marks a tablet's sheet could not have, a second entry by the first clerk, or a sheet
        that waits to be resolved; nothing is kept then."""
        given: Typed = {"marks": marks, "deductions": list(deductions or [])}
        sheet = await run_in_threadpool(self._checked, competition, event, entry, judge, given)
        outcome, stored = await run_in_threadpool(self._enter, competition, entry, judge, given, sheet, actor)
        if stored is not None:
            await self._store(competition, stored, stored.first, actor, "paper.agreed")
        return outcome

    def _enter(self, competition: str, entry: str, judge: str, given: Typed, typed: Sheet,
               actor: str) -> tuple[str, db.PaperSheet | None]:
        lookup = self.sheets.lookup(competition)
        with session(self.engine, write=True) as s:
            entry_id, judge_id = _ids(s, competition, entry, judge)
            paper = s.exec(select(db.PaperSheet).where(db.PaperSheet.entry_id == entry_id,
                                                       db.PaperSheet.judge_id == judge_id,
                                                       col(db.PaperSheet.state).in_(OPEN))).first()
            subject = f"entry:{entry}"
            if paper is None:
                paper = db.PaperSheet(entry_id=entry_id, judge_id=judge_id, first_by=actor, first=given)
                s.add(paper)
                s.flush()
                audit(s, actor, "paper.entered", subject, {"competition": competition, "judge": judge,
                                                           "paper": paper.id, **given, "entry_no": 1})
                s.commit()
                return "waiting", None
            if paper.state == "differs":
                raise UserError.one("paper_differs", N_("The two entries of this sheet differ: resolve them first."))
            if paper.first_by == actor:
                raise UserError.one("paper_same_clerk", N_("The second entry must be typed by another clerk."))
            first = check_sheet(lookup, {"id": "paper-check", "entry": entry, "judge": judge, "revision": 1,
                                         **paper.first}, judge)[2]
            paper.second_by, paper.second, paper.second_at = actor, given, now()
            agreed = first.marks == typed.marks and _taken(first) == _taken(typed)
            paper.state = "stored" if agreed else "differs"
            audit(s, actor, "paper.entered", subject, {"competition": competition, "judge": judge,
                                                       "paper": paper.id, **given, "entry_no": 2,
                                                       "agrees": agreed})
            s.add(paper)
            s.commit()
            s.refresh(paper)
            return ("agreed", paper) if agreed else ("differs", None)

    async def resolve(self, competition: str, event: str, paper_id: int, choice: str, actor: str) -> None:
        """Take the first or the second entry of a paper sheet whose entries differ, as read on the paper."""
        if choice not in ("first", "second"):
            raise UserError.one("paper_choice", N_("Choose the first or the second entry."))
        desk = await run_in_threadpool(self.read, competition, event)
        paper = next((p for p in desk.open if p.id == paper_id and p.state == "differs"), None)
        if paper is None:
            raise UserError.one("paper_unknown", N_("No paper sheet waits to be resolved there."))
        chosen = paper.first if choice == "first" else paper.second or {}
        await run_in_threadpool(self._checked, competition, event, paper.entry, paper.judge, chosen)
        row = await run_in_threadpool(self._resolved, paper_id)
        await self._store(competition, row, chosen, actor, "paper.resolved", choice)

    def _resolved(self, paper_id: int) -> db.PaperSheet:
        with session(self.engine, write=True) as s:
            row = s.get(db.PaperSheet, paper_id)
            if row is None or row.state != "differs":
                raise UserError.one("paper_unknown", N_("No paper sheet waits to be resolved there."))
            row.state = "stored"
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    async def _store(self, competition: str, paper: db.PaperSheet, typed: Typed, actor: str, action: str,
                     choice: str = "") -> None:
        """The ``typed`` sheet as the judge's next revision, down the road every sheet takes."""
        entry, judge, revision = await run_in_threadpool(self._place, paper)
        raw = {"id": f"paper-{paper.id}-{secrets.token_hex(4)}", "entry": entry, "judge": judge,
               "revision": revision, "marks": typed.get("marks", {}), "deductions": typed.get("deductions", [])}
        note = Note(actor, action, {"competition": competition, "judge": judge, "paper": paper.id,
                                    "first_by": paper.first_by, "second_by": paper.second_by,
                                    **({"choice": choice} if choice else {}), **typed})
        try:
            receipt = await self.sheets.submit(competition, judge, raw, note)
        except Exception:  # refused (the event closed meanwhile): the entries wait as they were
            await run_in_threadpool(self._back, paper.id or 0, "differs" if choice else "waiting")
            raise
        await run_in_threadpool(self._seq, paper.id or 0, receipt.seq)

    def _back(self, paper_id: int, state: str) -> None:
        with session(self.engine, write=True) as s:
            row = s.get(db.PaperSheet, paper_id)
            if row is not None:
                row.state = state
                if state == "waiting":
                    row.second_by, row.second, row.second_at = "", None, None
                s.add(row)
                s.commit()

    def _place(self, paper: db.PaperSheet) -> tuple[str, str, int]:
        with session(self.engine) as s:
            entry = s.get(db.Entry, paper.entry_id)
            judge = s.get(db.Judge, paper.judge_id)
            assert entry is not None and judge is not None
            latest = s.exec(select(db.Sheet.revision).where(db.Sheet.entry_id == paper.entry_id,
                                                            db.Sheet.judge_id == paper.judge_id)
                            .order_by(col(db.Sheet.revision).desc())).first()
        return entry.key, judge.key, (latest or 0) + 1

    def _seq(self, paper_id: int, seq: int) -> None:
        with session(self.engine, write=True) as s:
            row = s.get(db.PaperSheet, paper_id)
            if row is not None:
                row.seq = seq
                s.add(row)
                s.commit()


def _taken(sheet: Sheet) -> list[tuple[str, Any]]:
    """The deductions a sheet takes, by rule and amount (their reasons aside)."""
    return sorted((d.key, d.amount) for d in sheet.deductions)


def _ids(s: Any, competition: str, entry: str, judge: str) -> tuple[int, int]:
    comp = select(db.Competition.id).where(db.Competition.key == competition).scalar_subquery()
    entry_id = s.exec(select(db.Entry.id).where(db.Entry.competition_id == comp, db.Entry.key == entry)).first()
    judge_id = s.exec(select(db.Judge.id).where(db.Judge.competition_id == comp, db.Judge.key == judge)).first()
    if entry_id is None or judge_id is None:
        raise UserError.one("entry_unknown", N_("no entry {key}"), key=entry)
    return entry_id, judge_id


def whole(text: str) -> int | str:
    """A short run of ASCII digits as a number; anything else as typed, for the sheet's own checks
    to refuse with a reason (``int`` would choke on ``²``, or on 5,000 digits)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else text


def typed_deductions(form: Mapping[str, str], event: Event) -> list[dict[str, Any]]:
    """The deductions a paper sheet's form takes: each one ticked, with its minutes or occurrences
    and its reason."""
    out: list[dict[str, Any]] = []
    for rule in event.rubric.deductions:
        if form.get(f"d:{rule.key}") != "on":
            continue
        item: dict[str, Any] = {"key": rule.key, "reason": form.get(f"d:{rule.key}:reason", "").strip()}
        amount = form.get(f"d:{rule.key}:amount", "").strip()
        if rule.kind in (DeductionKind.PER_MINUTE, DeductionKind.PER_OCCURRENCE):
            item["minutes" if rule.kind is DeductionKind.PER_MINUTE else "count"] = whole(amount)
        out.append(item)
    return out


def typed_marks(form: Mapping[str, str], event: Event, readings: Mapping[str, list[str]]) -> Marks:
    """The marks a paper sheet's form holds: each criterion's box (a level, yes/no, a number) and
    a measurement's readings, the empty ones left out."""
    out: Marks = {}
    for c in event.rubric.criteria:
        if c.kind == "measurement":
            values = [v.strip() for v in readings.get(c.key, [])]
            if any(values):
                out[c.key] = values
            continue
        text = form.get(c.key, "").strip()
        if not text:
            continue
        if c.kind == "judgement":
            out[c.key] = whole(text)
        elif c.kind == "check":
            out[c.key] = text == "yes" if text in ("yes", "no") else text
        else:
            out[c.key] = text
    return out
