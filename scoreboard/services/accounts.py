"""Console accounts and their sessions: creating an account, signing in, keeping a session alive
while it is used, ending it.

Words (see ``store.accounts``): a *console session* is one sign-in, kept in the store; the
browser holds only its random id. It ends after ``IDLE`` without a request, after ``LIFETIME``
in all, when the account is disabled or its password changed, and when someone signs out. Each
method is one transaction; the *clock* (seconds since the epoch) says when "now" is.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from scoreboard.store import accounts
from scoreboard.store.engine import session

IDLE = 2 * 3600  # seconds without a request before a console session ends
LIFETIME = 12 * 3600  # seconds a console session lasts at most
TOUCH = 60  # a session's "last seen" is written at most once in this many seconds


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class AccountService:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    def create(self, username: str, password: str, chief_of: Iterable[str] = (), actor: str = "cli") -> int:
        """A new account: an organizer, or a chief judge of the ``COMPETITION:EVENT`` items in ``chief_of``."""
        with session(self.engine, write=True) as s:
            made = accounts.create_account(s, username, password, chief_of, actor)
            s.commit()
        return made

    async def authenticate(self, username: str, password: str) -> accounts.AccountView | None:
        def check() -> accounts.AccountView | None:
            with session(self.engine) as s:
                return accounts.authenticate(s, username, password)

        return await run_in_threadpool(check)

    async def sign_in(self, account: accounts.AccountView, earlier: str = "") -> str:
        """A new console session for ``account`` (the ``earlier`` one, if any, ends); returns its id."""
        now = self.clock()

        def write() -> str:
            with session(self.engine, write=True) as s:
                if earlier:
                    accounts.end_session(s, earlier)
                sid = accounts.open_session(s, account, _at(now), _at(now - IDLE), _at(now - LIFETIME))
                s.commit()
            return sid

        return await run_in_threadpool(write)

    async def sign_out(self, sid: str) -> None:
        """The session ends on every copy of its cookie."""

        def write() -> None:
            with session(self.engine, write=True) as s:
                accounts.end_session(s, sid)
                s.commit()

        await run_in_threadpool(write)

    async def current(self, sid: str) -> accounts.AccountView | None:
        """The session's account, or None (never opened, signed out, expired, disabled, password
        changed: a session found ended is removed). Seen now: its "last seen" moves on."""
        now = self.clock()

        def check() -> tuple[accounts.AccountView | None, str]:
            """(the account, what to do with the stored session: "end", "touch" or "")"""
            with session(self.engine) as s:
                found = accounts.console_session(s, sid)
                if found is None:
                    return None, ""
                seen, made = found.seen_at.timestamp(), found.created_at.timestamp()
                if now - seen > IDLE or now - made > LIFETIME:
                    return None, "end"
                account = accounts.account(s, found.account_id)
                if account is None or not hmac.compare_digest(account.fingerprint, found.fingerprint):
                    return None, "end"
                return account, "touch" if now - seen > TOUCH else ""

        def touch() -> None:
            with session(self.engine, write=True) as s:
                accounts.touch_session(s, sid, _at(now))
                s.commit()

        account, action = await run_in_threadpool(check)
        if action == "touch":
            await run_in_threadpool(touch)
        elif action == "end":
            await self.sign_out(sid)
        return account
