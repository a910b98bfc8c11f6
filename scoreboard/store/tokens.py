"""Judges' login tokens in the store: issuing, revoking, and who a token signs in.

Words: a judge's *token* is the secret printed on their login card (as a link and a QR code).
Only its SHA-256 *hash* is stored, so a database dump does not let anyone in. The tablet
exchanges the token for a signed session cookie holding the hash, and every websocket connect
checks that hash here again, so issuing a new token or revoking the judge locks the old card and
the old cookie out at once. Nothing here commits: the caller does (``services.judges``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from scoreboard.errors import N_, UserError
from scoreboard.store import tables as db
from scoreboard.store.audit import audit
from scoreboard.store.load import competition_row


@dataclass(frozen=True)
class JudgeIdentity:
    competition: str
    judge: str
    name: str
    token_hash: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _judge(session: Session, competition: str, judge: str) -> db.Judge:
    row = session.exec(select(db.Judge).join(db.Competition)
                       .where(db.Competition.key == competition, db.Judge.key == judge)).first()
    if row is None:
        raise UserError.one("judge_unknown", N_("no judge {judge}"), judge=judge)
    return row


def issue_token(session: Session, competition: str, judge: str, actor: str) -> str:
    """A new token for the judge (its card replaces any earlier one, which stops working)."""
    return issue_tokens(session, competition, [judge], actor)[judge]


def fresh_tokens(session: Session, competition: str, judges: list[str] | None) -> dict[str, str]:
    """New tokens for ``judges`` (every judge of the competition when None), by judge key, made
    but not stored: ``store_tokens`` makes them work (and the judges' earlier cards stop)."""
    row = competition_row(session, competition)
    keys = judges if judges is not None else list(session.exec(
        select(db.Judge.key).where(db.Judge.competition_id == row.id).order_by(col(db.Judge.id))).all())
    for key in keys:
        _judge(session, competition, key)  # refuses an unknown judge
    return {key: secrets.token_urlsafe(24) for key in keys}


def store_tokens(session: Session, competition: str, issued: dict[str, str], actor: str) -> None:
    """The judges' new tokens work from now on; their earlier cards stop working."""
    for judge, token in issued.items():
        row = _judge(session, competition, judge)
        row.token_hash, row.revoked = token_hash(token), False
        session.add(row)
        audit(session, actor, "judge.token", f"judge:{judge}", {"competition": competition})


def issue_tokens(session: Session, competition: str, judges: list[str] | None, actor: str) -> dict[str, str]:
    """Fresh tokens for ``judges`` (every judge of the competition when None), by judge key, stored."""
    issued = fresh_tokens(session, competition, judges)
    store_tokens(session, competition, issued, actor)
    return issued


def revoke(session: Session, competition: str, judge: str, actor: str, reason: str = "") -> None:
    """The judge's card and sessions stop working (their open sockets close when it is announced)."""
    row = _judge(session, competition, judge)
    row.revoked = True
    session.add(row)
    audit(session, actor, "judge.revoked", f"judge:{judge}", {"competition": competition}, reason)


def identify_hash(session: Session, hashed: str) -> JudgeIdentity | None:
    """The judge holding this token hash, unless revoked or replaced."""
    if not hashed:
        return None
    found = session.exec(select(db.Judge, db.Competition.key).join(db.Competition)
                         .where(db.Judge.token_hash == hashed, db.Judge.revoked == False)).first()  # noqa: E712
    if found is None:
        return None
    judge, competition = found
    return JudgeIdentity(competition, judge.key, judge.name, hashed)


def valid_hashes(session: Session, hashes: set[str]) -> set[str]:
    """Those of ``hashes`` that still sign a judge in (not revoked, not replaced)."""
    found = session.exec(select(db.Judge.token_hash).where(
        col(db.Judge.token_hash).in_(hashes), db.Judge.revoked == False)).all()  # noqa: E712
    return {h for h in found if h is not None}


def identify(session: Session, token: str) -> JudgeIdentity | None:
    return identify_hash(session, token_hash(token)) if token else None
