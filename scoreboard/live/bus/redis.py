"""The live bus on Redis pub/sub (``BROADCAST_URL=redis://host:port/db``).

Two clients: the listener's (one subscribed connection, pinged every few seconds so a dead
connection is noticed) and the publisher's (a pool; a stale connection after a restart is
replaced and the publish tried once more). Neither retries further: ``remote`` does that.
"""

from __future__ import annotations

from collections.abc import Callable

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from scoreboard.live.bus.remote import Received, RemoteBus

TIMEOUT = 2.0  # seconds to connect, and for a publish's answer


class RedisBus(RemoteBus):
    errors = (RedisError, OSError)

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(channel)
        self.url = url
        self._publisher: Redis | None = None

    def _client(self, retries: int, timeout: float | None = None, health_check: int = 0) -> Redis:
        return Redis.from_url(self.url, socket_connect_timeout=TIMEOUT, socket_timeout=timeout, socket_keepalive=True,
                              health_check_interval=health_check, retry=Retry(NoBackoff(), retries))

    async def _listen(self, subscribed: Callable[[], None], received: Received) -> None:
        client = self._client(0, health_check=5)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(self.channel)
                while (await pubsub.get_message(timeout=TIMEOUT) or {}).get("type") != "subscribe":
                    pass  # subscribed only once the server confirms it
                subscribed()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None and message["type"] == "message":
                        received(message["data"])
        finally:
            await client.aclose()

    async def _send(self, payload: str) -> None:
        if self._publisher is None:
            self._publisher = self._client(1, timeout=TIMEOUT)
        await self._publisher.publish(self.channel, payload)

    async def _close_sender(self) -> None:
        if self._publisher is not None:
            await self._publisher.aclose()
            self._publisher = None
