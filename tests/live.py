"""A real uvicorn server on 127.0.0.1 in the test's event loop, for tests with real websockets.

``judge_server(engine)`` seeds the "competition half judged" without its sheets (tests.support),
issues a token per judge, and serves the app on a free port; it yields a ``Live`` with the
judges' socket URL, their tokens and the app's lifespan state.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from sqlalchemy import Engine, func
from sqlmodel import select

from judges.protocol import Limits
from scoreboard.app import State, create_app
from scoreboard.serving import WebSocketProtocol
from scoreboard.settings import Settings
from scoreboard.store import tables as db
from scoreboard.store.engine import session
from scoreboard.store.tokens import issue_token
from tests.support import seed


@dataclass
class Live:
    url: str
    tokens: dict[str, str]
    state: dict[str, Any] = field(default_factory=dict)
    server: uvicorn.Server | None = None

    @property
    def engine(self) -> Engine:
        return self.state["engine"]  # type: ignore[no-any-return]

    def count(self, table: type[Any] = db.Sheet) -> int:
        with session(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(table)).one())


def tokens(engine: Engine, judges: list[str], competition: str = "cup") -> dict[str, str]:
    with session(engine, write=True) as s:
        out = {j: issue_token(s, competition, j, actor="test") for j in judges}
        s.commit()
    return out


@contextlib.asynccontextmanager
async def serve(app: Any, port: int = 0) -> AsyncIterator[uvicorn.Server]:
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on",
                            ws=WebSocketProtocol)  # as `scoreboard serve` serves (scoreboard.serving)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield server
    finally:
        server.should_exit = True
        await task


def port_of(server: uvicorn.Server) -> int:
    return int(server.servers[0].sockets[0].getsockname()[1])


@contextlib.asynccontextmanager
async def judge_server(engine: Engine, limits: Limits | None = None, port: int = 0,
                       seeded: bool = False) -> AsyncIterator[Live]:
    if not seeded:
        seed(engine)
    live = Live("", tokens(engine, [f"j{i}" for i in range(1, 8)]) if not seeded else {})

    async def capture(state: State) -> None:
        live.state.update(state)

    settings = Settings.from_env(env_file=None, secret_key="test-secret")
    app = create_app(settings, engine=engine, jobs=[capture], judge_limits=limits)
    async with serve(app, port) as server:
        live.server = server
        live.url = f"ws://127.0.0.1:{port_of(server)}/ws/judge"
        while not live.state:
            await asyncio.sleep(0.01)
        yield live
