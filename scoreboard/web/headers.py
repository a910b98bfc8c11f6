"""Security headers on every HTTP response: what a browser may load, run and send for our pages.

Words: the *policy* is the ``Content-Security-Policy`` header. Ours allows only our own scripts and
styles — the files under ``/static`` — and no inline script, inline style or ``eval``: a name or a
title that slipped through escaping could not run or restyle anything. Images may also be
``data:`` addresses; websockets go to the same host (``connect-src 'self'`` covers ``ws:`` and
``wss:`` there); forms post only to us; ``<base>`` and plugins are refused.

``frame-ancestors 'none'`` (and ``X-Frame-Options: DENY`` for older browsers), deliberately: no page
of Scoreboard is meant to be shown inside another page. Framed under a decoy, the console's
buttons (lock, publish, revoke a judge) and the tablet's send button could be clicked by someone
who believes they are clicking something else. The projector and the phones open the board's
address directly (a streaming tool's browser source loads it as a page, not in a frame).

``Referrer-Policy: same-origin``: an address of ours (a board with its key, an entry's review page)
is never sent to another site when someone follows a link. The tablet pages say ``no-referrer``
in their own markup, which is stricter and wins.

``X-Content-Type-Options: nosniff``: a download or a static file is only ever what its type says.

A handler may answer its own, stricter policy (a header it sets is kept): ``own_policy(html)``
makes one for a self-contained printable page, whose only style is its inline ``<style>``,
allowed by its hash (the judges' login cards).
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = (
    ("Content-Security-Policy", POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


class SecurityHeaders:
    """ASGI middleware: adds each of ``HEADERS`` to every HTTP response that does not set it itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def own_policy(html: str) -> dict[str, str]:
    """Headers for a self-contained page: no script at all, its inline ``<style>`` elements by hash,
    ``data:`` images, nothing fetched, not framed."""
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
              for css in STYLE.findall(html)]
    styles = " ".join(hashes) or "'none'"
    return {"Content-Security-Policy": f"default-src 'none'; style-src {styles}; img-src data:; base-uri 'none'; "
                                      "form-action 'none'; frame-ancestors 'none'"}
