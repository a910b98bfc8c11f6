"""Refusing a request whose Host header is not a host name.

Pages build absolute addresses from the Host header (the projector's QR codes, the judges'
login links), so a Host that is no host — too long, bracketed wrongly, with spaces or bytes
that are not ASCII — answers 400 here, before any page sees it, instead of failing deeper
(a 3,000-character Host makes a QR code too large to draw). A missing or empty Host (HTTP/1.0)
is left to Starlette, which uses the server's own address.
"""

from __future__ import annotations

import ipaddress
import re

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from scoreboard.i18n import gettext as _

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


class HostCheck:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = next((v for k, v in scope["headers"] if k == b"host"), b"")
            if host and not valid_host(host):
                if scope["type"] == "websocket":  # closing before accepting answers the handshake with 403
                    await send({"type": "websocket.close", "code": 1008})
                    return
                response = PlainTextResponse(_("Bad request: the Host header is not a host name."), status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
