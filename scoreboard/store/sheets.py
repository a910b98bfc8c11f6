"""Score sheets in the database: stored once, in order, never changed.

Words: a *receipt* is what the server answers a sheet with: its sequence number (``seq``, the
sheet row's id, the order of arrival), its revision, whether this call stored it (``created``;
false for a resend of a sheet already stored) and when it was first received.

A sheet is recognised by the id the tablet made (``uid``): the same id with the same content is
a resend and is acknowledged again without writing anything; the same id with other content is
refused. A judge's revisions of one entry go 1, 2, 3…: each must be exactly one more than the
latest stored, so two tablets cannot both correct the same sheet.

Marks are stored exactly, as decimal strings ("8.5", readings ["1.2", "-0.5"]) or, for a
fraction that has no finite decimal, "p/q"; yes/no marks as JSON booleans. Reading them back
never fails a whole event: a stored sheet that cannot be read comes back *unreadable* (no marks),
and scoring flags its entry for the organizer. Nothing here commits: the caller commits once the
sheets of one unit of work are all recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select as columns
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from scoreboard.errors import N_, FatalError, UserError
from scoreboard.rubric.numbers import stored_number
from scoreboard.rubric.sheet import DeductionMark, Mark, Sheet
from scoreboard.states import SCORING
from scoreboard.store import tables as db
from scoreboard.store.audit import audit

log = logging.getLogger("scoreboard.store")
__all__ = ["Receipt", "audit", "decode_marks", "encode_marks", "record_sheet", "sheets_of_competition",
           "sheets_of_entry", "sheets_of_event"]


@dataclass(frozen=True)
class Receipt:
    seq: int
    revision: int
    created: bool
    received_at: datetime


def exact(value: Fraction) -> str:
    """``value`` as text that ``Fraction()`` reads back exactly: a decimal where there is one."""
    d, k = value.denominator, 0
    while d % 2 == 0 or d % 5 == 0:
        d //= 2 if d % 2 == 0 else 5
        k += 1
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator * 10**k // value.denominator).scaleb(-k), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def encode_marks(marks: Mapping[str, Mark]) -> dict[str, Any]:
    def one(mark: Mark) -> Any:
        if isinstance(mark, bool):
            return mark
        if isinstance(mark, tuple):
            return [exact(v) for v in mark]
        return exact(mark)

    return {key: one(mark) for key, mark in marks.items()}


def decode_marks(data: Mapping[str, Any], numbers: dict[str, Fraction] | None = None) -> dict[str, Mark]:
    """Stored marks back as exact values; ``ValueError`` if any cannot be read. ``numbers`` keeps
    the numbers read so far by their text, for a caller reading many sheets."""
    known = {} if numbers is None else numbers

    def read(value: Any) -> Fraction:
        if isinstance(value, str):
            found = known.get(value)
            if found is None:
                found = known[value] = stored_number(value)
            return found
        return stored_number(value)

    def one(value: Any) -> Mark:
        if isinstance(value, bool):
            return value
        if isinstance(value, list):
            return tuple(read(v) for v in value)
        return read(value)

    if not isinstance(data, Mapping):
        raise ValueError("marks are not a table")
    return {str(key): one(value) for key, value in data.items()}


def decode_deductions(data: Any) -> tuple[DeductionMark, ...]:
    """Stored deductions back; ``ValueError`` if any cannot be read."""
    if not isinstance(data, list) or not all(isinstance(d, Mapping) for d in data):
        raise ValueError("deductions are not a list of tables")
    return tuple(DeductionMark(str(d["key"]), stored_number(d["amount"]), str(d.get("reason", ""))) for d in data)


def _encode_deductions(deductions: tuple[DeductionMark, ...]) -> list[dict[str, str]]:
    return [{"key": d.key, "amount": exact(d.amount), "reason": d.reason} for d in deductions]


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _receipt(row: db.Sheet, created: bool) -> Receipt:
    assert row.id is not None
    return Receipt(row.id, row.revision, created, _utc(row.received_at))


def _same(row: db.Sheet, entry_id: int | None, judge_id: int | None, sheet: Sheet) -> bool:
    return (row.entry_id, row.judge_id, row.revision, row.marks, row.deductions, row.reason) == (
        entry_id, judge_id, sheet.revision, encode_marks(sheet.marks), _encode_deductions(sheet.deductions),
        sheet.reason)


def _resend(session: Session, sheet: Sheet, entry_id: int | None, judge_id: int | None) -> Receipt | None:
    row = session.exec(select(db.Sheet).where(db.Sheet.uid == sheet.id)).first()
    if row is None:
        return None
    if not _same(row, entry_id, judge_id, sheet):
        raise UserError.one("sheet_id_reused", N_("sheet id {id} was already used for other marks"), sheet.id,
                            id=sheet.id)
    return _receipt(row, created=False)


def _latest(session: Session, entry_id: int, judge_id: int) -> int:
    latest = session.exec(select(func.max(db.Sheet.revision))
                          .where(db.Sheet.entry_id == entry_id, db.Sheet.judge_id == judge_id)).one()
    return latest or 0


def record_sheet(session: Session, competition_key: str, sheet: Sheet, actor: str) -> Receipt:
    """Store ``sheet`` (checked against its rubric already) with an audit row; see the module."""
    entry = session.exec(select(db.Entry).join(db.Competition)
                         .where(db.Competition.key == competition_key, db.Entry.key == sheet.entry)).first()
    judge = session.exec(select(db.Judge).join(db.Competition)
                         .where(db.Competition.key == competition_key, db.Judge.key == sheet.judge)).first()
    receipt = _resend(session, sheet, entry.id if entry else None, judge.id if judge else None)
    if receipt is not None:
        return receipt
    if entry is None or entry.id is None:
        raise UserError.one("entry_unknown", N_("no entry {key}"), sheet.id, key=sheet.entry)
    if judge is None or judge.id is None:
        raise UserError.one("judge_unknown", N_("no judge {key}"), sheet.id, key=sheet.judge)
    event = session.get(db.Event, entry.event_id)
    if event is None or event.state not in SCORING:
        raise UserError.one("event_not_open", N_("event {event} is not open for scoring ({state})"), sheet.id,
                            event=event.key if event else "", state=event.state if event else "")
    if entry.locked:
        raise UserError.one("entry_locked", N_("entry {key} is locked"), sheet.id, key=sheet.entry)
    latest = _latest(session, entry.id, judge.id)
    if sheet.revision != latest + 1:
        raise UserError.one("revision_conflict", N_("revision {revision} does not follow the latest, {latest}"),
                            sheet.id, revision=sheet.revision, latest=latest)
    row = db.Sheet(uid=sheet.id, entry_id=entry.id, judge_id=judge.id, revision=sheet.revision,
                   marks=encode_marks(sheet.marks), deductions=_encode_deductions(sheet.deductions),
                   reason=sheet.reason)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another writer stored this uid or this revision first
        receipt = _resend(session, sheet, entry.id, judge.id)
        if receipt is not None:
            return receipt
        raise UserError.one("revision_conflict", N_("revision {revision} does not follow the latest, {latest}"),
                            sheet.id, revision=sheet.revision, latest=_latest(session, entry.id, judge.id)) from None
    receipt = _receipt(row, created=True)
    audit(session, actor, "sheet.recorded", f"entry:{sheet.entry}",
          {"competition": competition_key, "sheet": sheet.id, "seq": receipt.seq, "judge": sheet.judge,
           "revision": sheet.revision, "marks": row.marks, "deductions": row.deductions}, sheet.reason)
    return receipt


def _sheets(session: Session, competition_key: str, *where: Any) -> list[Sheet]:
    rows = session.execute(
        columns(col(db.Sheet.id), col(db.Sheet.uid), col(db.Entry.key), col(db.Judge.key), col(db.Sheet.revision),
                col(db.Sheet.marks), col(db.Sheet.deductions), col(db.Sheet.reason), col(db.Sheet.received_at))
        .join(db.Entry, col(db.Sheet.entry_id) == db.Entry.id)
        .join(db.Judge, col(db.Sheet.judge_id) == db.Judge.id)
        .join(db.Competition, col(db.Entry.competition_id) == db.Competition.id)
        .where(col(db.Competition.key) == competition_key, *where)
        .order_by(col(db.Sheet.id))
    ).all()
    out = []
    numbers: dict[str, Fraction] = {}  # the same few values come again and again: each read once
    for seq, uid, entry_key, judge_key, revision, raw_marks, raw_deductions, reason, received_at in rows:
        if seq is None:
            raise FatalError("a stored sheet has no id")
        try:
            marks, deductions, unreadable = (decode_marks(raw_marks, numbers), decode_deductions(raw_deductions),
                                             False)
        except (ValueError, KeyError, TypeError) as e:  # counted as unreadable: the entry is flagged
            log.warning("sheet #%s of judge %s cannot be read: %s", seq, judge_key, e)
            marks, deductions, unreadable = {}, (), True
        out.append(Sheet(id=uid, entry=entry_key, judge=judge_key, marks=marks, deductions=deductions,
                         revision=revision, seq=seq, reason=reason, at=_utc(received_at).isoformat(),
                         unreadable=unreadable))
    return out


def sheets_of_competition(session: Session, competition_key: str) -> list[Sheet]:
    """Every revision of every sheet of the competition, in order of arrival, in one query."""
    return _sheets(session, competition_key)


def sheets_of_event(session: Session, competition_key: str, event_key: str) -> list[Sheet]:
    """Every revision of every sheet of the event, in order of arrival (``rubric.sheet.current``
    picks the ones that count)."""
    event_ids = select(db.Event.id).join(db.Competition).where(
        db.Competition.key == competition_key, db.Event.key == event_key)
    return _sheets(session, competition_key, col(db.Entry.event_id).in_(event_ids.scalar_subquery()))


def sheets_of_entry(session: Session, competition_key: str, entry_key: str) -> list[Sheet]:
    """Every revision of every sheet of the entry, in order of arrival."""
    return _sheets(session, competition_key, db.Entry.key == entry_key)


def entries_stored_between(session: Session, after: int, before: int) -> set[tuple[str, str]]:
    """(competition, entry) of every sheet whose seq lies strictly between ``after`` and ``before``
    (seqs count across competitions): what a gap in the seqs a process has heard of may hide."""
    rows = session.exec(
        select(db.Competition.key, db.Entry.key).join(db.Sheet, col(db.Sheet.entry_id) == db.Entry.id)
        .join(db.Competition, col(db.Entry.competition_id) == db.Competition.id)
        .where(col(db.Sheet.id) > after, col(db.Sheet.id) < before)
    ).all()
    return {(c, e) for c, e in rows}
