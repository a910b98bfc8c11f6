"""Signing in to the console and out again.

The sign-in form carries a CSRF token like every other form (made before sign-in, renewed at
sign-in). Failed attempts are counted per address and per username (``LoginLimiter``): past
the limit of either the form answers 429 until the window passes, whether or not the password
is right. The address is the connecting one, or the one a trusted proxy forwards
(``FORWARDED_ALLOW_IPS``). When no organizer account exists yet, the page says how to make one
(there is no default password).

Words: the *next* address is where sign-in leads (``?next=``, kept in the form). It is
normalised (``safe_next``) and anything outside the console becomes ``/console/``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from scoreboard.i18n import gettext as _
from scoreboard.services.accounts import AccountService
from scoreboard.store import accounts
from scoreboard.store.engine import session
from scoreboard.web.console_auth import (
    Console,
    client_ip,
    csrf_ok,
    csrf_token,
    read_form,
    sign_in,
    sign_out,
    signed_in,
)
from scoreboard.web.templating import render

CREATE_HINT = "scoreboard admin create USERNAME"


@dataclass(frozen=True)
class LoginPage:
    csrf: str
    next: str
    username: str = ""
    error: str = ""
    no_organizer: bool = False
    hint: str = CREATE_HINT


HOME = "/console/"
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\]")  # controls, spaces and backslashes: never in a next address


def safe_next(value: object) -> str:
    """A path inside the console, normalised (``.``, ``..`` and repeated slashes resolved, the
    percent-encoding decoded once and made again), with its query; ``/console/`` for anything
    else — another site, a scheme, ``//``, a backslash or control character, or a path that
    leaves the console."""
    text = value if isinstance(value, str) else ""
    path, _sep, query = text.partition("#")[0].partition("?")
    try:
        decoded = unquote(path, errors="strict") if len(text) <= 2000 else ""
    except UnicodeDecodeError:  # percent-encoding that is not UTF-8
        return HOME
    if not decoded.startswith("/") or decoded.startswith("//") or _UNSAFE.search(decoded) or _UNSAFE.search(query):
        return HOME
    normal = posixpath.normpath(decoded)
    if normal.startswith("//") or not (normal == "/console" or normal.startswith("/console/")):
        return HOME
    if decoded.endswith("/") and not normal.endswith("/"):
        normal += "/"
    return quote(normal, safe="/:@!$&'()*+,;=-._~") + (f"?{quote(query, safe='=&%+-._~')}" if query else "")


def _no_organizer(request: Request) -> bool:
    with session(request.state.engine) as s:
        return accounts.count_organizers(s) == 0


async def login(request: Request) -> Response:
    console: Console = request.state.console
    if request.method == "GET":
        if await signed_in(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), 303)
        page = LoginPage(csrf_token(request), safe_next(request.query_params.get("next")),
                         no_organizer=await run_in_threadpool(_no_organizer, request))
        return render(request, "console/login.html", page)
    form = await read_form(request)
    if not csrf_ok(request, form):
        raise HTTPException(403, _("The form expired or did not come from this console. Reload and try again."))
    ip = client_ip(request)
    username = str(form.get("username") or "")[:64]
    target = safe_next(form.get("next"))
    if not await run_in_threadpool(console.limiter.attempt, ip, username):
        page = LoginPage(csrf_token(request), target, username,
                         _("Too many failed sign-ins for this username or from this address. "
                           "Wait a few minutes and try again."))
        return render(request, "console/login.html", page, status_code=429)

    service: AccountService = request.state.accounts
    account = await service.authenticate(username, str(form.get("password") or ""))
    if account is None:  # the attempt stays counted as a failure
        page = LoginPage(csrf_token(request), target, username, _("Wrong username or password."))
        return render(request, "console/login.html", page, status_code=401)
    await run_in_threadpool(console.limiter.succeeded, ip, username)
    await sign_in(request, account)
    return RedirectResponse(target, 303)


async def logout(request: Request) -> Response:
    form = await read_form(request)
    if not csrf_ok(request, form):
        raise HTTPException(403, _("The form expired or did not come from this console. Reload and try again."))
    await sign_out(request)
    return RedirectResponse(request.url_for("console_login").path, 303)


def no_organizer_notice(engine: object) -> str | None:
    """What the server prints at start when nobody can sign in to the console yet."""
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    with session(engine) as s:
        if accounts.count_organizers(s):
            return None
    return _("No organizer account yet. Create one to sign in to /console: %(command)s") % {"command": CREATE_HINT}
