"""Fan-out to one subscriber: a bounded backlog, and catching up with a fresh full state.

Words: a *subscriber* is one board socket (a projector, a phone, an organizer's screen); its
*send* writes one message to it. A subscriber is *busy* while a send of its own is in flight;
messages offered meanwhile wait in its *backlog*, at most ``limit`` of them. A subscriber whose
backlog overflows is *behind*: the backlog is dropped and, once its send completes, it gets
``catch_up()`` — the current full state of everything it watches — instead of the backlog.

Sending is started *inline*: the send coroutine is stepped once right where the message is
offered, and on a healthy socket it completes there (uvicorn writes into the transport without
waiting). Only a send that must wait (the socket's buffer is full: a slow client) continues in a
task of its own. So a fan-out to thousands of sockets creates no task per socket, and one slow
socket never holds up the loop that serves the others.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

Send = Callable[[str], Awaitable[None]]


class Subscriber:
    def __init__(self, send: Send, catch_up: Callable[[], list[str]] | None = None, limit: int = 8) -> None:
        self.send = send
        self.catch_up = catch_up or (lambda: [])
        self.limit = limit
        self.backlog: deque[str] = deque()
        self.busy = False
        self.behind = False
        self.closed = False
        self.sent = 0
        self.caught_up = 0
        self._task: asyncio.Task[None] | None = None

    def offer(self, message: str) -> None:
        """Queue ``message``; never waits. A full backlog makes the subscriber *behind*."""
        if self.closed:
            return
        if not self.busy:
            self._start(self._pump(message))
        elif self.behind:
            return
        elif len(self.backlog) >= self.limit:
            self.backlog.clear()
            self.behind = True
        else:
            self.backlog.append(message)

    async def _pump(self, first: str) -> None:
        try:
            await self.send(first)
            self.sent += 1
            while self.backlog or self.behind:
                if self.behind:
                    self.behind = False
                    self.caught_up += 1
                    batch = self.catch_up()
                else:
                    batch = [self.backlog.popleft()]
                for message in batch:
                    await self.send(message)
                    self.sent += 1
        except Exception:  # the socket went away: stop sending to it
            self.closed = True
            self.backlog.clear()
        finally:
            self.busy = False

    def _start(self, coro: Coroutine[Any, Any, None]) -> None:
        self.busy = True
        try:
            waiting = coro.send(None)
        except StopIteration:
            return  # sent inline: the common case
        self._task = asyncio.get_running_loop().create_task(_finish(coro, waiting))

    def reset(self) -> None:
        """What waits is out of date (what the audience may see changed): drop it; a send under
        way is followed by a fresh full state (``catch_up``)."""
        self.backlog.clear()
        if self.busy:
            self.behind = True

    def close(self) -> None:
        self.closed = True
        self.backlog.clear()
        if self._task is not None and not self._task.done():
            self._task.cancel()


async def _finish(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Drive a coroutine that was started inline and suspended on ``waiting``, as a task would."""
    while True:
        try:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                await asyncio.wait([waiting])
        except asyncio.CancelledError:
            with contextlib.suppress(BaseException):
                coro.throw(asyncio.CancelledError())
            coro.close()
            raise
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
