"""Organizer console accounts: creating them, checking passwords, and what each may act on.

Words: an *account* signs in to the console with a username and password. Its *role* is
``organizer`` (every competition, event and setting) or ``chief`` (a chief judge: resolve, lock
and reopen in the *scope* of their events — ``(competition key, event key)`` pairs — nothing
else). Passwords are kept as ``scrypt$n$r$p$salt$hash`` (hashlib.scrypt, a random 16-byte salt
per account); there is no default password anywhere. A *console session* is one sign-in, kept
on the server (``console_session``): the cookie carries its random *session id*, the database
only the id's SHA-256, so ending the row (signing out) ends the session on every copy of the
cookie. When a session has lasted too long is the web layer's rule (``web.console_auth``).
Nothing here commits: the caller does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, func, or_, select

from scoreboard.errors import N_, UserError
from scoreboard.store import tables as db
from scoreboard.store.audit import audit

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD = 8
_DUMMY = ""  # a hash to check against when the username is unknown (same time either way)


@dataclass(frozen=True)
class AccountView:
    id: int
    username: str
    role: str
    scope: frozenset[tuple[str, str]]  # (competition, event) a chief may act on
    fingerprint: str  # changes when the password does: sessions made before it end

    @property
    def is_organizer(self) -> bool:
        return self.role == "organizer"

    def may_act_on(self, competition: str, event: str) -> bool:
        return self.is_organizer or (competition, event) in self.scope


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(_unb64(digest)))
    except ValueError:
        return False
    return hmac.compare_digest(got, _unb64(digest))


def _dummy() -> str:
    global _DUMMY
    if not _DUMMY:
        _DUMMY = hash_password(secrets.token_urlsafe(16))
    return _DUMMY


def count_organizers(session: Session) -> int:
    return session.exec(select(func.count()).select_from(db.Account)
                        .where(db.Account.role == "organizer", db.Account.disabled == False)).one()  # noqa: E712


def _event_ids(session: Session, scope: Iterable[str]) -> list[int]:
    """``COMPETITION:EVENT`` → event ids; every unknown one is listed in one refusal."""
    ids, problems = [], []
    for item in scope:
        competition, _sep, event = item.partition(":")
        found = session.exec(select(db.Event.id).join(db.Competition)
                             .where(db.Competition.key == competition, db.Event.key == event)).first()
        if found is None:
            problems.append(UserError.one("event_unknown", N_("no event {key}"), key=item).problems[0])
        else:
            ids.append(found)
    if problems:
        raise UserError(problems)
    return ids


def create_account(session: Session, username: str, password: str, chief_of: Iterable[str] = (),
                   actor: str = "cli") -> int:
    """A new account: ``organizer``, or ``chief`` of the ``COMPETITION:EVENT`` items in ``chief_of``."""
    username = username.strip()
    if not username or len(username) > db.KEY or any(ch.isspace() for ch in username):
        raise UserError.one("username_invalid", N_("a username is 1 to 64 characters without spaces"))
    if len(password) < MIN_PASSWORD:
        raise UserError.one("password_short", N_("a password needs at least {n} characters"), n=MIN_PASSWORD)
    if session.exec(select(db.Account.id).where(db.Account.username == username)).first() is not None:
        raise UserError.one("username_taken", N_("the username {name} is taken"), name=username)
    chief_of = list(chief_of)
    ids = _event_ids(session, chief_of)
    row = db.Account(username=username, password_hash=hash_password(password),
                     role="chief" if chief_of else "organizer")
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add_all([db.AccountEvent(account_id=row.id, event_id=i) for i in ids])
    audit(session, actor, "account.created", f"account:{username}", {"role": row.role, "chief_of": chief_of})
    return row.id


def _view(session: Session, row: db.Account) -> AccountView:
    assert row.id is not None
    scope = session.exec(select(db.Competition.key, db.Event.key)
                         .join(db.Event, col(db.Event.competition_id) == db.Competition.id)
                         .join(db.AccountEvent, col(db.AccountEvent.event_id) == db.Event.id)
                         .where(db.AccountEvent.account_id == row.id)).all()
    return AccountView(row.id, row.username, row.role, frozenset((c, e) for c, e in scope),
                       row.password_hash[-12:])


def authenticate(session: Session, username: str, password: str) -> AccountView | None:
    row = session.exec(select(db.Account).where(db.Account.username == username.strip())).first()
    if row is None or row.disabled:
        check_password(password, _dummy())
        return None
    return _view(session, row) if check_password(password, row.password_hash) else None


def account(session: Session, account_id: int) -> AccountView | None:
    row = session.get(db.Account, account_id)
    return None if row is None or row.disabled else _view(session, row)


@dataclass(frozen=True)
class ConsoleSessionView:
    account_id: int
    fingerprint: str  # the account's password fingerprint at sign-in
    created_at: datetime
    seen_at: datetime


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite keeps no zone


def open_session(session: Session, account: AccountView, now: datetime, seen_before: datetime,
                 made_before: datetime) -> str:
    """A new console session for ``account``; returns its id (for the cookie). Expired sessions of
    anyone — last seen before ``seen_before`` or made before ``made_before`` — are removed on the way."""
    session.exec(delete(db.ConsoleSession).where(or_(col(db.ConsoleSession.seen_at) < seen_before,
                                                     col(db.ConsoleSession.created_at) < made_before)))
    session_id = secrets.token_urlsafe(32)
    session.add(db.ConsoleSession(token_hash=_session_hash(session_id), account_id=account.id,
                                  fingerprint=account.fingerprint, created_at=now, seen_at=now))
    return session_id


def console_session(session: Session, session_id: str) -> ConsoleSessionView | None:
    """The console session with this id, or None (never opened, or ended)."""
    if not session_id:
        return None
    row = session.exec(select(db.ConsoleSession)
                       .where(db.ConsoleSession.token_hash == _session_hash(session_id))).first()
    if row is None:
        return None
    return ConsoleSessionView(row.account_id, row.fingerprint, _utc(row.created_at), _utc(row.seen_at))


def touch_session(session: Session, session_id: str, now: datetime) -> None:
    """The session was seen ``now``."""
    row = session.exec(select(db.ConsoleSession)
                       .where(db.ConsoleSession.token_hash == _session_hash(session_id))).first()
    if row is not None:
        row.seen_at = now
        session.add(row)


def end_session(session: Session, session_id: str) -> None:
    """The session ends: every copy of its cookie is signed out."""
    session.exec(delete(db.ConsoleSession).where(col(db.ConsoleSession.token_hash) == _session_hash(session_id)))

