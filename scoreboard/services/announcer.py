"""Announcing a committed change: settled in this process first, then published on the bus.

Words: to *settle* a change is to have this process's standings book and board hub apply it
before the request that made it returns, so no page served and no frame sent after that answer
shows what the change hides. ``create_app`` hands every service the same ``Announcer``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from scoreboard.changes import Change
from scoreboard.live.bus import Bus

Settle = Callable[[Change], Awaitable[None]]


async def _nothing(_change: Change) -> None:
    return None


@dataclass(frozen=True)
class Announcer:
    bus: Bus
    settle: Settle = _nothing

    async def __call__(self, change: Change) -> None:
        """Announce a change that is already committed."""
        await self.settle(change)
        await self.bus.publish(change)
