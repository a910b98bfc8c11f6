"""Test hooks: routes that act as a judge or an organizer, for browser tests and benchmarks.

Mounted only when ``TEST_HOOKS=1``. They take the same paths as the real thing — a sheet goes
through ``services.sheets.SheetService.submit``, an event change through ``services.events`` — so what a test sees on
a board is what a tablet's sheet or the console would cause. ``/_test/cut`` closes every board
socket (code 1012, "service restart": clients reconnect) and refuses new ones for a while, to
show the staleness notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from scoreboard.errors import UserError


async def sheet(request: Request) -> JSONResponse:
    raw = await request.json()
    try:
        receipt = await request.state.service.submit(request.path_params["competition"], str(raw["judge"]), raw)
    except UserError as e:
        return JSONResponse({"error": str(e)}, status_code=400)
    return JSONResponse({"seq": receipt.seq, "created": receipt.created})


async def change(request: Request) -> JSONResponse:
    c, e, what, value = (request.path_params[k] for k in ("competition", "event", "what", "value"))
    events = request.state.events
    try:
        if what == "visibility":
            before = await events.set_visibility(c, e, value, actor="test")
        else:
            before = await events.set_state(c, e, value, actor="test", reason="test hook")
    except UserError as err:
        return JSONResponse({"error": str(err)}, status_code=400)
    return JSONResponse({"before": before})


async def cut(request: Request) -> JSONResponse:
    boards = request.state.boards
    seconds = float(request.query_params.get("seconds", "3"))
    boards.refuse_until = time.monotonic() + seconds
    closing = list(boards.sockets)
    for ws in closing:
        with contextlib.suppress(Exception):
            await ws.close(code=1012)
    await asyncio.sleep(0)
    return JSONResponse({"closed": len(closing)})


async def stats(request: Request) -> JSONResponse:
    hub = request.state.boards.hub
    return JSONResponse({"subscribers": hub.subscribers(), "renders": hub.renders})


routes = [
    Route("/_test/c/{competition}/sheet", sheet, methods=["POST"]),
    Route("/_test/c/{competition}/e/{event}/{what:str}/{value}", change, methods=["POST"]),
    Route("/_test/cut", cut, methods=["POST"]),
    Route("/_test/stats", stats),
]
