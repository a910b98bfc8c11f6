"""Console sign-in: sessions that expire, CSRF tokens, and the guard every console route goes
through (the sign-in limiter is ``services.limiter``).

Words: the *console session* is one sign-in, kept on the server (``services.accounts``); the
``console`` entry of the signed session cookie carries only its random id (``sid``). It ends
after ``IDLE`` without a request, after ``LIFETIME`` in all, when the account is disabled or its
password changed (the session keeps the password's fingerprint), and when someone signs out —
on every copy of the cookie, in every process using the database. The *CSRF token* is a random
value kept in the session (made on the first console page, before sign-in too); every POST must
carry it, as the ``csrf`` form field or the ``X-CSRF-Token`` header (htmx sends it from the page's
``hx-headers``), or it is refused with 403. The *guard* wraps a handler: no console session → to
the sign-in page (a GET) or 401 (anything else); a bad CSRF token → 403; a chief judge outside
their events, or on an organizer's page → 403.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response

from scoreboard.errors import UserError
from scoreboard.i18n import gettext
from scoreboard.i18n import gettext as _
from scoreboard.live.matrix import ReadDevices
from scoreboard.services.accounts import AccountService
from scoreboard.services.limiter import LoginLimiter
from scoreboard.store import accounts
from scoreboard.texts import CONTROL

SESSION_KEY = "console"
CSRF_KEY = "console_csrf"


@dataclass
class Console:
    """What the console routes share, made in the lifespan. ``limiter``: failed sign-ins, counted
    in the database for every worker. ``devices``: (competition, judges) → each judge's device
    state by judge key, from the open sockets of ``judges`` on every worker, handed over by
    ``create_app`` (``scoreboard`` never imports ``judges``)."""

    limiter: LoginLimiter
    devices: ReadDevices | None = None


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


def _session_id(request: HTTPConnection) -> str:
    data = request.session.get(SESSION_KEY)
    sid = data.get("sid") if isinstance(data, dict) else None
    return sid if isinstance(sid, str) and 20 <= len(sid) <= 100 else ""


async def sign_in(request: Request, account: accounts.AccountView) -> None:
    """A new console session, its id in the cookie (the earlier one, if any, ends)."""
    service: AccountService = request.state.accounts
    sid = await service.sign_in(account, _session_id(request))
    request.session.pop(SESSION_KEY, None)
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)  # a new token with every sign-in
    request.session[SESSION_KEY] = {"sid": sid}


async def sign_out(request: HTTPConnection) -> None:
    """End the console session on the server (every copy of the cookie), and forget it here."""
    sid = _session_id(request)
    if sid:
        service: AccountService = request.state.accounts
        await service.sign_out(sid)
    request.session.pop(SESSION_KEY, None)
    request.session.pop(CSRF_KEY, None)


async def signed_in(request: HTTPConnection) -> accounts.AccountView | None:
    """The signed-in account, or None (no session, or one that ended: it is forgotten here)."""
    sid = _session_id(request)
    if not sid:
        return None
    service: AccountService = request.state.accounts
    account = await service.current(sid)
    if account is None:
        request.session.pop(SESSION_KEY, None)
        request.session.pop(CSRF_KEY, None)
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
        form = await read_form(request) if request.method == "POST" else FormData()
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


FORM_LIMIT = 8 * 1024 * 1024  # the largest form: an import preview's cells, a long rubric, an upload


async def read_form(request: Request) -> FormData:
    """The posted form. A plain (urlencoded) form is read whole, up to ``FORM_LIMIT`` (413 past it),
    and decoded in a worker thread: a long rubric or an import preview never holds the event loop.
    A multipart form (an upload) is streamed by Starlette, a part at most ``FORM_LIMIT``. A form
    that is not UTF-8, or whose fields hold control characters (a textarea's line breaks and tabs
    are fine), is refused."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        form = await request.form(max_part_size=FORM_LIMIT)
    else:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > FORM_LIMIT:
                raise HTTPException(413, _("The form is larger than 8 MB."))
        try:
            form = FormData(await run_in_threadpool(_fields, bytes(body)))
        except UnicodeDecodeError:  # a browser sends UTF-8; a field read with "?" in it would be stored so
            raise HTTPException(400, _("The form is not UTF-8 text.")) from None
        except ValueError:  # more fields than any console form has
            raise HTTPException(400, _("The form has too many fields.")) from None
    if any(isinstance(v, str) and CONTROL.search(v) for _k, v in form.multi_items()):
        await form.close()  # NUL and the like: no field takes them, and PostgreSQL refuses them in a query
        raise HTTPException(400, _("The form holds characters no field takes (control characters)."))
    return form


def _fields(body: bytes) -> list[tuple[str, str | UploadFile]]:
    return [(k, v) for k, v in parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                         errors="strict", max_num_fields=100_000)]


def field_text(form: FormData, name: str, limit: int = 500) -> str:
    """A posted text field, trimmed, cut to ``limit`` (``read_form`` refused control characters)."""
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
