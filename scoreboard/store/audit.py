"""The audit log: who did what, when, to what, and why. Rows are only ever added.

Words: the *actor* is who acted (``judge:J1``, ``organizer:admin``, ``cli``); the *action* a
dotted name (``sheet.recorded``, ``event.state``, ``entry.locked``); the *subject* what it was
done to (``entry:E1``, ``event:hot``); *detail* a JSON-able record of what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, select

from scoreboard.store import tables as db


def audit(session: Session, actor: str, action: str, subject: str = "",
          detail: Mapping[str, Any] | None = None, reason: str = "") -> db.AuditLog:
    """Add an audit row to the session (flushed with it; the caller commits)."""
    row = db.AuditLog(actor=actor, action=action, subject=subject, detail=dict(detail or {}), reason=reason)
    session.add(row)
    return row


def audit_log(session: Session, subject: str | None = None, action: str | None = None) -> list[db.AuditLog]:
    """Audit rows in the order they were written, optionally of one subject or action."""
    query = select(db.AuditLog).order_by(col(db.AuditLog.id))
    if subject is not None:
        query = query.where(db.AuditLog.subject == subject)
    if action is not None:
        query = query.where(db.AuditLog.action == action)
    return list(session.exec(query).all())
