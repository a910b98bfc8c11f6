"""What the Redis and PostgreSQL buses share: one listening connection, kept up forever.

Words: the *listener* is one task per process holding one connection subscribed to the
deployment's channel; it decodes each message (``changes.decode``) and puts the change in every
local subscriber's queue, so a process has one connection however many subscribe. A message it
cannot read (another version's, an unknown kind) is logged and skipped.

When the connection drops, the listener tries again after a *backoff* of 0.1 s, doubling to 5 s,
forever; it never raises into the app. After every (re)connection it delivers ``BusResumed``:
changes published while it was away are lost, so whoever keeps state from changes reloads it
(a full state). Once connected, ``publish`` never waits for the server: the change joins an
*outbox* that one sender task sends in order, so a slow or hung server never holds up a judge's
acknowledgement. A change that cannot reach the server is logged and delivered to this
process's subscribers only: the write is committed already, and this process at least stays
current; the others catch up when their own listeners resume. ``close`` sends what the outbox
still holds first (for a few seconds at most).

Every process hears its own changes back from the server (that is how its subscribers get
them); a publish is never also delivered locally unless it failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from scoreboard.changes import BusResumed, Change, Unreadable, decode, encode
from scoreboard.live.bus.memory import Queues

log = logging.getLogger("scoreboard.bus")

Received = Callable[[str | bytes], None]


class RemoteBus(Queues):
    first_delay = 0.1
    last_delay = 5.0
    errors: tuple[type[BaseException], ...] = (OSError,)  # what a lost connection raises

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self.connections = 0  # times the listener subscribed (for tests)
        self._listening = asyncio.Event()
        self._listener: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[Change] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None

    # -- what a backend provides ------------------------------------------------------------
    async def _listen(self, subscribed: Callable[[], None], received: Received) -> None:
        """Connect, subscribe to the channel, call ``subscribed``, then ``received`` with each
        message's payload until the connection is lost (raise)."""
        raise NotImplementedError

    async def _send(self, payload: str) -> None:
        raise NotImplementedError

    async def _close_sender(self) -> None:
        raise NotImplementedError

    # -- the seam -----------------------------------------------------------------------------
    async def connect(self, wait: float = 5.0) -> None:
        """Start the listener and wait up to ``wait`` seconds for it to subscribe (a server not
        there yet is not an error: the listener keeps trying)."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._keep_listening(), name=f"bus-listener {self.channel}")
            self._sender = asyncio.create_task(self._keep_sending(), name=f"bus-sender {self.channel}")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                await self._listening.wait()

    async def close(self, wait: float = 5.0) -> None:
        if self._sender is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._outbox.join()
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
            self._sender = None
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await self._close_sender()

    async def publish(self, change: Change) -> None:
        if self._sender is None:  # not connected (a command-line run): send it now
            await self._send_one(change)
        else:
            self._outbox.put_nowait(change)

    async def _send_one(self, change: Change) -> None:
        try:
            await self._send(encode(change))
        except self.errors as e:
            log.warning("the live bus is unreachable, %s reaches this process only: %s", change.name, e)
            self.deliver(change)

    async def _keep_sending(self) -> None:
        while True:
            change = await self._outbox.get()
            try:
                await self._send_one(change)
            except Exception:  # a bug here must not end the sender: later changes would never go
                log.exception("the live bus could not send %s", change.name)
                self.deliver(change)
            finally:
                self._outbox.task_done()

    # -- the listener -------------------------------------------------------------------------
    def _subscribed(self) -> None:
        self.connections += 1
        self._listening.set()
        self.deliver(BusResumed())

    def _received(self, payload: str | bytes) -> None:
        try:
            change = decode(payload)
        except Unreadable as e:
            log.warning("skipped a live bus message: %s", e)
            return
        self.deliver(change)

    async def _keep_listening(self) -> None:
        delay = self.first_delay
        while True:
            subscribed_before = self.connections
            try:
                await self._listen(self._subscribed, self._received)
                log.warning("the live bus closed its connection")
            except self.errors as e:
                log.warning("lost the live bus: %s", e)
            except Exception:  # a bug here must not end the listener: the boards would go stale
                log.exception("the live bus listener failed")
            self._listening.clear()
            if self.connections != subscribed_before:
                delay = self.first_delay
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.last_delay)
