"""Console sign-in: sessions that expire, CSRF tokens, login rate limits, and the guard every
console route goes through.

Words: the *console session* is the ``console`` entry of the signed session cookie: the account
id, the password's fingerprint (a changed password ends older sessions), when it signed in and
when it was last seen. It ends after ``IDLE`` without a request or ``LIFETIME`` in all. The
*CSRF token* is a random value kept in the session (made on the first console page, before
sign-in too); every POST must carry it, as the ``csrf`` form field or the ``X-CSRF-Token`` header
(htmx sends it from the page's ``hx-headers``), or it is refused with 403. The *guard* wraps a
handler: no console session → to the sign-in page (a GET) or 401 (anything else); a bad CSRF
token → 403; a chief judge outside their events, or on an organizer's page → 403.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response

from scoreboard.errors import UserError
from scoreboard.i18n import gettext
from scoreboard.i18n import gettext as _
from scoreboard.store import accounts
from scoreboard.store.engine import session

SESSION_KEY = "console"
CSRF_KEY = "console_csrf"
IDLE = 2 * 3600  # seconds without a request before a console session ends
LIFETIME = 12 * 3600  # seconds a console session lasts at most


class LoginLimiter:
    """At most ``failures`` failed sign-ins per IP address in ``window`` seconds."""

    def __init__(self, failures: int = 5, window: float = 300.0) -> None:
        self.failures, self.window = failures, window
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, ip: str) -> deque[float]:
        q = self._seen.setdefault(ip, deque())
        cutoff = time.monotonic() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        return q

    def blocked(self, ip: str) -> bool:
        return len(self._recent(ip)) >= self.failures

    def failed(self, ip: str) -> None:
        self._recent(ip).append(time.monotonic())
        if len(self._seen) > 10_000:  # forget idle addresses rather than grow without end
            for key in [k for k, v in self._seen.items() if not v][:5_000]:
                del self._seen[key]

    def succeeded(self, ip: str) -> None:
        self._seen.pop(ip, None)


class Device(Protocol):
    """A judge's device state: a socket open now, the last frame heard (kept after it closes),
    the sheets the tablet last said were waiting in its outbox (None: never said)."""

    @property
    def online(self) -> bool: ...
    @property
    def last_seen(self) -> datetime | None: ...
    @property
    def waiting(self) -> int | None: ...


@dataclass
class Console:
    """What the console routes share, made in the lifespan. ``cards`` prints judges' login cards
    (session, competition, judge keys or None for all, actor, base URL → HTML) and ``revoke``
    revokes a judge and closes their sockets (engine, bus, competition, judge, actor, reason):
    both come from ``judges`` through ``create_app``, since ``scoreboard`` never imports it. So does
    ``device``: (competition, judge) → the judge's ``Device`` state, from the open sockets."""

    cards: Callable[..., str] | None = None
    revoke: Callable[..., Awaitable[None]] | None = None
    device: Callable[[str, str], Device] | None = None
    limiter: LoginLimiter = field(default_factory=LoginLimiter)


@dataclass(frozen=True)
class Ctx:
    """A guarded request: who is signed in, the posted form (empty for a GET), the CSRF token."""

    account: accounts.AccountView
    form: FormData
    csrf: str

    @property
    def actor(self) -> str:
        return f"{self.account.role}:{self.account.username}"


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_ok(request: Request, form: FormData | None) -> bool:
    expected = request.session.get(CSRF_KEY)
    given = request.headers.get("x-csrf-token") or (form.get("csrf") if form is not None else None)
    return isinstance(expected, str) and isinstance(given, str) and hmac.compare_digest(given, expected)


def sign_in(request: Request, account: accounts.AccountView) -> None:
    now = time.time()
    request.session.pop(SESSION_KEY, None)
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)  # a new token with every sign-in
    request.session[SESSION_KEY] = {"id": account.id, "fp": account.fingerprint, "at": now, "seen": now}


def sign_out(request: HTTPConnection) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(CSRF_KEY, None)


async def signed_in(request: HTTPConnection) -> accounts.AccountView | None:
    """The signed-in account, or None (expired, disabled, password changed: the session ends)."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    now = time.time()
    if now - float(data.get("seen", 0)) > IDLE or now - float(data.get("at", 0)) > LIFETIME:
        sign_out(request)
        return None

    def load() -> accounts.AccountView | None:
        with session(request.state.engine) as s:
            return accounts.account(s, data["id"])

    account = await run_in_threadpool(load)
    if account is None or not hmac.compare_digest(account.fingerprint, str(data.get("fp", ""))):
        sign_out(request)
        return None
    if now - float(data["seen"]) > 60:  # refresh "last seen" at most once a minute
        request.session[SESSION_KEY] = {**data, "seen": now}
    return account


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


Handler = Callable[[Request, Ctx], Awaitable[Response]]


def _check(request: Request, account: accounts.AccountView, form: FormData, organizer: bool, scoped: bool) -> None:
    """Refuse (403) a POST without the session's CSRF token, and an account outside its role or scope."""
    if request.method == "POST" and not csrf_ok(request, form):
        raise HTTPException(403, _("The form expired or did not come from this console. Reload and try again."))
    if organizer and not account.is_organizer:
        raise HTTPException(403, _("Only an organizer may do this."))
    params = request.path_params
    if scoped and "event" in params and not account.may_act_on(params["competition"], params["event"]):
        raise HTTPException(403, _("You are not the chief judge of this event."))
    if "competition" in params and not account.is_organizer and not any(
            c == params["competition"] for c, _e in account.scope):
        raise HTTPException(403, _("You are not the chief judge of this event."))


def guard(handler: Handler, organizer: bool = False, scoped: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """``organizer``: organizer accounts only. ``scoped``: the path's competition and event must be
    in a chief judge's scope (organizers may act everywhere)."""

    async def endpoint(request: Request) -> Response:
        account = await signed_in(request)
        if account is None:
            if request.method == "GET" and request.headers.get("HX-Request") != "true":
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"{request.url_for('console_login').path}?next={quote(target)}", 303)
            raise HTTPException(401, _("Please sign in to the console."))
        form = await request.form(max_part_size=8 * 1024 * 1024) if request.method == "POST" else FormData()
        try:
            _check(request, account, form, organizer, scoped)
            return await handler(request, Ctx(account, form, csrf_token(request)))
        except UserError as e:  # an unknown competition, event or entry in the path
            status = 404 if e.code.endswith("_unknown") else 422
            raise HTTPException(status, "; ".join(p.render(gettext) for p in e.problems)) from None
        finally:
            await form.close()  # uploaded files' temporary storage

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def field_text(form: FormData, name: str, limit: int = 500) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


@dataclass(frozen=True)
class Chrome:
    """What every console page's frame shows: who is signed in, the CSRF token for its forms, and
    the competition the page belongs to (empty on the competitions list)."""

    user: str
    organizer: bool
    csrf: str
    competition: str = ""
    competition_name: str = ""
    tab: str = ""


def chrome(ctx: Ctx, competition: str = "", name: str = "", tab: str = "") -> Chrome:
    return Chrome(ctx.account.username, ctx.account.is_organizer, ctx.csrf, competition, name, tab)
