"""The console's live sockets and their frames: ``/ws/console/{c}/{e}`` keeps an event's progress
matrix current, ``/ws/console/{c}/{e}/{entry}`` an entry's review (the feed: ``live.console``).

A socket is for a console session, exactly as the pages are: signed in (the session cookie),
an organizer or the chief judge of that event, opened from our own pages (a browser's
``Origin``, when it sends one, is this host) — anything else is closed at once with 1008. It
listens only: what a client may send is ``full`` (it saw a gap in the frames' seqs) a few times a
minute; anything else, past ``LISTEN_ONLY`` messages, closes it with 1008. Every ``RECHECK``
seconds the session is checked again, so a socket ends (1008) when its session does.

Frames are out-of-band fragments from the same macros as the pages (``console/_matrix.html``,
``console/_review.html``), each opened by ``#console-seq`` with its seq and kind (``full`` or
``delta``); ``static/console.js`` keeps them in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import jinja2
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from scoreboard import i18n
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.live.book import StandingsBook
from scoreboard.live.console import ConsoleFeed, Watch
from scoreboard.live.fanout import Subscriber
from scoreboard.live.matrix import Device, Matrix, Row, entry_result
from scoreboard.states import moves
from scoreboard.web.console_auth import signed_in
from scoreboard.web.console_progress import MatrixView, cell_labels, columns, matrix_row, matrix_view
from scoreboard.web.console_review import review_of
from scoreboard.web.pages import EVENT_STATES

LISTEN_ONLY = 16  # messages other than "full" a socket may send before it is closed with 1008
FULLS, REFILL = 4, 15.0  # "full" requests a socket may make at once, and seconds to earn one more
RECHECK = 30.0  # seconds between checks that the console session still holds
log = logging.getLogger("scoreboard.console")


class ConsoleRenderer:
    """Frames for ``live.console.ConsoleFeed``. ``href(c, e)``: the event's console path;
    ``known``: the judges' devices are wired in."""

    def __init__(self, engine: Engine, book: StandingsBook, env: jinja2.Environment,
                 href: Callable[[str, str], str], known: bool = True) -> None:
        self.engine, self.book, self.env, self.href, self.known = engine, book, env, href, known

    def _macros(self, name: str) -> Any:
        return self.env.get_template(name).module

    def full(self, matrix: Matrix, devices: Mapping[str, Device], locale: str, organizer: bool, seq: int) -> str:
        with i18n.using(locale):
            mx = self._macros("console/_matrix.html")
            view = matrix_view(matrix, devices, self.known, self.href(matrix.competition, matrix.event))
            label = _(EVENT_STATES.get(matrix.state, matrix.state))
            return "".join(str(x) for x in (
                mx.seq(seq, "full"), mx.state_pill(matrix.state, label, True),
                mx.moves(matrix.state, [str(m) for m in moves(matrix.state, organizer)], True), mx.matrix(view, True)))

    def delta(self, matrix: Matrix, rows: Sequence[Row], judges: Sequence[str], devices: Mapping[str, Device],
              locale: str, seq: int) -> str:
        with i18n.using(locale):
            mx = self._macros("console/_matrix.html")
            view = MatrixView(self.href(matrix.competition, matrix.event), [], [], dict(matrix.counts), {},
                              cell_labels())
            parts = [mx.seq(seq, "delta"), *(mx.row(view, matrix_row(r), True) for r in rows)]
            parts += [mx.judge(j, True) for j in columns(matrix, devices, self.known, datetime.now(UTC), list(judges))]
            if rows:
                parts.append(mx.legend(view, True))
            return "".join(str(x) for x in parts)

    def review(self, competition: str, event: str, entry: str, locale: str, seq: int) -> str | None:
        with i18n.using(locale):
            try:
                found = review_of(self.engine, self.book, competition, event, entry)
            except (LookupError, UserError):
                return None
            mx, rv = self._macros("console/_matrix.html"), self._macros("console/_review.html")
            return str(mx.seq(seq, "full")) + str(rv.live(found))


class _Bucket:
    """``size`` tokens, one more every ``refill`` seconds."""

    def __init__(self, size: int, refill: float) -> None:
        self.size, self.refill, self.tokens, self.at = size, refill, float(size), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.size, self.tokens + (now - self.at) / self.refill)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _same_origin(ws: WebSocket) -> bool:
    """No ``Origin`` (not a browser), or one naming this host: a page of another site may not
    open a socket with the organizer's cookie."""
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc.lower() == ws.headers.get("host", "").lower()


def _exists(book: StandingsBook, competition: str, event: str, entry: str) -> bool:
    try:
        if entry:
            return entry_result(book, competition, event, entry) is not None
        return event in book.book(competition).lookup.events
    except UserError:
        return False


async def _watch(ws: WebSocket) -> Watch | None:
    """What the socket may watch, or None (see the module: refused with 1008)."""
    c, e, entry = ws.path_params["competition"], ws.path_params["event"], ws.path_params.get("entry", "")
    account = await signed_in(ws) if _same_origin(ws) else None
    if account is None or not account.may_act_on(c, e):
        return None
    if not await run_in_threadpool(_exists, ws.state.book, c, e, entry):
        return None
    return Watch(c, e, entry, i18n.current(), account.is_organizer)


async def console_socket(ws: WebSocket) -> None:
    watch = await _watch(ws)
    await ws.accept()
    if watch is None:
        await ws.close(code=1008, reason="sign in to the console")
        return
    feed: ConsoleFeed = ws.state.console_feed
    try:
        async with feed.subscribe(watch, ws.send_text) as sub:
            tasks = {asyncio.create_task(_listen(ws, feed, sub)), asyncio.create_task(_recheck(ws, watch))}
            try:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                        await task
    except WebSocketDisconnect:
        pass
    except Exception:  # a bug, never an input: the page still hears a close code
        log.exception("a console socket of %s/%s failed", watch.competition, watch.event)
        with contextlib.suppress(Exception):
            await ws.close(code=1011)


async def _listen(ws: WebSocket, feed: ConsoleFeed, sub: Subscriber) -> None:
    heard, fulls = 0, _Bucket(FULLS, REFILL)
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") == "full" and fulls.take():
            feed.full(sub)
            continue
        heard += 1
        if heard > LISTEN_ONLY:
            await ws.close(code=1008, reason="a console socket only listens")
            return


async def _recheck(ws: WebSocket, watch: Watch) -> None:
    while True:
        await asyncio.sleep(RECHECK)
        account = await signed_in(ws)
        if account is None or not account.may_act_on(watch.competition, watch.event):
            await ws.close(code=1008, reason="the console session ended")
            return


routes = [
    WebSocketRoute("/ws/console/{competition}/{event}", console_socket, name="console_socket"),
    WebSocketRoute("/ws/console/{competition}/{event}/{entry}", console_socket, name="console_review_socket"),
]
