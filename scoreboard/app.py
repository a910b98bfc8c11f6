"""``create_app(settings)``: the one place that assembles Scoreboard from plain lists.

Long-lived resources — the database engine, the live bus, the standings book, the sheet service —
are made in the lifespan and handed to requests as typed lifespan state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from http import HTTPStatus
from typing import Any, TypedDict

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.templating import Jinja2Templates

from judges import registry as judge_registry
from judges import simulate as judge_simulate
from judges import socket as judge_socket
from judges import tablet as judge_tablet
from judges.protocol import Limits
from scoreboard import i18n
from scoreboard.changes import BusResumed, Change
from scoreboard.demo.plan import Simulation
from scoreboard.i18n import gettext as _
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import Bus, make_bus
from scoreboard.live.console import ConsoleFeed
from scoreboard.live.hub import Hub
from scoreboard.services.accounts import AccountService
from scoreboard.services.announcer import Announcer
from scoreboard.services.clerk import ClerkService
from scoreboard.services.competitions import CompetitionService
from scoreboard.services.devices import DeviceService, worker_id
from scoreboard.services.entries import EntryService
from scoreboard.services.events import EventService
from scoreboard.services.judges import JudgeService
from scoreboard.services.limiter import LoginLimiter
from scoreboard.services.paper import PaperService
from scoreboard.services.review import ReviewService
from scoreboard.services.roster import RosterService
from scoreboard.services.sheets import SheetService
from scoreboard.settings import Settings
from scoreboard.store import load as store_load
from scoreboard.store.engine import make_engine, migrate, session
from scoreboard.store.keys import DEPLOYMENT, server_key
from scoreboard.web import assets, board, console, console_live, console_login, logs, public, testhooks
from scoreboard.web.assets import Static
from scoreboard.web.gate import Gate
from scoreboard.web.headers import SecurityHeaders
from scoreboard.web.live import BEAT, BoardRenderer
from scoreboard.web.locale import LocaleMiddleware
from scoreboard.web.sessions import Sessions
from scoreboard.web.templating import STATIC_DIR, make_templates, render

log = logging.getLogger(__name__)


class State(TypedDict):
    engine: Engine
    bus: Bus
    book: StandingsBook
    service: SheetService
    templates: Jinja2Templates
    judges: judge_registry.JudgeSockets
    boards: board.Boards
    events: EventService
    judging: JudgeService
    accounts: AccountService
    entries: EntryService
    roster: RosterService
    competitions: CompetitionService
    review: ReviewService
    clerk: ClerkService
    paper: PaperService
    console: console.Console
    console_feed: ConsoleFeed  # the console's live pages (web.console_live)
    devices: DeviceService  # this worker's judges' devices, in the database for every worker
    session_key: str  # signs the session cookie (scoreboard.web.sessions)


async def _follow(bus: Bus, book: StandingsBook, hub: Hub, feed: ConsoleFeed, settled: Counter[Change]) -> None:
    """Keep the standings book current: every accepted sheet rescored once, in order; then the
    board hub re-renders what changed, and the console's live feed sends what it touched. A change
    this process ``settled`` already comes back from the bus once: that echo is skipped (it would
    reload and re-render the same again)."""
    async with bus.subscribe() as queue:
        while True:
            change = await queue.get()
            if isinstance(change, BusResumed):
                settled.clear()  # echoes lost with the connection never come
            elif settled[change]:
                settled[change] -= 1
                continue
            await _apply(book, hub, feed, change)


async def _apply(book: StandingsBook, hub: Hub, feed: ConsoleFeed, change: Change) -> None:
    """This process's book, then its boards and consoles, follow one change. Should the book fail
    to apply it, every competition is dropped (it reloads on its next read) and every board and
    console is sent a full state, as after a lost connection."""
    try:
        moved = await run_in_threadpool(book.apply, change)
    except Exception:
        log.exception("the standings book could not apply %s: every competition reloads", change.name)
        await run_in_threadpool(book.apply, BusResumed())
        change, moved = BusResumed(), {}
    hub.changed(change, moved)
    feed.changed(change)


def _ended(task: asyncio.Task[Any]) -> None:
    """A background task of the app ended before the app did: say so (it serves nothing now)."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("a background task failed: %s", task.get_coro(), exc_info=error)


async def _warm(book: StandingsBook, engine: Engine) -> None:
    """Every competition read and scored in a worker thread while the server already serves, so
    the first spectator after a restart does not wait for it. A request for a competition not in
    yet loads it on demand (or waits for the warm-up's load of it); a failure is logged, never fatal:
    that competition loads when first asked for."""
    def keys() -> list[str]:
        with session(engine) as s:
            return [key for key, _zh, _en in store_load.competitions(s)]

    try:
        competitions = await run_in_threadpool(keys)
    except Exception:
        log.exception("could not list the competitions to warm the standings book")
        return
    for key in competitions:
        try:
            await run_in_threadpool(book.book, key)
        except Exception:
            log.exception("could not warm the standings book with %s: it loads when first asked for", key)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: _("Not found"), 405: _("Not allowed")}
    # Starlette's own messages (an unknown address) are English phrases: say it in the page's language
    generic = {404: _("There is no page at this address."), 405: _("This address does not take that request.")}
    starlettes = exc.detail == HTTPStatus(exc.status_code).phrase
    message = generic.get(exc.status_code, exc.detail) if starlettes else exc.detail
    page = {"title": titles.get(exc.status_code, _("Error")), "message": message}
    return render(request, "error.html", page, status_code=exc.status_code)


async def _leave(devices: DeviceService) -> None:
    """This worker's judges show offline on every worker at once, not after its beat grows old."""
    try:
        await run_in_threadpool(devices.leave)
    except Exception:  # the database is gone: the beat grows old instead
        log.exception("could not tell the database this worker stops")


Job = Callable[[State], Coroutine[Any, Any, None]]


def _boards(book: StandingsBook, settings: Settings, templates: Jinja2Templates) -> board.Boards:
    renderer = BoardRenderer(book, templates.env)
    return board.Boards(book, Hub(renderer, BEAT), renderer, settings.organizer_key)


def create_app(settings: Settings, engine: Engine | None = None, jobs: Sequence[Job] = (),
               judge_limits: Limits | None = None, simulate: Simulation | None = None) -> Starlette:
    """The application. ``engine`` reuses an existing engine; ``jobs`` run in the background
    with the lifespan state while the app serves; ``judge_limits`` overrides the judges' socket
    limits (benchmarks); ``simulate``: simulated judges send the demo's sheets while it serves."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        db = engine or make_engine(settings.database_url, settings.sqlite_synchronous)
        await run_in_threadpool(migrate, db)
        key = str(settings.secret_key) or await run_in_threadpool(server_key, db)
        bus = make_bus(settings.broadcast_url, await run_in_threadpool(server_key, db, DEPLOYMENT))
        book = StandingsBook(db)
        templates = make_templates()
        boards = _boards(book, settings, templates)
        sockets = judge_registry.JudgeSockets(judge_limits)
        devices = DeviceService(db, worker_id())

        read_devices = lambda c, js: devices.statuses(c, [sockets.report(c, j) for j in js])  # noqa: E731
        href = lambda c, e: str(app.url_path_for("console_event", competition=c, event=e))  # noqa: E731
        feed = ConsoleFeed(book, db, console_live.ConsoleRenderer(db, book, templates.env, href), read_devices)
        settled: Counter[Change] = Counter()

        async def settle(change: Change) -> None:
            """This process's book, boards and consoles apply a change before the request that made it returns."""
            await _apply(book, boards.hub, feed, change)
            settled[change] += 1

        announce = Announcer(bus, settle)
        sheets = SheetService(db, bus, book)
        state = State(engine=db, bus=bus, book=book, service=sheets, templates=templates,
                      judges=sockets, boards=boards, events=EventService(db, announce, book),
                      entries=EntryService(db, announce, book), roster=RosterService(db, announce),
                      competitions=CompetitionService(db, announce),
                      review=ReviewService(db, announce, sheets), clerk=ClerkService(db, sheets),
                      paper=PaperService(db, sheets),
                      judging=JudgeService(db, announce),
                      accounts=AccountService(db), devices=devices, session_key=key,
                      console=console.Console(LoginLimiter(db), read_devices), console_feed=feed)
        notice = await run_in_threadpool(console_login.no_organizer_notice, db)
        if notice:
            print(notice, flush=True)
        hub = boards.hub
        tasks = [asyncio.create_task(_follow(bus, book, hub, feed, settled)), asyncio.create_task(hub.run()),
                 asyncio.create_task(feed.run()),
                 asyncio.create_task(judge_registry.follow(bus, sockets, sheets)),
                 asyncio.create_task(judge_registry.recheck(db, sockets)),
                 asyncio.create_task(judge_registry.report(sockets, devices))]
        tasks.append(asyncio.create_task(_warm(book, db)))
        tasks += [asyncio.create_task(job(state)) for job in jobs]
        tasks += [asyncio.create_task(judge_simulate.simulate(simulate))] if simulate else []
        for task in tasks:
            task.add_done_callback(_ended)
        await bus.connect()  # its subscribers above subscribe meanwhile
        try:
            yield state
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await state["service"].close()  # sheets already queued are written before the engine goes
            await _leave(devices)
            await bus.close()  # after the last sheet's change is published
            if engine is None:
                db.dispose()

    logs.install()  # tokens and keys never reach uvicorn's access log
    routes = [*public.routes, *board.routes, *console.routes, *console_live.routes,
              *(testhooks.routes if settings.test_hooks else []), *judge_socket.routes, *judge_tablet.routes,
              Mount("/static", Static(directory=STATIC_DIR), name="static")]
    middleware = [assets.compression(),  # gzip what is worth it (see assets), outside everything else
                  Middleware(SecurityHeaders),  # the policy, nosniff, referrer and framing on every response
                  Middleware(Sessions, https=settings.https),
                  Middleware(LocaleMiddleware, default=settings.default_locale, https=settings.https),
                  Middleware(Gate)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: _http_error})


def from_env() -> Starlette:
    """The application with the settings of the environment (and ``.env``): the factory each
    process of ``scoreboard serve --workers N`` calls (uvicorn's ``factory=True``); what it prints
    is in the command's language (``i18n.of_environment``)."""
    i18n.set_locale(i18n.of_environment(os.environ))
    return create_app(Settings.from_env())
