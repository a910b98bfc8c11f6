"""Choosing each request's language: ``?lang=``, then the ``lang`` cookie, then Accept-Language.

A ``?lang=`` choice is remembered in a cookie for a year (``Secure`` when the deployment is
served over HTTPS). Works for HTTP and websockets alike. Whatever the headers hold — cookies
with illegal names (set by another app on the host), a query that is not UTF-8, a huge or odd
Accept-Language — the request goes on, in the default language at worst.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scoreboard import i18n

ACCEPT_LANGUAGE_LIMIT = 1000  # characters of Accept-Language read; a browser sends far fewer


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


class LocaleMiddleware:
    def __init__(self, app: ASGIApp, default: str = "zh_CN", https: bool = False) -> None:
        self.app = app
        self.default = i18n.normalize(default) or "zh_CN"
        self.flags = "; Secure" if https else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        query = bytes(scope.get("query_string", b"")).decode("utf-8", "replace")
        chosen = i18n.normalize(parse_qs(query).get("lang", [""])[0]) if "lang" in query else None
        cookie = cookie_parser(_header(scope, b"cookie")).get("lang")
        accept = _header(scope, b"accept-language")[:ACCEPT_LANGUAGE_LIMIT]
        locale = chosen or i18n.normalize(cookie) or i18n.from_accept_language(accept) or self.default
        token = i18n.set_locale(locale)

        async def send_with_cookie(message: Message) -> None:
            if chosen and message["type"] == "http.response.start":
                value = f"lang={chosen}; Path=/; Max-Age=31536000; SameSite=Lax{self.flags}"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", value.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n._current.reset(token)
