"""The live boards: the projector page, the board sockets, and the ceremony reveal.

Words: the *projector* page (``/c/{c}/board``) shows a competition at 1920×1080 or 1280×720: its
title, a clock, a *carousel* of its events (``?pace=`` seconds each), each with a QR code to the
phone view of the event, and the score-reveal card. A *board socket* (``/ws/board/{c}`` for every
event of a competition, ``/ws/board/{c}/{e}`` for one) is subscribed to the hub and gets each
event's full state first, then every change. The *organizer* audience (everything, never frozen)
and the *ceremony* (``?ceremony=1``: the standings uncovered from the bottom up, pausing on
award places) are for a signed-in organizer (a console session) who asks for them
(``?view=organizer``, ``?ceremony=1``), or a page opened with ``?key=``
equal to ``ORGANIZER_KEY`` — for the projector's kiosk browser, which nobody signs in on.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from scoreboard import i18n
from scoreboard.competition import Competition
from scoreboard.errors import UserError
from scoreboard.i18n import gettext as _
from scoreboard.live.book import StandingsBook
from scoreboard.live.hub import Hub, Topic
from scoreboard.states import Audience
from scoreboard.web import boardview, pages
from scoreboard.web.console_auth import signed_in
from scoreboard.web.live import BoardRenderer, variant_of
from scoreboard.web.templating import render

LISTEN_ONLY = 16  # messages a board socket may send at once (it asks for a full state now and then) before 1008
ASKS_EVERY = 10.0  # seconds: one more message allowed per this long
log = logging.getLogger("scoreboard.board")


@dataclass
class Boards:
    """What the board routes share, made in the lifespan."""

    book: StandingsBook
    hub: Hub
    renderer: BoardRenderer
    organizer_key: str = ""
    sockets: set[WebSocket] = field(default_factory=set)
    refuse_until: float = 0.0  # test hook: refuse board sockets until then (monotonic)

    def is_organizer(self, key: str | None) -> bool:
        return bool(self.organizer_key) and key is not None and hmac.compare_digest(key, self.organizer_key)


@dataclass(frozen=True)
class Slide:
    event: boardview.BoardEvent
    phone_url: str
    qr: Markup


@dataclass(frozen=True)
class ProjectorPage:
    competition: str
    competition_en: str
    key: str
    slides: list[Slide]
    pace: int
    bilingual: bool
    audience: str  # the viewer's: public or organizer (a ceremony's slides are the ceremony's)
    ceremony: bool
    socket_url: str
    reveal_seconds: int = 8


def _boards(conn: HTTPConnection) -> Boards:
    boards: Boards = conn.state.boards
    return boards


def qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#111", light="#fff", omitsize=True))


async def _audience(conn: HTTPConnection) -> Audience:
    """The organizer only when asked for (``?view=organizer``, ``?ceremony=1``) by a signed-in
    organizer, or with the kiosk's key: otherwise an organizer sees what the public sees."""
    if _boards(conn).is_organizer(conn.query_params.get("key")):
        return Audience.ORGANIZER
    asked = conn.query_params.get("view") == "organizer" or conn.query_params.get("ceremony") == "1"
    account = await signed_in(conn) if asked else None
    return Audience.ORGANIZER if account is not None and account.is_organizer else Audience.PUBLIC


async def _competition(boards: Boards, key: str) -> Competition:
    try:
        return (await run_in_threadpool(boards.book.book, key)).competition
    except UserError:
        raise HTTPException(404, _("No such competition.")) from None


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value or default)))
    except ValueError:
        return default


def _query(conn: HTTPConnection, **extra: str) -> str:
    keep = {k: conn.query_params[k] for k in ("bilingual", "key", "view") if conn.query_params.get(k)}
    return urlencode({**keep, **extra})


async def projector(request: Request) -> Response:
    boards = _boards(request)
    c = request.path_params["competition"]
    comp = await _competition(boards, c)
    audience = await _audience(request)
    bilingual = request.query_params.get("bilingual") == "1"
    ceremony = request.query_params.get("ceremony") == "1"
    if ceremony and audience != Audience.ORGANIZER:
        raise HTTPException(403, _("The ceremony is for the organizer: sign in to the console first."))
    slides_for = Audience.CEREMONY if ceremony else audience
    only = request.query_params.get("event")
    slides = []
    for ev in comp.events:
        if only and ev.key != only:
            continue
        snap = await run_in_threadpool(boards.renderer.snapshot, c, ev.key)
        if ceremony and not snap.shown(slides_for).scores:
            continue
        with i18n.using("zh_CN" if bilingual else i18n.current()):
            block = boards.renderer.block(snap, slides_for)
        phone = str(request.url_for("event", competition=c, event=ev.key))
        slides.append(Slide(block, phone, qr_svg(phone)))
    if not slides:
        raise HTTPException(404, _("No event to show."))
    page = ProjectorPage(
        competition=comp.name.get("zh_CN" if bilingual else i18n.current()), competition_en=comp.name.en, key=c,
        slides=slides, pace=_int(request.query_params.get("pace"), 15, 3, 600), bilingual=bilingual, audience=audience,
        ceremony=ceremony, socket_url=f"/ws/board/{c}?{_query(request, lang=i18n.current())}",
        reveal_seconds=_int(request.query_params.get("reveal"), 8, 2, 60))
    with i18n.using("zh_CN" if bilingual else i18n.current()):
        return render(request, "board.html", page)


@dataclass(frozen=True)
class EventLivePage:
    competition: str
    event: str
    rubric_note: str
    live: boardview.BoardEvent
    socket_url: str
    self_url: str


async def event(request: Request) -> Response:
    """An event's standings for phones and browsers, kept live over the event's board socket."""
    boards = _boards(request)
    c, e = request.path_params["competition"], request.path_params["event"]
    try:
        snap = await run_in_threadpool(boards.renderer.snapshot, c, e)
    except (KeyError, LookupError):
        raise HTTPException(404, _("No such event.")) from None
    live = boards.renderer.block(snap, await _audience(request))
    page = EventLivePage(snap.competition.name.get(i18n.current()), live.name, pages.rubric_note(snap.event), live,
                         f"/ws/board/{c}/{e}?{_query(request, lang=i18n.current())}",
                         str(request.url_for("event", competition=c, event=e)))
    return render(request, "event.html", page, block="standings")


async def board_socket(ws: WebSocket) -> None:
    boards = _boards(ws)
    c, only = ws.path_params["competition"], ws.path_params.get("event")
    try:
        comp = (await run_in_threadpool(boards.book.book, c)).competition
    except UserError:
        await ws.close(code=1008)
        return
    keys = [e.key for e in comp.events if only is None or e.key == only]
    if not keys or time.monotonic() < boards.refuse_until:
        await ws.close(code=1013 if keys else 1008)  # 1013: try again later (the client retries)
        return
    audience = await _audience(ws)
    variant = variant_of(i18n.current(), ws.query_params.get("bilingual") == "1")
    await ws.accept()
    boards.sockets.add(ws)
    try:
        async with boards.hub.subscribe([Topic(c, k, audience, variant) for k in keys], ws.send_text) as sub:
            heard, since = 0.0, time.monotonic()
            while (message := await ws.receive())["type"] != "websocket.disconnect":
                # a board asks only for a full state again ("full", when it missed a frame); what
                # else a client sends is ignored, and a stream of anything refused
                now = time.monotonic()
                heard, since = max(0.0, heard - (now - since) / ASKS_EVERY) + 1, now
                if heard > LISTEN_ONLY:
                    await ws.close(code=1008, reason="a board only listens")
                    return
                if message.get("text") == "full":
                    boards.hub.again(sub)
    except WebSocketDisconnect:
        pass
    except Exception:  # a bug, never an input: the board still hears a close code, and reconnects
        log.exception("a board socket of %s failed", c)
        with contextlib.suppress(Exception):
            await ws.close(code=1011)
    finally:
        boards.sockets.discard(ws)


routes = [
    Route("/c/{competition}/board", projector, name="board"),
    Route("/c/{competition}/e/{event}", event, name="event"),
    WebSocketRoute("/ws/board/{competition}", board_socket, name="board_socket"),
    WebSocketRoute("/ws/board/{competition}/{event}", board_socket, name="event_socket"),
]
