"""The console's sign-in limiter, shared by every process using the database.

At most ``failures`` failed sign-ins in ``window`` seconds from one address, and as many for one
username (from anywhere): either over the limit refuses. An attempt counts as failed from the
moment it starts until it succeeds, so a burst of attempts sent at once — to one worker or to
several — cannot all slip in before the first failure is counted: attempts are counted one at a
time (``store.attempts.take_turn``). Storage is bounded: attempts older than the window are
deleted as new ones come, each address or username keeps at most ``failures`` attempts, and at
most ``remember`` addresses and usernames are kept (the longest unused forgotten first). Each
method is one transaction; the *clock* (seconds since the epoch) says when "now" is.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine

from scoreboard.store import attempts
from scoreboard.store.engine import session
from scoreboard.store.tables import ATTEMPT_KEY


class LoginLimiter:
    def __init__(self, engine: Engine, failures: int = 5, window: float = 300.0, remember: int = 10_000,
                 clock: Callable[[], float] = time.time) -> None:
        self.engine, self.clock = engine, clock
        self.failures, self.window, self.remember = failures, window, remember

    def __len__(self) -> int:
        """How many addresses and usernames are remembered."""
        with session(self.engine) as s:
            return attempts.key_count(s)

    @staticmethod
    def _keys(ip: str, username: str) -> tuple[str, str]:
        return f"ip:{ip}"[:ATTEMPT_KEY], f"user:{username.strip().casefold()}"[:ATTEMPT_KEY]

    def attempt(self, ip: str, username: str) -> bool:
        """Count an attempt against the address and the username; False (nothing counted) when
        either has had ``failures`` in the window."""
        keys = self._keys(ip, username)
        now = self.clock()
        with session(self.engine, write=True) as s:
            attempts.take_turn(s)
            attempts.forget_before(s, now - self.window)
            allowed = all(n < self.failures for n in attempts.counts(s, keys, now - self.window).values())
            if allowed:
                attempts.add(s, keys, now)
                attempts.keep_newest(s, self.remember)
            s.commit()
        return allowed

    def succeeded(self, ip: str, username: str) -> None:
        """The right password: the address and the username start again from nothing."""
        with session(self.engine, write=True) as s:
            attempts.forget(s, self._keys(ip, username))
            s.commit()
