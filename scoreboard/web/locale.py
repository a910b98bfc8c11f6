"""Choosing each request's language: ``?lang=``, then the ``lang`` cookie, then Accept-Language.

A ``?lang=`` choice is remembered in a cookie for a year. Works for HTTP and websockets alike.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scoreboard import i18n


class LocaleMiddleware:
    def __init__(self, app: ASGIApp, default: str = "zh_CN") -> None:
        self.app = app
        self.default = i18n.normalize(default) or "zh_CN"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        chosen = i18n.normalize(parse_qs(scope.get("query_string", b"").decode()).get("lang", [""])[0])
        cookie = SimpleCookie(headers.get("cookie", "")).get("lang")
        locale = (chosen or i18n.normalize(cookie.value if cookie else None)
                  or i18n.from_accept_language(headers.get("accept-language")) or self.default)
        token = i18n.set_locale(locale)

        async def send_with_cookie(message: Message) -> None:
            if chosen and message["type"] == "http.response.start":
                value = f"lang={chosen}; Path=/; Max-Age=31536000; SameSite=Lax"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", value.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            i18n._current.reset(token)
