"""The live bus on PostgreSQL LISTEN/NOTIFY (``BROADCAST_URL=postgresql://user@host/db``).

psycopg 3's async connections, apart from the app's engine (which keeps psycopg2): the listener's
connection LISTENs on the channel (a quoted identifier: ``"scoreboard:…"``), with TCP keepalives
so a dead server is noticed; the publisher's sends ``pg_notify(channel, payload)`` in autocommit,
one at a time, and is replaced once if it went stale. A NOTIFY payload must stay under 8000
bytes; the bus's messages are a few hundred (``changes.encode``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from scoreboard.live.bus.remote import Received, RemoteBus

KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
              "connect_timeout": 2}


class PostgresBus(RemoteBus):
    errors = (psycopg.Error, OSError)

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(channel)
        self.url = url
        self._publisher: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._lock = asyncio.Lock()

    async def _connect(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        return await psycopg.AsyncConnection.connect(make_conninfo(self.url, **KEEPALIVES), autocommit=True)

    async def _listen(self, subscribed: Callable[[], None], received: Received) -> None:
        async with await self._connect() as conn:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
            subscribed()
            async for note in conn.notifies():
                received(note.payload)
        raise psycopg.OperationalError("the listening connection ended")

    async def _send(self, payload: str) -> None:
        async with self._lock:
            for attempt in (1, 2):
                fresh = self._publisher is None
                if self._publisher is None:
                    self._publisher = await self._connect()
                try:
                    await self._publisher.execute("SELECT pg_notify(%s, %s)", (self.channel, payload))
                    return
                except psycopg.OperationalError:
                    await self._close_sender()
                    if fresh or attempt == 2:
                        raise

    async def _close_sender(self) -> None:
        if self._publisher is not None:
            await self._publisher.close()
            self._publisher = None
