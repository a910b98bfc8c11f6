"""Recording a batch of sheets in one transaction, with a handful of queries for the whole batch.

The rules are ``store.sheets.record_sheet``'s, in the same order (a resend is answered first;
then unknown entry or judge, event not open, entry locked, revision not following the latest),
applied in Python to what the batch's few queries read: the entries, judges and events of the
competition, the sheets already stored under the batch's ids, and the latest revision of each
(entry, judge) the batch touches. Sheets of the same batch see each other (a resend within the
batch is answered with the first one's receipt; revision 2 may follow revision 1 of the same
batch). The accepted rows and their audit rows are then written in two multi-row inserts. A
sheet may carry a *note*: a second audit record (a chief judge's deduction) written with it, in
the same transaction, with the sheet's seq added as ``sheet_seq`` — stored with its sheet or not
at all.

If that insert fails — on a unique constraint (another process wrote the same sheet id or
revision meanwhile) or for any other reason the database gives — the batch's writes are rolled
back to a savepoint and every sheet is recorded again one by one with ``record_sheet``, each in a
savepoint of its own: it knows how to answer the race, and a sheet the database refuses fails
alone, never the others of its batch. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from scoreboard.errors import N_, UserError
from scoreboard.rubric.sheet import Sheet
from scoreboard.states import SCORING
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.sheets import Receipt, _encode_deductions, _receipt, _same, encode_marks, record_sheet


@dataclass(frozen=True)
class Note:
    """An audit record written with a sheet when it is stored (see the module)."""

    actor: str
    action: str
    detail: Mapping[str, Any]
    reason: str = ""

    def row(self, sheet: Sheet, seq: int) -> dict[str, Any]:
        return {"actor": self.actor, "action": self.action, "subject": f"entry:{sheet.entry}",
                "detail": {**self.detail, "sheet_seq": seq}, "reason": self.reason}


@dataclass(frozen=True)
class Item:
    competition: str
    sheet: Sheet
    actor: str
    note: Note | None = None


@dataclass
class _New:
    """A sheet row this batch inserts."""

    item: Item
    values: dict[str, Any]
    seq: int = 0


Outcome = Receipt | Exception


def _refused(code: str, message: str, sheet: Sheet, **params: object) -> UserError:
    return UserError.one(code, message, sheet.id, **params)


def record_batch(session: Session, items: Sequence[Item]) -> list[Outcome]:
    """Each item's receipt or refusal, in order; see the module."""
    try:
        with session.begin_nested():
            return _record(session, items)
    except Exception:  # a unique-constraint race, or a row the database refuses: one by one
        out: list[Outcome] = []
        for item in items:
            try:
                with session.begin_nested():
                    receipt = record_sheet(session, item.competition, item.sheet, item.actor)
                    if item.note is not None and receipt.created:
                        audit(session, **item.note.row(item.sheet, receipt.seq))
                out.append(receipt)
            except Exception as e:  # refused (UserError) or a database error: this sheet only
                out.append(e)
        return out


def _record(session: Session, items: Sequence[Item]) -> list[Outcome]:
    competitions = {i.competition for i in items}
    entries = {(c, e.key): e for c, e in session.exec(
        select(db.Competition.key, db.Entry).join(db.Competition, col(db.Entry.competition_id) == db.Competition.id)
        .where(col(db.Competition.key).in_(competitions), col(db.Entry.key).in_({i.sheet.entry for i in items}))
    ).all()}
    judges = {(c, j.key): j for c, j in session.exec(
        select(db.Competition.key, db.Judge).join(db.Competition, col(db.Judge.competition_id) == db.Competition.id)
        .where(col(db.Competition.key).in_(competitions), col(db.Judge.key).in_({i.sheet.judge for i in items}))
    ).all()}
    events = {i: (key, state) for i, key, state in session.exec(  # not the rubrics: a few columns only
        select(db.Event.id, db.Event.key, db.Event.state).where(
            col(db.Event.id).in_({e.event_id for e in entries.values()}))).all()}
    at = datetime.now(UTC)
    stored: dict[str, db.Sheet | _New] = {r.uid: r for r in session.exec(select(db.Sheet).where(
        col(db.Sheet.uid).in_({i.sheet.id for i in items}))).all()}
    judge_ids = {j.id for j in judges.values()}
    entry_ids = {entries[(i.competition, i.sheet.entry)].id for i in items if (i.competition, i.sheet.entry) in entries}
    latest: dict[tuple[int | None, int | None], int] = {
        (e, j): rev for e, j, rev in session.exec(
            select(db.Sheet.entry_id, db.Sheet.judge_id, func.max(db.Sheet.revision))
            .where(col(db.Sheet.entry_id).in_(entry_ids), col(db.Sheet.judge_id).in_(judge_ids))
            .group_by(col(db.Sheet.entry_id), col(db.Sheet.judge_id))).all()}
    out: list[Outcome | _New] = []
    added: list[_New] = []
    for item in items:
        sheet = item.sheet
        entry = entries.get((item.competition, sheet.entry))
        judge = judges.get((item.competition, sheet.judge))
        entry_id, judge_id = (entry.id if entry else None), (judge.id if judge else None)
        found = stored.get(sheet.id)
        if isinstance(found, db.Sheet):
            out.append(_receipt(found, created=False) if _same(found, entry_id, judge_id, sheet) else _refused(
                "sheet_id_reused", N_("sheet id {id} was already used for other marks"), sheet, id=sheet.id))
            continue
        if found is not None:  # sent twice in this batch
            same = (found.values["entry_id"], found.values["judge_id"], found.values["revision"],
                    found.values["marks"], found.values["deductions"], found.values["reason"]) == (
                entry_id, judge_id, sheet.revision, encode_marks(sheet.marks), _encode_deductions(sheet.deductions),
                sheet.reason)
            out.append(found if same else _refused(
                "sheet_id_reused", N_("sheet id {id} was already used for other marks"), sheet, id=sheet.id))
            continue
        if entry is None or entry.id is None:
            out.append(_refused("entry_unknown", N_("no entry {key}"), sheet, key=sheet.entry))
            continue
        if judge is None or judge.id is None:
            out.append(_refused("judge_unknown", N_("no judge {key}"), sheet, key=sheet.judge))
            continue
        event_key, state = events.get(entry.event_id, ("", ""))
        if state not in SCORING:
            out.append(_refused("event_not_open", N_("event {event} is not open for scoring ({state})"), sheet,
                                event=event_key, state=state))
            continue
        if entry.locked:
            out.append(_refused("entry_locked", N_("entry {key} is locked"), sheet, key=sheet.entry))
            continue
        last = latest.get((entry.id, judge.id), 0)
        if sheet.revision != last + 1:
            out.append(_refused("revision_conflict", N_("revision {revision} does not follow the latest, {latest}"),
                                sheet, revision=sheet.revision, latest=last))
            continue
        new = _New(item, {"uid": sheet.id, "entry_id": entry.id, "judge_id": judge.id, "revision": sheet.revision,
                          "marks": encode_marks(sheet.marks), "deductions": _encode_deductions(sheet.deductions),
                          "reason": sheet.reason, "received_at": at})
        latest[(entry.id, judge.id)] = sheet.revision
        stored[sheet.id] = new
        added.append(new)
        out.append(new)
    if added:  # one multi-row insert; the rows' ids are their seq
        ids = session.execute(insert(db.Sheet).returning(col(db.Sheet.id), sort_by_parameter_order=True),
                              [n.values for n in added]).scalars().all()
        for n, seq in zip(added, ids, strict=True):
            n.seq = seq
        session.execute(insert(db.AuditLog), [{
            "actor": n.item.actor, "action": "sheet.recorded", "subject": f"entry:{n.item.sheet.entry}", "at": at,
            "detail": {"competition": n.item.competition, "sheet": n.item.sheet.id, "seq": n.seq,
                       "judge": n.item.sheet.judge, "revision": n.item.sheet.revision,
                       "marks": n.values["marks"], "deductions": n.values["deductions"]},
            "reason": n.item.sheet.reason} for n in added] + [
            {**n.item.note.row(n.item.sheet, n.seq), "at": at} for n in added if n.item.note is not None])
    results: list[Outcome] = []
    answered: set[int] = set()
    for o in out:
        if isinstance(o, _New):  # created for its first sheet, a resend for a second one in the batch
            results.append(Receipt(o.seq, o.values["revision"], id(o) not in answered, at))
            answered.add(id(o))
        else:
            results.append(o)
    return results
