"""The session cookie, signed with a key known only once the lifespan has opened the database.

Words: the *session* is Starlette's signed cookie ``scoreboard_session`` (a judge's token hash, a
console session id, the CSRF token). Its *signing key* is ``SECRET_KEY`` when set, else the key
kept in the database (``scoreboard.store.keys``), so a restart signs nobody out. The lifespan
puts it in the state as ``session_key``; ``Sessions`` builds Starlette's ``SessionMiddleware``
with it on the first request and reuses it after. The cookie is ``HttpOnly``, ``SameSite=Lax``,
and ``Secure`` when the deployment is served over HTTPS.
"""

from __future__ import annotations

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from scoreboard.errors import FatalError

COOKIE = "scoreboard_session"
STATE_KEY = "session_key"


class Sessions:
    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app, self.https = app, https
        self._middleware: SessionMiddleware | None = None
        self._key = ""

    def _sessions(self, key: str) -> SessionMiddleware:
        if self._middleware is None or key != self._key:
            self._middleware = SessionMiddleware(self.app, secret_key=key, session_cookie=COOKIE, same_site="lax",
                                                 https_only=self.https)
            self._key = key
        return self._middleware

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        key = scope.get("state", {}).get(STATE_KEY)
        if not isinstance(key, str) or not key:
            raise FatalError("no session signing key in the lifespan state: is the lifespan running?")
        await self._sessions(key)(scope, receive, send)
