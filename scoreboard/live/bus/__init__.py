"""The live bus: publish changes, subscribe to them. A tiny seam; backend chosen by URL.

Every bus has ``publish(change)``, ``subscribe()`` (an async context manager yielding a queue of
every change from then on, in the order the bus received them), and ``connect()``/``close()``
around the app's life. ``make_bus(url, namespace)`` picks the backend by the URL's scheme,
importing its client only then:

- ``memory://`` (the default) delivers within one process, which is all a laptop running a whole
  competition needs;
- ``redis://host:port/db`` (or ``rediss://``): Redis pub/sub, for several workers and hosts;
- ``postgresql://…`` (or ``postgres://``): PostgreSQL LISTEN/NOTIFY, for a site with no Redis.

Words: the *namespace* is the deployment's identity (a random key kept in its database); the
*channel* every process of one deployment publishes on is named by its hash, so deployments
sharing one Redis or PostgreSQL server never see each other's changes. How the remote backends
survive a lost connection is told in ``remote``.
"""

from __future__ import annotations

import asyncio
import hashlib
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from scoreboard.changes import Change
from scoreboard.live.bus.memory import MemoryBus


class Bus(Protocol):
    async def connect(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, change: Change) -> None: ...

    def subscribe(self) -> AbstractAsyncContextManager[asyncio.Queue[Change]]: ...


def channel(namespace: str) -> str:
    """The channel of the deployment called ``namespace``: ``scoreboard:`` and 16 hex digits."""
    return "scoreboard:" + hashlib.sha256(namespace.encode()).hexdigest()[:16]


def make_bus(url: str, namespace: str = "") -> Bus:
    """The bus for ``url`` (see the module); ``namespace``: the deployment's identity."""
    scheme = url.partition("://")[0].lower()
    if scheme == "memory":
        return MemoryBus()
    if scheme in ("redis", "rediss"):
        from scoreboard.live.bus.redis import RedisBus

        return RedisBus(url, channel(namespace))
    if scheme in ("postgresql", "postgres"):
        from scoreboard.live.bus.postgres import PostgresBus

        return PostgresBus(url, channel(namespace))
    raise ValueError(f"BROADCAST_URL {url!r}: use memory://, redis://HOST:PORT/DB or postgresql://USER@HOST/DB")


__all__ = ["Bus", "MemoryBus", "channel", "make_bus"]
