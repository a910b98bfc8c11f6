"""Export data from the store: the one place the exports read the database.

``load_export_data(session, key)`` reads the competition as stored (blind codes included,
judges without their tokens), every sheet revision of every event in order of arrival, the audit
records that concern the competition (``detail.competition`` is its key) and each event's
state, and computes the standings exactly as the live book and the offline ``scoreboard
standings`` do.
"""

from __future__ import annotations

from datetime import UTC

from sqlmodel import Session

from scoreboard.exports.data import AuditRecord, ExportData, from_sheets
from scoreboard.store import tables as db
from scoreboard.store.audit import audit_log
from scoreboard.store.events import event_states
from scoreboard.store.load import load_competition
from scoreboard.store.sheets import sheets_of_event


def audit_record(row: db.AuditLog) -> AuditRecord:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    return AuditRecord(row.id or 0, at.astimezone(UTC).isoformat(), row.actor, row.action, row.subject,
                       dict(row.detail or {}), row.reason)


def load_export_data(session: Session, key: str) -> ExportData:
    competition = load_competition(session, key)
    entries = {e.key for e in competition.entries}  # a withdrawn entry's sheets stay out of the results
    sheets = sorted((s for e in competition.events for s in sheets_of_event(session, key, e.key)
                     if s.entry in entries), key=lambda s: s.seq)
    audit = [audit_record(r) for r in audit_log(session) if (r.detail or {}).get("competition") == key]
    return from_sheets(competition, sheets, audit, event_states(session, key))
