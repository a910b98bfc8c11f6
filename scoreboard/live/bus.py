"""The live bus: publish changes, subscribe to them. A tiny seam; backend chosen by URL.

``memory://`` (the default) delivers within one process, which is all a laptop running a whole
competition needs. Other backends (Redis pub/sub, PostgreSQL LISTEN/NOTIFY) plug in behind the
same three methods for several workers; until one is installed, an unknown URL is refused at
start-up with a clear message rather than silently running one process's bus.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scoreboard.changes import Change


class MemoryBus:
    """Every subscriber gets its own unbounded queue of every change, in publish order."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Change]] = set()

    async def publish(self, change: Change) -> None:
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


def make_bus(url: str) -> MemoryBus:
    if url.startswith("memory://"):
        return MemoryBus()
    raise ValueError(f"BROADCAST_URL {url!r} is not supported yet: use memory:// (one process)")
