"""The gate: refusing, before any page sees it, a request no page could answer.

- A Host header that is not a host name. Pages build absolute addresses from it (the
  projector's QR codes, the judges' login links), so a Host that is no host — too long,
  bracketed wrongly, with spaces or bytes that are not ASCII — answers 400 here instead of
  failing deeper (a 3,000-character Host makes a QR code too large to draw). A missing or empty
  Host (HTTP/1.0) is left to Starlette, which uses the server's own address.
- A path or a query holding control characters once decoded (``/c/%00/teams``): no key, code or
  parameter has one, and a database refuses a NUL in a query (PostgreSQL) — 404 for a path, 400
  for a query.

A websocket handshake refused here is closed before it is accepted (the client sees 403).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote_plus

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from scoreboard.i18n import gettext as _
from scoreboard.texts import CONTROL

_HOST = re.compile(r"(?:\[(?P<ip6>[0-9A-Fa-f:.]{2,45})\]|(?P<name>[A-Za-z0-9._-]{1,253}))(?::(?P<port>[0-9]{1,5}))?")


def valid_host(value: bytes) -> bool:
    """A host name or IPv4 address, or an IPv6 address in brackets, with an optional port."""
    found = _HOST.fullmatch(value.decode("latin-1"))
    if found is None or (found["port"] is not None and int(found["port"]) > 65535):
        return False
    if found["ip6"] is not None:
        try:
            ipaddress.IPv6Address(found["ip6"])
        except ValueError:
            return False
    return True


def _control(text: str) -> bool:
    return bool(CONTROL.search(text)) or any(ch in text for ch in "\t\n\r")


def refusal(scope: Scope) -> tuple[int, str] | None:
    """The status and message a request is refused with, or None."""
    host = next((v for k, v in scope["headers"] if k == b"host"), b"")
    if host and not valid_host(host):
        return 400, _("Bad request: the Host header is not a host name.")
    if _control(scope.get("path", "")):
        return 404, _("There is no page at this address.")
    if _control(unquote_plus(scope.get("query_string", b"").decode("latin-1"))):
        return 400, _("Bad request: the address holds characters no address needs.")
    return None


class Gate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and (refused := refusal(scope)) is not None:
            if scope["type"] == "websocket":  # closing before accepting answers the handshake with 403
                await send({"type": "websocket.close", "code": 1008})
                return
            status, message = refused
            await PlainTextResponse(message, status_code=status)(scope, receive, send)
            return
        await self.app(scope, receive, send)
