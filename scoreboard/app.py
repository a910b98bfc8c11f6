"""``create_app(settings)``: the one place that assembles Scoreboard from plain lists.

Long-lived resources — the database engine, the live bus, the standings book, the sheet service —
are made in the lifespan and handed to requests as typed lifespan state.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from typing import Any, TypedDict

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from scoreboard.i18n import gettext as _
from scoreboard.live.book import StandingsBook
from scoreboard.live.bus import MemoryBus, make_bus
from scoreboard.service import SheetService
from scoreboard.settings import Settings
from scoreboard.store.engine import make_engine, migrate
from scoreboard.web import public
from scoreboard.web.locale import LocaleMiddleware
from scoreboard.web.templating import STATIC_DIR, make_templates, render


class State(TypedDict):
    engine: Engine
    bus: MemoryBus
    book: StandingsBook
    service: SheetService
    templates: Jinja2Templates


async def _follow(bus: MemoryBus, book: StandingsBook) -> None:
    """Keep the standings book current: every accepted sheet rescored once, in order."""
    async with bus.subscribe() as queue:
        while True:
            event = await queue.get()
            await run_in_threadpool(book.apply, event)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: _("Not found"), 405: _("Not allowed")}
    page = {"title": titles.get(exc.status_code, _("Error")), "message": exc.detail}
    return render(request, "error.html", page, status_code=exc.status_code)


Job = Callable[[State], Coroutine[Any, Any, None]]


def create_app(settings: Settings, engine: Engine | None = None, jobs: Sequence[Job] = ()) -> Starlette:
    """The application. ``engine`` reuses an existing engine; ``jobs`` run in the background
    with the lifespan state while the app serves (the demo's simulated judges)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        db = engine or make_engine(settings.database_url, settings.sqlite_synchronous)
        await run_in_threadpool(migrate, db)
        bus = make_bus(settings.broadcast_url)
        book = StandingsBook(db)
        state = State(engine=db, bus=bus, book=book, service=SheetService(db, bus), templates=make_templates())
        tasks = [asyncio.create_task(_follow(bus, book))] + [asyncio.create_task(job(state)) for job in jobs]
        try:
            yield state
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if engine is None:
                db.dispose()

    routes = [*public.routes, Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")]
    middleware = [Middleware(LocaleMiddleware, default=settings.default_locale)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={HTTPException: _http_error})
