"""The bus of one process: every subscriber's queue gets every change, in publish order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scoreboard.changes import Change


class Queues:
    """The subscribers' queues of one process; ``deliver`` puts a change in each."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Change]] = set()

    def deliver(self, change: Change) -> None:
        for q in self._queues:
            q.put_nowait(change)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Change]]:
        q: asyncio.Queue[Change] = asyncio.Queue()
        self._queues.add(q)
        try:
            yield q
        finally:
            self._queues.discard(q)


class MemoryBus(Queues):
    async def connect(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def publish(self, change: Change) -> None:
        self.deliver(change)
